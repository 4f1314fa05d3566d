"""Check the import contracts of pyproject.toml ([tool.importlinter]) with `lint-imports`.

celflow's floors are top-level folders that [tool.setuptools.package-dir] maps into the one `celflow` package,
while import-linter reads a package from a single folder on disk. So this copies the Python files into that
shape in a temporary folder and runs `lint-imports` there; arguments are passed on to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def package_dirs(repo: Path = REPO) -> dict[str, Path]:
    """Import name → its folder in the checkout, as pyproject.toml maps them."""
    mapping = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    return {name: repo / folder for name, folder in mapping.items()}


def python_files_only(folder: str, names: list[str]) -> set[str]:
    """copytree's ignore: skip data files and caches, keep folders and .py files."""
    return {n for n in names if n == "__pycache__" or not (Path(folder, n).is_dir() or n.endswith(".py"))}


def assemble_package(dest: Path, repo: Path = REPO) -> Path:
    """Copy every package's .py files to `dest/celflow/...` as they are installed; returns `dest`."""
    for name, folder in sorted(package_dirs(repo).items(), key=lambda item: item[0].count(".")):
        target = dest.joinpath(*name.split("."))
        shutil.copytree(folder, target, ignore=python_files_only, dirs_exist_ok=True)
    return dest


def lint_imports(package_root: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `lint-imports` on the package assembled under `package_root` with the contracts in `config`."""
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]
    return subprocess.run(
        [*command, str(config), "--no-cache", "--no-logo", *args], cwd=package_root, env=env, capture_output=True, text=True
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="celflow-lint-imports-") as folder:
        result = lint_imports(assemble_package(Path(folder)), REPO / "pyproject.toml", *sys.argv[1:])
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
