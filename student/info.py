"""What a student costs: parameters and GFLOPs per frame size, counted by torch's own FLOP counter."""

from __future__ import annotations

import torch
from pydantic import BaseModel, ConfigDict
from torch.utils.flop_counter import FlopCounterMode

from celflow.student.unet import StudentUNet, count_parameters

# (height, width) of the frames people ask about: training crops, a 512² photo, a VGA webcam.
INFO_FRAME_SIZES = ((256, 256), (512, 512), (480, 640))


class StudentCost(BaseModel):
    """Parameters and GFLOPs (one multiply-add = 2 FLOPs) per frame size 'H×W'."""

    model_config = ConfigDict(frozen=True)

    parameters: int
    gflops: dict[str, float]


def gflops(model: StudentUNet, height: int, width: int) -> float:
    """FLOPs of one forward pass on a 1×3×H×W frame (padded up to the stride), in billions."""
    stride = model.config.stride
    frame = torch.zeros(1, 3, -(-height // stride) * stride, -(-width // stride) * stride)
    counter = FlopCounterMode(display=False)
    with counter, torch.inference_mode():
        model.eval()(frame)
    return counter.get_total_flops() / 1e9


def student_cost(model: StudentUNet) -> StudentCost:
    return StudentCost(
        parameters=count_parameters(model),
        gflops={f"{h}×{w}": round(gflops(model, h, w), 4) for h, w in INFO_FRAME_SIZES},
    )
