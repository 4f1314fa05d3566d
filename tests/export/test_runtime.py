"""OnnxStylizer: any photo size in, same size uint8 out, as the torch student would draw it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from celflow.export.onnx_export import ExportReport
from celflow.export.runtime import OnnxStylizer
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
