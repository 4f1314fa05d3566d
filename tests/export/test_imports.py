"""student/ and export/ are plain libraries: importing them must not pull in the orchestrator."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "celflow.student.train",
    "celflow.student.evaluate",
    "celflow.export.onnx_export",
    "celflow.export.runtime",
]


def test_student_and_export_do_not_import_prefect() -> None:
    code = f"import sys; import {', '.join(MODULES)}; print('prefect' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
