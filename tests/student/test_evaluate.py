"""evaluate_model: student output against target.png, at each pair's full resolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from celflow.core.pair_folder import read_manifest, read_mask, read_pair
from celflow.student.evaluate import evaluate_model
from celflow.student.metrics import psnr, ssim
from celflow.student.unet import StudentConfig, StudentUNet
from tests.student.conftest import randomised_student


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


def test_the_report_holds_every_metric_per_pair_and_their_means(pairs_dir: Path) -> None:
    pair_dirs = read_manifest(pairs_dir).pair_dirs(pairs_dir)

    report = evaluate_model(randomised_student(), pair_dirs)

    assert [scores.pair_id for scores in report.per_pair] == [pair_dir.name for pair_dir in pair_dirs]
    assert report.ms_ssim == pytest.approx(np.mean([s.ms_ssim for s in report.per_pair]))
    assert report.edge_f1 == pytest.approx(np.mean([s.edge_f1 for s in report.per_pair]))
    assert 0 <= report.edge_f1 <= 1 and report.alpha_iou is None


def test_a_student_with_an_alpha_head_is_scored_against_the_masks(masked_pairs_dir: Path) -> None:
    model = StudentUNet(StudentConfig(widths=(8, 16, 32), alpha_head=True))
    with torch.no_grad():  # a matte that calls every pixel 'person'
        model.alpha.weight.zero_()
        model.alpha.bias.fill_(10.0)
    pair_dirs = read_manifest(masked_pairs_dir).pair_dirs(masked_pairs_dir)
    coverage = [(read_mask(d, read_pair(d)[0].shape[:2]) >= 128).mean() for d in pair_dirs]

    report = evaluate_model(model, pair_dirs)

    assert report.alpha_iou == pytest.approx(np.mean(coverage))  # IoU of 'all person' is the mask's coverage
