"""A student with an alpha head: its own mask places people, no segmenter needed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from celflow.export.open_stylizer import open_stylizer
from celflow.export.runtime import AlphaStylizer
from celflow.realtime.modes import FrameRenderer
from celflow.realtime.records import Track

from .conftest import TINTS, redness


def export_with_alpha(path: Path, alpha_value: float) -> Path:
    """A real two-output ONNX student: the red character, plus an alpha head that answers `alpha_value` everywhere."""
    import torch

    from celflow.export.runtime import ALPHA_OUTPUT, INPUT_NAME, OUTPUT_NAME, STRIDE_KEY
    from celflow.student.unet import StudentConfig, StudentUNet

    class WithAlpha(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.student = StudentUNet(StudentConfig(widths=(8, 16)))
            with torch.no_grad():
                self.student.head.bias.copy_(torch.tensor(TINTS["red"]))

        def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return self.student(image), torch.full_like(image[:, :1], alpha_value)

    axes = {0: "batch", 2: "height", 3: "width"}
    torch.onnx.export(
        WithAlpha().eval(), (torch.rand(1, 3, 32, 32),), str(path), dynamo=False, opset_version=17,
        input_names=[INPUT_NAME], output_names=[OUTPUT_NAME, ALPHA_OUTPUT],
        dynamic_axes={INPUT_NAME: axes, OUTPUT_NAME: axes, ALPHA_OUTPUT: axes},
    )
    proto = onnx.load(str(path))
    onnx.helper.set_model_props(proto, {STRIDE_KEY: "2"})
    onnx.save(proto, str(path))
    return path


@pytest.mark.parametrize("alpha_value", [0.0, 1.0])
def test_the_alpha_head_decides_where_the_person_is_pasted(alpha_value, crossing, tmp_path):
    stylizer = open_stylizer(export_with_alpha(tmp_path / "alpha.onnx", alpha_value), threads=1, spin=False, with_alpha=True)
    shot = crossing[0]
    track = Track(0, shot.faces[0], "red")

    out = FrameRenderer("person-only", {"red": stylizer}, person_mask=None)(shot.rgb, [track])

    assert isinstance(stylizer, AlphaStylizer)
    x0, y0, x1, y1 = (round(v) for v in track.box)
    face_before, face_after = shot.rgb[y0:y1, x0:x1], out[y0:y1, x0:x1]
    if alpha_value == 0.0:
        assert np.array_equal(out, shot.rgb)
    else:
        assert redness(face_after) > redness(face_before) + 100


def test_a_plain_student_is_not_taken_for_one_with_alpha(characters):
    assert not isinstance(open_stylizer(characters["red"], spin=False, with_alpha=True), AlphaStylizer)
    with pytest.raises(ValueError, match="needs a person mask"):
        FrameRenderer("per-person", {"red": open_stylizer(characters["red"], spin=False, with_alpha=True)}, person_mask=None)
