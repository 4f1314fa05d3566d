"""export_onnx: a checked ONNX file with dynamic size that computes what the torch student computes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from celflow.export import onnx_export
from celflow.export.onnx_export import ExportReport, ParityError, export_onnx
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, STRIDE_KEY, open_session
from celflow.student.checkpoint import CONFIG_FILE, load_student


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
