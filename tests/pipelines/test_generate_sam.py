"""`celflow generate --sam-checkpoint`: the SAM path end to end with a tiny random-weight checkpoint file."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from celflow.cli import app
from celflow.core.character import BUILTIN_CHARACTERS
from celflow.core.pair_folder import MASK_FILE, read_manifest
from celflow.generators.sam import build_sam_model
from tests.pipelines.photo_folders import write_face_photos


@pytest.fixture(scope="module")
def tiny_sam(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("sam") / "sam_vit_tiny.pth"
    torch.save(build_sam_model("vit_tiny").state_dict(), path)
    return path


@pytest.fixture
def open_coverage_pack(tmp_path):
    """The default character, its mask-coverage limits opened: random SAM weights give an arbitrary mask."""
    text = (BUILTIN_CHARACTERS / "default" / "character.yaml").read_text()
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "character.yaml").write_text(text.replace("person_coverage: [0.03, 0.97]", "person_coverage: [0.0, 1.0]"))
    return pack


def test_generate_runs_the_sam_path_end_to_end(prefect_server, tiny_sam, open_coverage_pack, hopper, tmp_path):
    photos = tmp_path / "photos"
    write_face_photos(photos, hopper, 2)
    pairs = tmp_path / "pairs"
    args = ["generate", str(photos), str(pairs), "-c", str(open_coverage_pack)]
    result = CliRunner().invoke(app, [*args, "--sam-checkpoint", str(tiny_sam), "--sam-model", "vit_tiny"])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(pairs)
    assert len(manifest.pairs) == 2, manifest.rejected
    for pair_dir in manifest.pair_dirs(pairs):
        mask = cv2.imread(str(pair_dir / MASK_FILE), cv2.IMREAD_GRAYSCALE)
        assert mask.shape == (192, 192) and mask.dtype == np.uint8


@pytest.mark.parametrize("model_type", ["vit_b", "vit_h"])
def test_mismatched_sam_checkpoint_fails_before_any_pair_naming_file_and_type(tiny_sam, model_type, hopper, tmp_path):
    photos = tmp_path / "photos"
    write_face_photos(photos, hopper, 1)
    pairs = tmp_path / "pairs"
    args = ["generate", str(photos), str(pairs), "--sam-checkpoint", str(tiny_sam), "--sam-model", model_type]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert str(tiny_sam) in result.output and f"not a SAM {model_type} checkpoint" in result.output
    assert not pairs.exists()


def test_missing_sam_checkpoint_is_one_line_error(hopper, tmp_path):
    photos = tmp_path / "photos"
    write_face_photos(photos, hopper, 1)
    missing = tmp_path / "sam_vit_l.pth"
    result = CliRunner().invoke(app, ["generate", str(photos), str(tmp_path / "pairs"), "--sam-checkpoint", str(missing), "--sam-model", "vit_l"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "SAM checkpoint not found (expected a vit_l checkpoint)" in result.output
