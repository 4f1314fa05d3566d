"""The SAM path with a tiny random-weight SAM saved as a real checkpoint: the real loader and predictor run."""

import numpy as np
import pytest
import torch

from celflow.character import QualityLimits, load_character
from celflow.generators.pair import PairMaker
from celflow.generators.sam import SamCheckpointError, SamSettings, build_sam_model, load_sam


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("sam") / "sam_vit_tiny.pth"
    torch.save(build_sam_model("vit_tiny").state_dict(), path)
    return path


def test_pair_maker_uses_sam_masks_inside_each_person_box(tiny_checkpoint, astronaut):
    # random weights give an arbitrary mask, so the coverage limits are opened for this run
    character = load_character().model_copy(update={"quality": QualityLimits(person_coverage=(0.0, 1.0))})
    maker = PairMaker(character, sam=SamSettings(tiny_checkpoint, "vit_tiny"))
    [pair] = maker(astronaut)
    maker.close()
    assert pair.target.shape == astronaut.shape and pair.person_mask.shape == astronaut.shape[:2]
    x0, y0, x1, y1 = pair.faces[0].person_box(astronaut.shape[:2])
    outside = np.ones(astronaut.shape[:2], bool)
    outside[max(0, y0 - 8) : y1 + 8, max(0, x0 - 8) : x1 + 8] = False  # the box plus the guided filter's reach
    assert pair.person_mask[outside].max() == 0
    assert outside.mean() > 0.2 and pair.person_mask.max() > 0


def test_missing_checkpoint_names_the_file_and_model_type(tmp_path):
    missing = tmp_path / "sam_vit_b.pth"
    with pytest.raises(SamCheckpointError, match=rf"{missing}: SAM checkpoint not found \(expected a vit_b"):
        load_sam(SamSettings(missing, "vit_b"))


def test_checkpoint_of_another_model_type_names_the_file_and_type_expected(tiny_checkpoint):
    with pytest.raises(SamCheckpointError, match=rf"{tiny_checkpoint}: not a SAM vit_b checkpoint .*expects 768"):
        load_sam(SamSettings(tiny_checkpoint, "vit_b"))


def test_checkpoint_missing_weights_is_refused(tiny_checkpoint, tmp_path):
    state = torch.load(tiny_checkpoint, weights_only=True)
    state.pop("mask_decoder.iou_token.weight")
    damaged = tmp_path / "damaged.pth"
    torch.save(state, damaged)
    with pytest.raises(SamCheckpointError, match=rf"{damaged}: does not match SAM vit_tiny"):
        load_sam(SamSettings(damaged, "vit_tiny"))


def test_file_that_is_no_checkpoint_is_refused(tmp_path):
    junk = tmp_path / "notes.pth"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(SamCheckpointError, match=rf"{junk}: not a readable SAM vit_h checkpoint"):
        load_sam(SamSettings(junk, "vit_h"))


def test_unknown_model_type_lists_the_known_ones(tiny_checkpoint):
    with pytest.raises(SamCheckpointError, match=r"unknown SAM model type 'vit_x' \(expected one of vit_b, vit_l"):
        load_sam(SamSettings(tiny_checkpoint, "vit_x"))
