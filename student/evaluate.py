"""How close the student gets to the teacher on held-out pairs, at their full resolution."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from celflow.student.metrics import psnr, ssim
from celflow.student.pairs import read_pair
from celflow.student.stylize import stylize_with_student
from celflow.student.unet import StudentUNet


class EvaluationReport(BaseModel):
    """Mean PSNR (dB) and SSIM of student output against target.png over `pairs` pairs."""

    model_config = ConfigDict(frozen=True)

    psnr: float
    ssim: float
    pairs: int


def evaluate_model(model: StudentUNet, pair_dirs: Sequence[Path]) -> EvaluationReport:
    """Stylise each pair's whole photo (padded to the stride, cropped back) and score it; leaves `model` in eval."""
    if not pair_dirs:
        raise ValueError("pair_dirs: no pairs to evaluate on")
    model.eval()
    scores = []
    for pair_dir in pair_dirs:
        photo, target = read_pair(pair_dir)
        stylized = stylize_with_student(model, photo)
        scores.append((psnr(stylized, target), ssim(stylized, target)))
    mean_psnr, mean_ssim = np.mean(scores, axis=0)
    return EvaluationReport(psnr=float(mean_psnr), ssim=float(mean_ssim), pairs=len(scores))
