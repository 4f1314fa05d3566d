"""ControlNet conditioning maps computed locally from the photo (OpenCV edges, mediapipe pose): no downloads."""

from __future__ import annotations

import cv2
import numpy as np


def canny_map(photo: np.ndarray, low: int = 100, high: int = 200) -> np.ndarray:
    """White Canny edges on black, H×W×3 uint8: what the SD 1.5 canny ControlNet was trained on."""
    edges = cv2.Canny(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), low, high)
    return np.dstack([edges] * 3)


def line_art_map(photo: np.ndarray) -> np.ndarray:
    """White line art on black: adaptive threshold of a smoothed grey photo, thin dark strokes kept.

    A stand-in for the learned line-art annotator, whose weights are not available offline."""
    grey = cv2.bilateralFilter(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), 7, 50, 50)
    lines = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 9, 6)
    lines = cv2.morphologyEx(lines, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return np.dstack([lines] * 3)


def pose_map(photo: np.ndarray) -> np.ndarray:
    """The person's skeleton drawn on black with mediapipe's own drawing style (the openpose-like input)."""
    from celflow.generators.mediapipe_import import import_mediapipe

    mp = import_mediapipe()

    canvas = np.zeros_like(photo)
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1) as pose:
        landmarks = pose.process(np.ascontiguousarray(photo)).pose_landmarks
    if landmarks is not None:
        mp.solutions.drawing_utils.draw_landmarks(
            canvas,
            landmarks,
            mp.solutions.pose.POSE_CONNECTIONS,
            landmark_drawing_spec=mp.solutions.drawing_styles.get_default_pose_landmarks_style(),
        )
    return canvas


CONDITIONING_MAPS = {"canny": canny_map, "lineart": line_art_map, "pose": pose_map}
