"""Temporal flicker of a stylised clip: how much each stylised frame departs from the previous one, moved
along the photo's own motion (the warping error of Lai et al., "Learning Blind Video Temporal Consistency").

Motion comes from OpenCV's DIS optical flow on the input frames; pixels whose forward and backward flows
disagree (occlusions, frame edges) are left out, as in that paper.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from celflow.core.frames import check_rgb


def _flow(source_grey: np.ndarray, target_grey: np.ndarray) -> np.ndarray:
    """H×W×2 displacement that carries each pixel of `source_grey` to `target_grey` (DIS, medium preset)."""
    return cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(source_grey, target_grey, None)


def _sample(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """`image` looked up at (x + flow) for every pixel (bilinear, border replicated)."""
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    return cv2.remap(image, grid_x + flow[..., 0], grid_y + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def warping_error(previous_photo: np.ndarray, photo: np.ndarray, previous_stylized: np.ndarray, stylized: np.ndarray) -> float:
    """Mean absolute difference (0–255 scale) between `stylized` and `previous_stylized` warped onto it."""
    for name, image in (("previous_photo", previous_photo), ("photo", photo), ("previous_stylized", previous_stylized), ("stylized", stylized)):
        check_rgb(image, name)
    if not previous_photo.shape == photo.shape == previous_stylized.shape == stylized.shape:
        raise ValueError(f"frames: sizes differ ({previous_photo.shape}, {photo.shape}, {previous_stylized.shape}, {stylized.shape})")
    previous_grey, grey = (cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (previous_photo, photo))
    backward = _flow(grey, previous_grey)  # where each pixel of this frame was in the previous one
    forward = _flow(previous_grey, grey)
    round_trip = backward + _sample(forward, backward)
    magnitude = (backward**2).sum(-1) + (_sample(forward, backward) ** 2).sum(-1)
    visible = (round_trip**2).sum(-1) <= 0.01 * magnitude + 0.5
    if not visible.any():
        return 0.0
    warped = _sample(previous_stylized, backward)
    difference = np.abs(warped.astype(np.float32) - stylized.astype(np.float32)).mean(axis=-1)
    return float(difference[visible].mean())


def clip_flicker(photos: Sequence[np.ndarray], stylized: Sequence[np.ndarray | None]) -> float:
    """Mean warping error over consecutive frame pairs of a clip and its stylisation (lower is steadier).

    A frame stylised as None (the teacher rejected it) is skipped with both pairs it belongs to.
    """
    if len(photos) != len(stylized):
        raise ValueError(f"frames: {len(photos)} photos but {len(stylized)} stylisations")
    errors = [
        warping_error(photos[i - 1], photos[i], stylized[i - 1], stylized[i])
        for i in range(1, len(photos))
        if stylized[i - 1] is not None and stylized[i] is not None
    ]
    if not errors:
        raise ValueError("frames: no two consecutive frames are both stylised; flicker needs at least one such pair")
    return float(np.mean(errors))
