"""Calibration photos for INT8: the input photos of a pairs folder, the pictures the student will really see."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from onnxruntime.quantization import CalibrationDataReader

from celflow.core.frames import pad_to_stride, rgb_to_batch
from celflow.core.image_files import read_rgb
from celflow.core.pair_folder import INPUT_FILE, read_manifest
from celflow.export.runtime import INPUT_NAME
from celflow.export.shape_profile import Shape

CALIBRATION_SIDE = 256  # activation ranges do not depend on size; small photos keep calibration quick
MAX_PHOTOS = 64  # half calibrate, half judge quality: enough for stable ranges, quick on 2 cores


def pair_photos(pairs_dir: Path, limit: int = MAX_PHOTOS) -> list[np.ndarray]:
    """Up to `limit` input photos (H×W×3 uint8 RGB) spread evenly over the manifest; no pairs is an error."""
    pair_dirs = read_manifest(pairs_dir).pair_dirs(pairs_dir)
    if not pair_dirs:
        raise ValueError(f"{pairs_dir}: the manifest lists no pairs to calibrate on")
    chosen = pair_dirs[:: -(-len(pair_dirs) // limit)]
    return [read_rgb(pair_dir / INPUT_FILE) for pair_dir in chosen]


def split_calibration_and_check(photos: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Calibrate on even-numbered photos and judge quality on odd-numbered ones, so the SSIM is not self-graded.

    With a single photo both sides get it (said in the report as `check_photos == 1`).
    """
    if len(photos) < 2:
        return photos, photos
    return photos[0::2], photos[1::2]


def calibration_batch(rgb: np.ndarray, stride: int, side: int = CALIBRATION_SIDE) -> np.ndarray:
    """A photo scaled so its longer side is `side`, padded to the stride, as a 1×3×H×W float32 batch."""
    scale = side / max(rgb.shape[:2])
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    return rgb_to_batch(pad_to_stride(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), stride))


def fixed_shape_batch(rgb: np.ndarray, shape: Shape) -> np.ndarray:
    """A photo resized to the H×W of a graph frozen to `shape` (N, 3, H, W), repeated to fill its batch."""
    batch, _, height, width = shape
    return np.repeat(rgb_to_batch(cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)), batch, axis=0)


class PhotoCalibrationReader(CalibrationDataReader):
    """Feeds onnxruntime's static quantizer one photo at a time, at the graph's one shape when it has one."""

    def __init__(self, photos: list[np.ndarray], stride: int, fixed_shape: Shape | None = None) -> None:
        self._batches = iter(
            [fixed_shape_batch(photo, fixed_shape) if fixed_shape else calibration_batch(photo, stride) for photo in photos]
        )

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self._batches, None)
        return None if batch is None else {INPUT_NAME: batch}
