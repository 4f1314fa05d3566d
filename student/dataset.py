"""Training crops from pair folders: one geometric transform applied to photo and target alike."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import albumentations as A
import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from celflow.core.frames import rgb_to_batch
from celflow.core.pair_folder import read_mask, read_pair


def pair_transform(crop_size: int, augment: bool) -> A.Compose:
    """Geometry only, never colour: a colour change on one side would teach the student a wrong style.

    Crops stay within ±20 % of the photo's own scale, because the student runs on full-resolution frames
    and the teacher's line widths are measured in pixels.
    """
    if augment:
        steps = [
            A.Rotate(limit=8, border_mode=cv2.BORDER_REFLECT_101, p=0.5),
            A.RandomScale(scale_limit=0.2, p=1.0),
            A.RandomCrop(height=crop_size, width=crop_size, pad_if_needed=True, border_mode=cv2.BORDER_REFLECT_101),
            A.HorizontalFlip(p=0.5),
        ]
    else:
        steps = [A.SmallestMaxSize(max_size=crop_size), A.CenterCrop(height=crop_size, width=crop_size)]
    return A.Compose(steps, additional_targets={"target": "image"})


DECODED_CACHE_BYTES = 4 * 1024**3  # decoded pairs kept in memory: a few thousand pairs of 384², so no PNG is decoded twice


class PairDataset(Dataset):
    """(photo, target, person mask) crops of `crop_size`², float32 in [0, 1]: 3×S×S, 3×S×S and 1×S×S.

    Decoded pairs are kept in memory up to `cache_bytes` (the first ones read stay): decoding three PNGs per
    crop was a large share of a CPU training step.
    """

    def __init__(self, pair_dirs: Sequence[Path], crop_size: int, augment: bool, cache_bytes: int = DECODED_CACHE_BYTES) -> None:
        if not pair_dirs:
            raise ValueError("pair_dirs: no pairs to train on")
        self.pair_dirs = [Path(pair_dir) for pair_dir in pair_dirs]
        self.transform = pair_transform(crop_size, augment)
        self._decoded: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._room = cache_bytes

    def set_random_seed(self, seed: int) -> None:
        """Fix the augmentation draws that follow, so a batch is a function of its seed (exact resume)."""
        self.transform.set_random_seed(seed)

    def __len__(self) -> int:
        return len(self.pair_dirs)

    def _decode(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if index in self._decoded:
            return self._decoded[index]
        photo, target = read_pair(self.pair_dirs[index], learnt=True)  # aligned with the photo
        decoded = (photo, target, read_mask(self.pair_dirs[index], photo.shape[:2]))
        size = sum(array.nbytes for array in decoded)
        if size <= self._room:
            self._decoded[index], self._room = decoded, self._room - size
        return decoded

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        photo, target, mask = self._decode(index)
        crops = self.transform(image=photo, target=target, mask=mask)
        photo_crop, target_crop = (torch.from_numpy(rgb_to_batch(crops[key])[0]) for key in ("image", "target"))
        return photo_crop, target_crop, torch.from_numpy(crops["mask"][None].astype("float32") / 255.0)


def sample_batch(dataset: PairDataset, batch_size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Photos, targets and masks drawn by `seed` alone: a resumed run sees the batches a straight run would."""
    indices = torch.randint(len(dataset), (batch_size,), generator=torch.Generator().manual_seed(seed))
    dataset.set_random_seed(seed)
    photos, targets, masks = zip(*(dataset[index] for index in indices.tolist()))
    return torch.stack(photos), torch.stack(targets), torch.stack(masks)


def split_pair_ids(pair_ids: Sequence[str], val_fraction: float) -> tuple[list[str], list[str]]:
    """(train, val) by a hash of each id: a pair stays on its side when others are added or removed.

    With `val_fraction` > 0 and at least two pairs, the pair with the smallest hash is held out if the
    hash put none there, so evaluation always has something to measure.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction={val_fraction}: must be in [0, 1)")
    position = {pair_id: _unit_hash(pair_id) for pair_id in pair_ids}
    val = {pair_id for pair_id in pair_ids if position[pair_id] < val_fraction}
    if not val and val_fraction > 0.0 and len(pair_ids) >= 2:
        val = {min(pair_ids, key=position.__getitem__)}
    train = [pair_id for pair_id in pair_ids if pair_id not in val]
    return train, [pair_id for pair_id in pair_ids if pair_id in val]


def _unit_hash(pair_id: str) -> float:
    """A pair id's fixed place in [0, 1)."""
    return int.from_bytes(hashlib.sha256(pair_id.encode("utf-8")).digest()[:8], "big") / 2.0**64
