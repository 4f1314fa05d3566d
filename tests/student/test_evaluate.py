"""evaluate_model: student output against target.png, at each pair's full resolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from celflow.records import read_manifest
from celflow.student.evaluate import evaluate_model
from celflow.student.metrics import psnr, ssim
from celflow.student.pairs import read_pair
from celflow.student.unet import StudentConfig, StudentUNet


def test_an_untrained_student_scores_like_the_photo_itself(pairs_dir: Path) -> None:
    pair_dirs = read_manifest(pairs_dir).pair_dirs(pairs_dir)
    photos_and_targets = [read_pair(pair_dir) for pair_dir in pair_dirs]

    report = evaluate_model(StudentUNet(StudentConfig()), pair_dirs)  # returns the photo unchanged

    assert report.pairs == len(pair_dirs)
    assert report.psnr == pytest.approx(np.mean([psnr(photo, target) for photo, target in photos_and_targets]))
    assert report.ssim == pytest.approx(np.mean([ssim(photo, target) for photo, target in photos_and_targets]))


def test_nothing_to_evaluate_is_an_error() -> None:
    with pytest.raises(ValueError, match="pair_dirs"):
        evaluate_model(StudentUNet(StudentConfig()), [])
