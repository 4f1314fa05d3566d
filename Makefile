# Two commands set up everything on a fresh machine:
#   make demo   create .venv, install celflow, run `celflow demo` (photos → pairs → student → ONNX → video)
#   make test   create .venv, install celflow with test tools, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/celflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

.PHONY: install demo test bench
install: $(BIN)/celflow

demo: $(BIN)/celflow
	$(BIN)/celflow demo

test: $(BIN)/celflow
	$(BIN)/python -m pytest -q

bench: $(BIN)/celflow
	$(BIN)/python benchmarks/bench_student.py
