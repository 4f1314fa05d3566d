"""INT8 and FP16 variants: calibrated on pair photos, judged against FP32, refused below the SSIM floor, on a
random student and on a trained one whose drawing INT8 really changes."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest

from celflow.export import quantize
from celflow.export.calibration import pair_photos, split_calibration_and_check
from celflow.export.onnx_export import ExportReport, export_onnx
from celflow.export.quantize import SSIM_FLOOR, QualityRefusedError, QuantizeSettings, VariantReport, make_variant
from celflow.export.runtime import OnnxStylizer
from celflow.export.tensorrt_ops import tensorrt_problems
from celflow.student.metrics import ssim
from tests.export.conftest import FAST



def test_int8_is_quantized_close_to_fp32_and_reports_its_figures(
    int8: VariantReport, exported: ExportReport, astronaut: np.ndarray
) -> None:
    graph = onnx.load(str(int8.onnx_path)).graph

    assert {"QuantizeLinear", "DequantizeLinear"} <= {node.op_type for node in graph.node}
    assert int8.ssim_vs_fp32 >= 0.97 and int8.check_photos == 4 and not int8.forced
    assert int8.size_bytes < exported.size_bytes
    assert int8.fp32_p50_ms > 0 and int8.variant_p50_ms > 0
    assert int8.speedup == pytest.approx(int8.fp32_p50_ms / int8.variant_p50_ms)
    photo = astronaut[150:350, 150:350]  # a photo neither calibrated on nor checked
    assert ssim(OnnxStylizer(int8.onnx_path)(photo), OnnxStylizer(exported.onnx_path)(photo)) >= 0.97


def test_the_cpu_variant_is_asymmetric_and_the_tensorrt_variant_builds_on_tensorrt(
    int8: VariantReport, exported: ExportReport, pairs_dir: Path, tmp_path: Path
) -> None:
    settings = QuantizeSettings(target="tensorrt")
    symmetric = make_variant("int8", exported.onnx_path, tmp_path / "trt.onnx", pair_photos(pairs_dir), settings, **FAST)

    assert not int8.tensorrt_buildable and tensorrt_problems(onnx.load(str(int8.onnx_path)))
    assert symmetric.tensorrt_buildable and symmetric.ssim_vs_fp32 >= 0.97


def test_a_variant_below_the_floor_is_refused_and_not_written_unless_forced(
    exported: ExportReport, pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quantize, "SSIM_FLOOR", 1.01)  # no variant can reach it
    photos = pair_photos(pairs_dir)

    with pytest.raises(QualityRefusedError, match=r"refused\.onnx: int8 SSIM vs FP32 is 0\.9\d+, below 1\.01"):
        make_variant("int8", exported.onnx_path, tmp_path / "refused.onnx", photos, **FAST)
    assert list(tmp_path.iterdir()) == []
    forced = make_variant("int8", exported.onnx_path, tmp_path / "forced.onnx", photos, force=True, **FAST)
    assert forced.forced and forced.onnx_path.is_file()


@pytest.fixture(scope="module")
def trained_variants(
    trained_export: ExportReport, inverted_pairs_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, VariantReport]:
    """Both INT8 variants of the trained student, written whatever their SSIM, to compare the gate's figures."""
    folder, photos = tmp_path_factory.mktemp("trained-int8"), pair_photos(inverted_pairs_dir)
    return {
        target: make_variant(
            "int8", trained_export.onnx_path, folder / f"{target}.onnx", photos, QuantizeSettings(target=target), force=True, **FAST
        )
        for target in ("cpu", "tensorrt")
    }


