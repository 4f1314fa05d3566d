"""Eyes, brows, lips and nostrils in the person's own colours: the parts of a face that carry who it is.

Cut into the teacher's fixed lightness bands, small features lose their shape (a brow merges with its
shadow, lips with the skin), and a face-recognition model stops recognising the person. Inside the face oval
the teacher's flat colours give way to the photo, edge-preservingly smoothed (texture gone, shapes kept);
the skin around the features is then painted in its own cel tones (generators/skin.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from celflow.generators.cel_shading import REFERENCE_SIDE
from celflow.generators.face_mesh import FACE_OVAL, Face
from celflow.generators.skin import face_regions

EDGE_SIGMA = 2.0  # px at 512: the oval's edge blends over a few pixels


def keep_own_features(stylised: np.ndarray, smoothed: np.ndarray, faces: list[Face]) -> np.ndarray:
    """The teacher's H×W×3 uint8 output with every face oval replaced by `smoothed`, the photo smoothed by
    cel_shading.smoothed_photo."""
    if not faces:
        return stylised.copy()
    scale = max(smoothed.shape[:2]) / REFERENCE_SIDE
    oval = face_regions(smoothed.shape[:2], faces, (FACE_OVAL,)).astype(np.float32)
    alpha = cv2.GaussianBlur(oval, (0, 0), EDGE_SIGMA * scale)[..., None]
    return np.clip(np.round(stylised * (1 - alpha) + smoothed * alpha), 0, 255).astype(np.uint8)
