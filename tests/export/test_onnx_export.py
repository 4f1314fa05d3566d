"""export_onnx: a checked ONNX file with dynamic size that computes what the torch student computes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from celflow.core.line_art import LineArt, keep_line_art
from celflow.export import onnx_export
from celflow.export.calibration import pair_photos
from celflow.export.onnx_export import ExportReport, ParityError, export_onnx
from celflow.export.open_stylizer import read_student_line_art
from celflow.export.quantize import make_variant
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, STRIDE_KEY, open_session
from celflow.student.checkpoint import CONFIG_FILE, load_student, save_student
from celflow.student.train import TrainConfig
from celflow.student.unet import PRESETS, student_preset

from tests.export.conftest import FAST
from tests.student.conftest import randomised_student


def test_the_export_matches_torch_and_passes_the_checker(exported: ExportReport) -> None:
    proto = onnx.load(str(exported.onnx_path))

    onnx.checker.check_model(proto)
    assert exported.max_abs_diff <= 1e-3
    assert exported.opset == 17 and exported.size_bytes == exported.onnx_path.stat().st_size
    assert [proto.graph.input[0].name, proto.graph.output[0].name] == [INPUT_NAME, OUTPUT_NAME]
    assert {prop.key: prop.value for prop in proto.metadata_props}[STRIDE_KEY] == "8"


@pytest.mark.parametrize(("batch", "height", "width"), [(1, 8, 8), (3, 40, 200), (2, 248, 64)])
def test_any_batch_and_stride_multiple_size_runs(
    model_dir: Path, exported: ExportReport, batch: int, height: int, width: int
) -> None:
    model, _ = load_student(model_dir)
    image = torch.rand(batch, 3, height, width, generator=torch.Generator().manual_seed(height))

    stylized = open_session(exported.onnx_path).run([OUTPUT_NAME], {INPUT_NAME: image.numpy()})[0]

    with torch.inference_mode():
        expected = model(image).numpy()
    assert stylized.shape == (batch, 3, height, width)
    assert np.abs(stylized - expected).max() <= 1e-3


def test_a_parity_failure_names_the_file_and_writes_nothing(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(onnx_export, "PARITY_TOLERANCE", -1.0)  # any difference, even 0, now fails

    with pytest.raises(ParityError, match=r"broken\.onnx: ONNX output differs from torch by"):
        export_onnx(model_dir, tmp_path / "broken.onnx")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_without_a_student_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=CONFIG_FILE):
        export_onnx(tmp_path, tmp_path / "student.onnx")


def test_a_fixed_shape_is_frozen_into_the_graph(model_dir: Path, tmp_path: Path) -> None:
    report = export_onnx(model_dir, tmp_path / "fixed.onnx", fixed_shape=(2, 48, 64))

    dims = [d.dim_value for d in onnx.load(str(report.onnx_path)).graph.input[0].type.tensor_type.shape.dim]
    assert dims == [2, 3, 48, 64] and report.fixed_shape == (2, 48, 64)
    with pytest.raises(Exception, match="Got invalid dimensions"):
        open_session(report.onnx_path).run([OUTPUT_NAME], {INPUT_NAME: np.zeros((1, 3, 48, 64), np.float32)})


def test_a_fixed_shape_off_the_stride_and_an_old_opset_are_refused(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"fixed_shape=\(1, 50, 64\): .*multiples of the stride 8"):
        export_onnx(model_dir, tmp_path / "odd.onnx", fixed_shape=(1, 50, 64))
    with pytest.raises(ValueError, match="opset=13: celflow exports opset 17 or newer"):
        export_onnx(model_dir, tmp_path / "old.onnx", opset=13)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_with_an_alpha_head_exports_both_outputs(preset: str, tmp_path: Path) -> None:
    model = randomised_student(student_preset(preset, alpha_head=True))
    save_student(model, model.config, tmp_path)

    report = export_onnx(tmp_path, tmp_path / "student.onnx")

    image = torch.rand(1, 3, 64, 96, generator=torch.Generator().manual_seed(1))
    stylized, alpha = open_session(report.onnx_path).run(["stylized", "alpha"], {INPUT_NAME: image.numpy()})
    with torch.inference_mode():
        expected_stylized, matte_logits = model.stylize_and_matte(image)
        expected_alpha = torch.sigmoid(matte_logits)
    assert report.outputs == ("stylized", "alpha") and report.max_abs_diff <= 1e-3
    assert np.abs(alpha - expected_alpha.numpy()).max() <= 1e-3 and alpha.shape == (1, 1, 64, 96)
    assert 0 <= alpha.min() and alpha.max() <= 1  # a probability, as celflow.realtime reads it
    assert np.abs(stylized - expected_stylized.numpy()).max() <= 1e-3


def test_the_default_preset_exports_at_most_2_mb_even_with_its_alpha_head(tmp_path: Path) -> None:
    model = randomised_student(TrainConfig().student.model_copy(update={"alpha_head": True}))
    save_student(model, model.config, tmp_path)

    assert export_onnx(tmp_path, tmp_path / "student.onnx").size_bytes <= 2_000_000


def test_the_face_lines_a_student_carries_travel_into_its_onnx_and_its_variants(
    model_dir: Path, exported: ExportReport, pairs_dir: Path, tmp_path: Path
) -> None:
    lines = LineArt(ink=(40, 30, 30), line_weight=2.0, line_darkness=0.9)
    lined = tmp_path / "lined"
    shutil.copytree(model_dir, lined)
    keep_line_art(lined, lines)

    onnx_path = export_onnx(lined, lined / "student.onnx").onnx_path
    fp16 = make_variant("fp16", onnx_path, tmp_path / "fp16.onnx", pair_photos(pairs_dir), **FAST).onnx_path

    assert read_student_line_art(lined) == read_student_line_art(onnx_path) == lines
    assert read_student_line_art(fp16) == lines
    assert read_student_line_art(exported.onnx_path) is None  # a student made without them draws none
