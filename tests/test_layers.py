"""The floors a newcomer can see: core at the bottom, the stages, the flows, the studio and the CLI on top.

Arrows point down only (import-linter's contracts in pyproject.toml), core stays light, and every public class
name means one thing across the package.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "onnxruntime", "mediapipe", "prefect")


def load_lint_script():
    spec = importlib.util.spec_from_file_location("lint_imports", REPO / ".ci" / "lint_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lint = load_lint_script()


def contract_names() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["name"] for contract in config["tool"]["importlinter"]["contracts"]]


def test_the_import_contracts_hold(tmp_path):
    result = lint.lint_imports(lint.assemble_package(tmp_path), REPO / "pyproject.toml")

    report = " ".join(result.stdout.split())
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(f"{name} KEPT" in report for name in contract_names())


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("celflow.realtime", "from celflow.cli import app", "No stage, flow or studio imports the CLI"),
        ("celflow.student", "import celflow.cli.commands.train", "No stage, flow or studio imports the CLI"),
        ("celflow.core", "import torch", "core imports no stage and no heavy library"),
        ("celflow.core", "from celflow.student import unet", "core imports no stage and no heavy library"),
        ("celflow.export", "from prefect import flow", "The stages run without Prefect"),
        ("celflow.generators", "from celflow.pipelines import generate", "Floors: cli → studio"),
    ],
)
def test_an_import_against_the_floors_breaks_its_contract(tmp_path, module, line, contract):
    root = lint.assemble_package(tmp_path)
    root.joinpath(*module.split("."), "against_the_floors.py").write_text(f"{line}\n", encoding="utf-8")

    result = lint.lint_imports(root, REPO / "pyproject.toml")

    (name,) = [name for name in contract_names() if name.startswith(contract)]
    report = " ".join(result.stdout.split())  # lint-imports wraps long contract names
    assert result.returncode != 0
    assert f"{name} BROKEN" in report, result.stdout


def test_importing_core_loads_no_heavy_library_and_takes_under_half_a_second():
    # Import every core module, then look at what came along; -X importtime times celflow.core's own import.
    code = (
        "import importlib, pkgutil, sys, celflow.core\n"
        "for info in pkgutil.walk_packages(celflow.core.__path__, 'celflow.core.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(sorted({{name.split('.')[0] for name in sys.modules}} & set({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
    # -X importtime rows: "import time: self [us] | cumulative | imported package"
    cumulative_us = [int(row.split("|")[1]) for row in result.stderr.splitlines() if row.rstrip().endswith("| celflow.core")]
    assert cumulative_us and cumulative_us[0] < 500_000


def public_classes(folder: Path, package: str) -> dict[str, list[str]]:
    found = defaultdict(list)
    for path in sorted(folder.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                found[node.name].append(f"{package}/{path.relative_to(folder)}")
    return found


def test_every_public_class_name_is_defined_once():
    classes = defaultdict(list)
    for package, folder in lint.package_dirs(REPO).items():
        for name, places in public_classes(folder, package).items():
            classes[name] += places

    assert {name: places for name, places in classes.items() if len(places) > 1} == {}


def test_the_student_onnx_file_name_is_written_only_in_core_defaults():
    places = []
    for package, folder in lint.package_dirs(REPO).items():
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(isinstance(node, ast.Constant) and node.value == "student.onnx" for node in ast.walk(tree)):
                places.append(f"{package}/{path.relative_to(folder)}")

    assert places == ["celflow.core/defaults.py"]
