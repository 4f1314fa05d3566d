"""Reading one pair folder (input.png, target.png, mask.png) into arrays: the file edge of the student."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from celflow.records import INPUT_FILE, MASK_FILE, TARGET_FILE


def read_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(f"{path}: missing or not a readable image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def read_pair(pair_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """The photo and its teacher stylisation; they must be the same size to be compared pixel by pixel."""
    photo = read_rgb(Path(pair_dir) / INPUT_FILE)
    target = read_rgb(Path(pair_dir) / TARGET_FILE)
    if photo.shape != target.shape:
        raise ValueError(
            f"{Path(pair_dir) / TARGET_FILE}: size {target.shape[:2]} differs from {INPUT_FILE} {photo.shape[:2]}"
        )
    return photo, target


def read_mask(pair_dir: Path, shape: tuple[int, int]) -> np.ndarray:
    """The teacher's person mask, H×W uint8 (255 = person), checked to be the photo's `shape`."""
    path = Path(pair_dir) / MASK_FILE
    mask = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise FileNotFoundError(f"{path}: missing or not a readable image")
    if mask.shape != tuple(shape):
        raise ValueError(f"{path}: size {mask.shape} differs from {INPUT_FILE} {tuple(shape)}")
    return mask
