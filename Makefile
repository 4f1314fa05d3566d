# Two commands set up everything on a fresh machine:
#   make demo   create .venv, install celflow, run `celflow demo` (photos → pairs → student → ONNX → video)
#   make test   create .venv, install celflow with test tools, check the import contracts, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/celflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# Headless Chromium drives the browser-preview test; installed from Debian when we may, else that test skips.
CHROMIUM_APT := apt-get install -y -q --no-install-recommends chromium
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    { $(CHROMIUM_APT) >/dev/null || { apt-get update -q >/dev/null && $(CHROMIUM_APT) >/dev/null; }; }; } || \
	  echo "note: Chromium not installed; the browser-preview test will be skipped"

.PHONY: install demo test bench browser base-student
install: $(BIN)/celflow

demo: $(BIN)/celflow
	$(BIN)/celflow demo

# lint-imports: the floors' contracts in pyproject.toml ([tool.importlinter]), before the tests.
test: $(BIN)/celflow browser
	$(BIN)/python .ci/lint_imports.py
	$(BIN)/python -m pytest -q

bench: $(BIN)/celflow
	$(BIN)/python benchmarks/bench_student.py

# The base student shipped in core/students/default (about 80 minutes on 2 CPU cores; see README).
BASE_PHOTOS ?= data/base_photos
base-student: $(BIN)/celflow
	$(BIN)/python tools/fetch_base_photos.py $(BASE_PHOTOS)
	$(BIN)/python tools/train_base_student.py $(BASE_PHOTOS) --out data/base_student --install
