"""A saved student with a non-trivial head, its ONNX export (dynamic and fixed-shape), its CPU INT8 variant, and
real pair photos, shared by the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from celflow.export.calibration import pair_photos
from celflow.export.onnx_export import ExportReport, export_onnx
from celflow.export.quantize import VariantReport, make_variant
from celflow.student.checkpoint import save_student
from tests.student.conftest import pairs_dir, randomised_student  # noqa: F401  (pairs_dir is a fixture)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = randomised_student()
    return save_student(model, model.config, tmp_path_factory.mktemp("student"))


@pytest.fixture(scope="session")
def exported(model_dir: Path) -> ExportReport:
    return export_onnx(model_dir, model_dir / "student.onnx")


@pytest.fixture(scope="session")
def fixed_export(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ExportReport:
    """The same student exported with `--fixed-shape 1x64x96`."""
    return export_onnx(model_dir, tmp_path_factory.mktemp("fixed") / "student.onnx", fixed_shape=(1, 64, 96))


FAST = {"warmup": 0, "iterations": 2}  # the timing figures are checked for shape, not size, in tests


@pytest.fixture(scope="session")
def int8(exported: ExportReport, pairs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> VariantReport:
    """The CPU INT8 variant (`--int8 cpu`: uint8 activations with zero points, which TensorRT cannot build)."""
    out = tmp_path_factory.mktemp("int8") / "student.int8.onnx"
    return make_variant("int8", exported.onnx_path, out, pair_photos(pairs_dir), **FAST)
