"""How close the student gets to the teacher on held-out pairs, at their full resolution."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from celflow.core.pair_folder import read_mask, read_pair
from celflow.student.metrics import edge_f1, mask_iou, ms_ssim, psnr, ssim
from celflow.student.stylize import stylize_and_matte_with_student, stylize_with_student
from celflow.student.unet import StudentUNet


class PairScores(BaseModel):
    """One held-out pair: the student's output against the teacher's target (and mask, with an alpha head)."""

    model_config = ConfigDict(frozen=True)

    pair_id: str
    psnr: float
    ssim: float
    ms_ssim: float
    edge_f1: float
    alpha_iou: float | None = None
    ssim_to_photo: float = float("nan")  # SSIM of the output against the photo: a drawing is nearer its teacher

    @property
    def closer_to_teacher(self) -> bool:
        return self.ssim > self.ssim_to_photo


class EvaluationReport(BaseModel):
    """Means over `pairs` pairs of PSNR (dB), SSIM, MS-SSIM and line F1 of the network's picture vs what it learns
    (drawing.png where the pair has one, else target.png); alpha IoU vs mask.png."""

    model_config = ConfigDict(frozen=True)

    psnr: float
    ssim: float
    pairs: int
    ms_ssim: float = float("nan")
    edge_f1: float = float("nan")
    alpha_iou: float | None = None
    per_pair: list[PairScores] = []

    @property
    def closer_to_teacher(self) -> int:
        """Pairs whose output is more like the teacher's drawing than like the photo."""
        return sum(scores.closer_to_teacher for scores in self.per_pair)


def score_pair(model: StudentUNet, pair_dir: Path) -> tuple[PairScores, np.ndarray]:
    """Stylise one pair's whole photo (padded to the stride, cropped back); its scores against what the network
    learns (the drawing before the face warp, which the run time applies) and the stylisation."""
    photo, target = read_pair(pair_dir, learnt=True)
    alpha_iou = None
    if model.config.alpha_head:
        stylized, matte = stylize_and_matte_with_student(model, photo)
        alpha_iou = mask_iou(matte, read_mask(pair_dir, photo.shape[:2]))
    else:
        stylized = stylize_with_student(model, photo)
    scores = PairScores(
        pair_id=Path(pair_dir).name,
        psnr=psnr(stylized, target),
        ssim=ssim(stylized, target),
        ms_ssim=ms_ssim(stylized, target),
        edge_f1=edge_f1(stylized, target),
        alpha_iou=alpha_iou,
        ssim_to_photo=ssim(stylized, photo),
    )
    return scores, stylized


def evaluate_model(model: StudentUNet, pair_dirs: Sequence[Path]) -> EvaluationReport:
    """Score every pair; leaves `model` in eval mode."""
    if not pair_dirs:
        raise ValueError("pair_dirs: no pairs to evaluate on")
    model.eval()
    per_pair = [score_pair(model, pair_dir)[0] for pair_dir in pair_dirs]

    def mean(name: str) -> float:
        return float(np.mean([getattr(scores, name) for scores in per_pair]))

    return EvaluationReport(
        psnr=mean("psnr"),
        ssim=mean("ssim"),
        ms_ssim=mean("ms_ssim"),
        edge_f1=mean("edge_f1"),
        alpha_iou=mean("alpha_iou") if model.config.alpha_head else None,
        pairs=len(per_pair),
        per_pair=per_pair,
    )
