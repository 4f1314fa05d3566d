"""A saved student with a non-trivial head, its ONNX export, and real pair photos, shared by the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from celflow.export.onnx_export import ExportReport, export_onnx
from celflow.student.checkpoint import save_student
from tests.student.conftest import pairs_dir, randomised_student  # noqa: F401  (pairs_dir is a fixture)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = randomised_student()
    return save_student(model, model.config, tmp_path_factory.mktemp("student"))


@pytest.fixture(scope="session")
def exported(model_dir: Path) -> ExportReport:
    return export_onnx(model_dir, model_dir / "student.onnx")
