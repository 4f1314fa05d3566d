"""student/ and export/ are plain libraries: importing them must not pull in the orchestrator or GPU stacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = [
    "celflow.student.train",
    "celflow.student.evaluate",
    "celflow.export.onnx_export",
    "celflow.export.runtime",
    "celflow.export.quantize",
    "celflow.export.open_stylizer",
    "celflow.export.tensorrt_engine",
    "celflow.export.bench",
]


@pytest.mark.parametrize("heavy", ["prefect", "tensorrt"])
def test_student_and_export_do_not_import(heavy: str) -> None:
    code = f"import sys; import {', '.join(MODULES)}; print({heavy!r} in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
