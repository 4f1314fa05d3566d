"""Lower flicker between stylized frames without ghosting: blend with the last output only where nothing moved."""

from __future__ import annotations

import cv2
import numpy as np

def motion_weight(photo: np.ndarray, previous_photo: np.ndarray, threshold: float) -> np.ndarray:
    """H×W float32: 1 where the photo did not change since the last frame, falling to 0 at `threshold` levels."""
    change = np.abs(photo.astype(np.int16) - previous_photo.astype(np.int16)).max(axis=2).astype(np.float32)
    # spread motion to its neighbourhood, so edges of moving things are not half blended
    change = cv2.blur(cv2.dilate(change, np.ones((9, 9), np.uint8)), (5, 5))
    return np.clip(1.0 - change / threshold, 0.0, 1.0)


class TemporalSmoother:
    """Each output = stylized frame, pulled towards the previous output by `strength` where the photo is still.

    The student sees every frame afresh, so still areas shimmer; where the photo moves the weight is 0 and
    the new stylization is shown as it is, so nothing trails behind a moving person.
    """

    def __init__(self, strength: float = 0.7, motion_threshold: float = 20.0) -> None:
        if not 0.0 <= strength < 1.0:
            raise ValueError(f"smoothing strength={strength}: must be in [0, 1)")
        self.strength = strength
        self.motion_threshold = motion_threshold
        self._previous: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, photo: np.ndarray, stylized: np.ndarray) -> np.ndarray:
        if self._previous is None or self._previous[0].shape != photo.shape:
            smoothed = stylized
        else:
            previous_photo, previous_output = self._previous
            weight = self.strength * motion_weight(photo, previous_photo, self.motion_threshold)[..., None]
            blended = stylized + (previous_output.astype(np.float32) - stylized) * weight
            smoothed = np.rint(blended).astype(np.uint8)
        self._previous = (photo, smoothed)
        return smoothed

    def state(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The last (photo, smoothed output), which the next frame is blended with."""
        return self._previous

    def restore(self, previous: tuple[np.ndarray, np.ndarray] | None) -> None:
        self._previous = previous
