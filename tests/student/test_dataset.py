"""PairDataset and the train/val split: one geometry for photo and target, deterministic by seed and id."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from celflow.core.frames import batch_to_rgb
from celflow.core.pair_folder import DRAWING_FILE, TARGET_FILE, read_manifest
from celflow.student.dataset import PairDataset, sample_batch, split_pair_ids
from tests.student.conftest import bright_mask


def dataset(pairs_dir: Path, crop_size: int = 48, augment: bool = True) -> PairDataset:
    return PairDataset(read_manifest(pairs_dir).pair_dirs(pairs_dir), crop_size, augment)


@pytest.mark.parametrize("seed", range(6))
def test_augmentation_moves_photo_and_target_together(inverted_pairs_dir: Path, seed: int) -> None:
    pairs = dataset(inverted_pairs_dir)
    pairs.set_random_seed(seed)

    photo, target, _ = pairs[seed % len(pairs)]

    # target = 255 − photo survives only if both sides got the same crop, scale, flip and rotation
    assert (photo + target - 1.0).abs().max() <= 1.5 / 255


def test_a_pair_s_drawing_before_the_face_warp_is_what_is_learnt(inverted_pairs_dir: Path, tmp_path: Path) -> None:
    """The network learns the drawing aligned with the photo; the run time warps faces to the character."""
    pairs_dir = tmp_path / "pairs"
    shutil.copytree(inverted_pairs_dir, pairs_dir)
    for pair_dir in read_manifest(pairs_dir).pair_dirs(pairs_dir):
        aligned = cv2.imread(str(pair_dir / TARGET_FILE))
        cv2.imwrite(str(pair_dir / DRAWING_FILE), aligned)
        cv2.imwrite(str(pair_dir / TARGET_FILE), np.roll(aligned, 9, axis=1))  # as warped: moved against the photo
    pairs = dataset(pairs_dir, augment=False)

    photo, target, _ = pairs[1]

    assert (photo + target - 1.0).abs().max() <= 1.5 / 255


def test_augmentation_changes_the_geometry_from_seed_to_seed(pairs_dir: Path) -> None:
    pairs = dataset(pairs_dir)
    crops = []
    for seed in range(4):
        pairs.set_random_seed(seed)
        crops.append(pairs[0][0])

    assert all(not torch.equal(crops[0], crop) for crop in crops[1:])


def test_items_are_float_chw_crops_in_unit_range(pairs_dir: Path) -> None:
    for augment in (True, False):
        photo, target, mask = dataset(pairs_dir, crop_size=40, augment=augment)[2]

        assert photo.shape == target.shape == (3, 40, 40) and mask.shape == (1, 40, 40)
        assert photo.dtype == target.dtype == mask.dtype == torch.float32
        assert 0.0 <= photo.min() and photo.max() <= 1.0


def test_without_augmentation_the_centre_crop_is_fixed(inverted_pairs_dir: Path) -> None:
    pairs = dataset(inverted_pairs_dir, augment=False)

    first, again = pairs[2], pairs[2]

    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert (first[0] + first[1] - 1.0).abs().max() <= 1.5 / 255


def test_a_batch_is_a_function_of_its_seed(pairs_dir: Path) -> None:
    pairs = dataset(pairs_dir)

    photos, targets, masks = sample_batch(pairs, batch_size=3, seed=7)
    same_photos, _, _ = sample_batch(pairs, batch_size=3, seed=7)
    other_photos, _, _ = sample_batch(pairs, batch_size=3, seed=8)

    assert photos.shape == targets.shape == (3, 3, 48, 48) and masks.shape == (3, 1, 48, 48)
    assert torch.equal(photos, same_photos) and not torch.equal(photos, other_photos)


@pytest.mark.parametrize("seed", range(3))
def test_the_mask_moves_with_the_photo(masked_pairs_dir: Path, seed: int) -> None:
    pairs = dataset(masked_pairs_dir)
    pairs.set_random_seed(seed)

    photo, _, mask = pairs[seed]

    bright = torch.from_numpy(bright_mask(batch_to_rgb(photo[None].numpy())) > 0)
    agree = (bright == (mask[0] > 0.5)).float().mean()
    agree_if_flipped = (bright == (mask[0].flip(-1) > 0.5)).float().mean()
    # the mask was drawn from the photo's brightness: only resampled borders differ, far fewer than if flipped
    assert agree > 0.85 and agree > agree_if_flipped + 0.1, (agree, agree_if_flipped)


def test_decoded_pairs_are_served_from_memory_within_the_budget(pairs_dir: Path, tmp_path: Path) -> None:
    pair_dir = Path(shutil.copytree(read_manifest(pairs_dir).pair_dirs(pairs_dir)[0], tmp_path / "pair"))
    cached, uncached = (PairDataset([pair_dir], 48, augment=False, cache_bytes=size) for size in (2**30, 0))
    cached.set_random_seed(0)
    first = cached[0]
    for image in pair_dir.glob("*.png"):
        image.unlink()

    cached.set_random_seed(0)
    for before, after in zip(first, cached[0]):
        torch.testing.assert_close(after, before)
    with pytest.raises(FileNotFoundError):
        uncached[0]


def test_a_missing_image_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"pair-x/input\.png"):
        PairDataset([tmp_path / "pair-x"], crop_size=32, augment=False)[0]


def test_split_is_stable_when_pairs_come_and_go() -> None:
    ids = [f"photo-{index}" for index in range(200)]

    train, val = split_pair_ids(ids, 0.2)
    _, val_of_more = split_pair_ids(ids + [f"new-{index}" for index in range(50)], 0.2)
    _, val_reversed = split_pair_ids(ids[::-1], 0.2)

    assert sorted(train + val) == sorted(ids) and not set(train) & set(val)
    assert 20 <= len(val) <= 60
    assert set(val) <= set(val_of_more) and set(val) == set(val_reversed)


def test_split_holds_out_at_least_one_pair_when_asked() -> None:
    assert len(split_pair_ids(["a", "b", "c"], 0.01)[1]) == 1
    assert split_pair_ids(["a", "b", "c"], 0.0) == (["a", "b", "c"], [])


def test_split_fraction_must_leave_pairs_to_train_on() -> None:
    with pytest.raises(ValueError, match="val_fraction=1.0"):
        split_pair_ids(["a", "b"], 1.0)
