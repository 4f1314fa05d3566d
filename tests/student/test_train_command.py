"""`celflow train` options: the loss weights, preset and schedule are checked before any work starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from celflow.cli import app


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--loss", "edge=thick"], "--loss edge=thick: expected NAME=NUMBER"),
        (["--loss", "sharpness=1"], "unknown term 'sharpness', choose from l1, ssim, ms_ssim, edge"),
        (["--loss", "perceptual=1"], "needs vgg_weights"),
        (["--preset", "huge"], "Invalid value for '--preset'"),
        (["--loader-workers", "-1"], "Invalid value for '--loader-workers'"),
        (["--from-scratch", "--init-from", "elsewhere"], "--from-scratch and --init-from: choose one"),
    ],
)
def test_bad_training_options_fail_before_training(pairs_dir: Path, tmp_path: Path, option: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["train", str(pairs_dir), str(tmp_path / "model"), *option])

    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "model").exists()
