"""A saved student with a non-trivial head, its ONNX export (dynamic and fixed-shape), its CPU INT8 variant, a
briefly trained student's export, and real pair photos, shared by the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from celflow.export.calibration import pair_photos
from celflow.export.onnx_export import ExportReport, export_onnx
from celflow.export.quantize import VariantReport, make_variant
from celflow.student.checkpoint import save_student
from celflow.student.train import TrainConfig, train_student
from celflow.student.unet import PRESETS
from tests.student.conftest import inverted_pairs_dir, pairs_dir, randomised_student  # noqa: F401  (fixtures)


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
def int8(exported: ExportReport, pairs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> VariantReport:  # noqa: F811
    """The CPU INT8 variant (`--int8 cpu`: uint8 activations with zero points, which TensorRT cannot build)."""
    out = tmp_path_factory.mktemp("int8") / "student.int8.onnx"
    return make_variant("int8", exported.onnx_path, out, pair_photos(pairs_dir), **FAST)


@pytest.fixture(scope="session")
def trained_export(inverted_pairs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ExportReport:  # noqa: F811
    """The `small` preset trained for 150 steps on pairs whose target is 255 − photo, then exported: it redraws
    every pixel, so INT8's rounding shows in its output (a random student stays close to the photo and hides it).
    It paints with the `gated` head's own colours: trained the same way, the presets' local-mean head (a clamped
    shift from the photo's colour) gave INT8 output equal to FP32's (SSIM 1.0), so nothing was left to measure."""
    config = TrainConfig(
        steps=150, batch_size=4, crop_size=64, learning_rate=5e-3, ema_decay=0.0, val_fraction=0.0,
        checkpoint_every=1000, student=PRESETS["small"].model_copy(update={"head": "gated"}),
    )
    model_dir = tmp_path_factory.mktemp("trained")
    train_student(inverted_pairs_dir, model_dir, config, progress=False, threads=1)
    return export_onnx(model_dir, model_dir / "student.onnx")