def test_on_a_trained_student_the_gate_measures_what_int8_costs_on_photos_it_never_saw(
    trained_variants: dict[str, VariantReport], trained_export: ExportReport, astronaut: np.ndarray, hopper: np.ndarray
) -> None:
    unseen = [cv2.resize(hopper, (128, 128)), astronaut[150:350, 150:350]]  # neither calibrated on nor checked
    fp32 = OnnxStylizer(trained_export.onnx_path)
    for report in trained_variants.values():
        variant = OnnxStylizer(report.onnx_path)
        assert 0.9 < report.ssim_vs_fp32 < 0.995  # INT8 really changes this student's drawing
        assert np.mean([ssim(variant(photo), fp32(photo)) for photo in unseen]) == pytest.approx(report.ssim_vs_fp32, abs=0.02)
    assert trained_variants["cpu"].ssim_vs_fp32 >= SSIM_FLOOR and not trained_variants["cpu"].forced


def test_the_gate_ships_and_refuses_a_trained_students_variants_by_their_measured_ssim(
    trained_variants: dict[str, VariantReport], trained_export: ExportReport, inverted_pairs_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A floor between the two variants' SSIMs (TensorRT's symmetric INT8 gives up half the range) splits them."""
    asymmetric, symmetric = trained_variants["cpu"].ssim_vs_fp32, trained_variants["tensorrt"].ssim_vs_fp32
    assert symmetric < asymmetric
    monkeypatch.setattr(quantize, "SSIM_FLOOR", (asymmetric + symmetric) / 2)
    photos = pair_photos(inverted_pairs_dir)

    shipped = make_variant("int8", trained_export.onnx_path, tmp_path / "cpu.onnx", photos, **FAST)
    with pytest.raises(QualityRefusedError, match=r"tensorrt\.onnx: int8 SSIM vs FP32 is 0\.9\d+, below 0\.9\d+"):
        make_variant("int8", trained_export.onnx_path, tmp_path / "tensorrt.onnx", photos, QuantizeSettings(target="tensorrt"), **FAST)
    assert shipped.ssim_vs_fp32 == pytest.approx(asymmetric) and not shipped.forced
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cpu.onnx"]


def test_fp16_halves_the_weights_and_keeps_fp32_inputs(exported: ExportReport, pairs_dir: Path, tmp_path: Path) -> None:
    fp16 = make_variant("fp16", exported.onnx_path, tmp_path / "student.fp16.onnx", pair_photos(pairs_dir), **FAST)

    graph = onnx.load(str(fp16.onnx_path)).graph
    assert {init.data_type for init in graph.initializer if init.dims} == {onnx.TensorProto.FLOAT16}
    assert graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert fp16.ssim_vs_fp32 >= 0.99 and fp16.tensorrt_buildable
    assert OnnxStylizer(fp16.onnx_path).stride == 8  # the metadata travels with the variant


@pytest.mark.parametrize("batch", [1, 2])
def test_a_fixed_shape_export_gets_variants_judged_and_timed_at_its_shape(
    batch: int, model_dir: Path, pairs_dir: Path, tmp_path: Path
) -> None:
    """The graph takes its one shape only: calibration, the SSIM check and the timing all run at it."""
    fixed = export_onnx(model_dir, tmp_path / "student.onnx", fixed_shape=(batch, 64, 96))
    photos = pair_photos(pairs_dir)
    settings = QuantizeSettings(target="tensorrt")

    int8 = make_variant("int8", fixed.onnx_path, tmp_path / "student.int8.onnx", photos, settings, **FAST)
    fp16 = make_variant("fp16", fixed.onnx_path, tmp_path / "student.fp16.onnx", photos, **FAST)

    for report in (int8, fp16):
        assert report.speed_shape == (batch, 3, 64, 96) and report.ssim_vs_fp32 >= 0.97 and report.tensorrt_buildable


def test_calibration_and_check_photos_do_not_overlap(pairs_dir: Path) -> None:
    photos = pair_photos(pairs_dir)
    calibration, check = split_calibration_and_check(photos)

    assert len(photos) == 8 and len(calibration) == len(check) == 4
    assert not any(np.array_equal(a, b) for a in calibration for b in check if a.shape == b.shape)
    assert len(pair_photos(pairs_dir, limit=3)) == 3


def test_a_folder_without_a_manifest_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"manifest\.json: no manifest"):
        pair_photos(tmp_path)
