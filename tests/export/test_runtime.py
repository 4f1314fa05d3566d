"""OnnxStylizer: any photo size in, same size uint8 out, as the torch student would draw it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from celflow.export.onnx_export import ExportReport
from celflow.export.backends import ORT_PROVIDERS, Backend, availability, available_backends, choose_backend
from celflow.export.open_stylizer import open_stylizer
from celflow.export.runtime import OnnxStylizer, engine_cache_dir
from celflow.student.checkpoint import load_student
from celflow.student.stylize import stylize_with_student


@pytest.mark.parametrize(("height", "width"), [(101, 77), (64, 64), (5, 333)])
def test_odd_sizes_come_back_whole_and_match_torch(
    model_dir: Path, exported: ExportReport, astronaut: np.ndarray, height: int, width: int
) -> None:
    photo = np.ascontiguousarray(astronaut[100 : 100 + height, 90 : 90 + width])
    model, _ = load_student(model_dir)

    stylized = OnnxStylizer(exported.onnx_path, threads=2)(photo)

    assert stylized.shape == photo.shape and stylized.dtype == np.uint8
    assert np.abs(stylized.astype(np.int16) - stylize_with_student(model, photo)).max() <= 2
    assert np.abs(stylized.astype(np.int16) - photo).mean() > 1  # the head is not zero: it really stylised


def test_spin_waiting_can_be_turned_off_and_draws_the_same(exported: ExportReport, astronaut: np.ndarray) -> None:
    spinning, quiet = OnnxStylizer(exported.onnx_path), OnnxStylizer(exported.onnx_path, spin=False)
    entry = "session.intra_op.allow_spinning"

    assert spinning.session.get_session_options().get_session_config_entry(entry) == "1"
    assert quiet.session.get_session_options().get_session_config_entry(entry) == "0"
    assert np.array_equal(spinning(astronaut[:64, :64]), quiet(astronaut[:64, :64]))


def test_a_missing_model_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nothing\.onnx: no ONNX model there"):
        OnnxStylizer(tmp_path / "nothing.onnx")


@pytest.mark.parametrize("content", [b"garbage, not a protobuf", b""])
def test_a_file_that_is_not_onnx_is_named(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "fake.onnx").write_bytes(content)

    with pytest.raises(ValueError, match=r"fake\.onnx: not an ONNX model"):
        OnnxStylizer(tmp_path / "fake.onnx")


def test_a_model_without_the_stride_is_refused(exported: ExportReport, tmp_path: Path) -> None:
    proto = onnx.load(str(exported.onnx_path))
    del proto.metadata_props[:]
    onnx.save(proto, str(tmp_path / "bare.onnx"))

    with pytest.raises(ValueError, match=r"bare\.onnx: no 'celflow.stride' metadata"):
        OnnxStylizer(tmp_path / "bare.onnx")


def test_non_rgb_input_is_refused(exported: ExportReport) -> None:
    with pytest.raises(ValueError, match="H×W×3 uint8"):
        OnnxStylizer(exported.onnx_path)(np.zeros((32, 32, 3), np.float32))


def test_every_backend_here_draws_the_same_picture(model_dir: Path, exported: ExportReport, astronaut: np.ndarray) -> None:
    photo = np.ascontiguousarray(astronaut[60:190, 200:300])
    reference = stylize_with_student(load_student(model_dir)[0], photo)

    for backend in available_backends():
        stylizer = open_stylizer(model_dir if backend is Backend.TORCH else exported.onnx_path, backend)
        assert stylizer.backend is backend
        assert np.abs(stylizer(photo).astype(np.int16) - reference).max() <= 2, backend


def test_auto_opens_the_onnx_file_on_the_chosen_backend_and_a_folder_on_torch(
    model_dir: Path, exported: ExportReport
) -> None:
    assert open_stylizer(exported.onnx_path, "auto").backend is choose_backend("auto")
    assert open_stylizer(model_dir, "auto").backend is Backend.TORCH


def test_mismatched_model_and_backend_are_named(model_dir: Path, exported: ExportReport) -> None:
    with pytest.raises(ValueError, match=r"student\.onnx: the torch backend needs the student folder"):
        open_stylizer(exported.onnx_path, "torch")
    with pytest.raises(ValueError, match="a student folder runs on the torch backend only"):
        open_stylizer(model_dir, "cpu")


@pytest.mark.parametrize("backend", [Backend.CUDA_EP, Backend.TENSORRT_EP])
def test_gpu_execution_providers_match_the_cpu(backend: Backend, exported: ExportReport, astronaut: np.ndarray) -> None:
    found = availability(backend)
    if not found.available:
        pytest.skip(f"GPU backend {backend.value} not available: {found.reason}")
    photo = np.ascontiguousarray(astronaut[:200, :256])

    stylizer = OnnxStylizer(exported.onnx_path, backend=backend)

    assert stylizer.session.get_providers()[0] == ORT_PROVIDERS[backend]
    assert np.abs(stylizer(photo).astype(np.int16) - OnnxStylizer(exported.onnx_path)(photo)).max() <= 2
    if backend is Backend.TENSORRT_EP:
        assert any(engine_cache_dir(exported.onnx_path).iterdir()), "the TensorRT EP engine cache is on"
