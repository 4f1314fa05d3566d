"""The SAM path with a tiny random-weight SAM saved as a real checkpoint: the real loader and predictor run."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from celflow.core.character import QualityLimits, load_character
from celflow.generators.face_mesh import MESH_POINTS, Face
from celflow.generators.pair import PairMaker
from celflow.generators.sam import (
    SamCheckpointError,
    SamPersonSegmenter,
    SamSettings,
    build_sam_model,
    load_sam,
    sam_device,
)


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


def face_at(x0: float, y0: float, x1: float, y1: float) -> Face:
    """A face whose mesh points fill the box (x0, y0)–(x1, y1): enough for SAM's box prompt."""
    points = np.random.default_rng(0).uniform((x0, y0), (x1, y1), (MESH_POINTS, 2))
    return Face(points=points)


def test_sam_runs_on_cuda_when_there_is_one():
    assert sam_device(cuda=True) == "cuda" and sam_device(cuda=False) == "cpu"


def test_worker_threads_share_one_sam_on_the_chosen_device(tiny_checkpoint):
    settings = SamSettings(tiny_checkpoint, "vit_tiny")
    with ThreadPoolExecutor(2) as pool:
        segmenters = list(pool.map(lambda _: SamPersonSegmenter(settings), range(2)))

    first, second = (segmenter._predictor.model for segmenter in segmenters)
    assert first is second
    assert next(first.parameters()).device.type == sam_device(torch.cuda.is_available())


def test_threads_sharing_sam_get_the_masks_each_photo_gets_alone(tiny_checkpoint, astronaut):
    settings = SamSettings(tiny_checkpoint, "vit_tiny")
    photos = [astronaut, np.ascontiguousarray(astronaut[::-1, ::-1])]
    faces = [[face_at(190, 60, 270, 160)], [face_at(240, 350, 320, 450)]]
    segmenters = [SamPersonSegmenter(settings) for _ in photos]
    alone = [segmenters[0](photo, found) for photo, found in zip(photos, faces)]

    for _ in range(3):  # each round the two threads' set_image and predict interleave differently
        with ThreadPoolExecutor(2) as pool:
            together = list(pool.map(lambda job: job[0](job[1], job[2]), zip(segmenters, photos, faces)))
        for one, other in zip(alone, together):
            np.testing.assert_allclose(one, other, atol=1e-5)
    assert not np.allclose(alone[0], alone[1])
