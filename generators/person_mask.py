"""Soft person masks from mediapipe's selfie segmentation (weights ship inside the mediapipe wheel)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from celflow.generators.face_mesh import Face


class PersonSegmenter:
    """Holds one mediapipe selfie-segmentation graph; not thread-safe, so give each worker thread its own."""

    def __init__(self, landscape: bool = False) -> None:
        from celflow.generators.mediapipe_import import import_mediapipe

        mp = import_mediapipe()

        self._segmenter = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=int(landscape))

    def __call__(self, rgb: np.ndarray, faces: Sequence[Face] = ()) -> np.ndarray:
        """H×W float32 in [0, 1]: how likely each pixel belongs to a person.

        With several faces, each person's own box is segmented too and joined in: on a wide group photo the
        whole-frame pass, made for one selfie, can miss a smaller person entirely, whose face would then be
        drawn as background.
        """
        mask = self._segment(rgb)
        if len(faces) > 1:
            for face in faces:
                x0, y0, x1, y1 = face.person_box(rgb.shape[:2])
                window = (slice(y0, y1), slice(x0, x1))
                mask[window] = np.maximum(mask[window], self._segment(rgb[window]))
        return mask

    def _segment(self, rgb: np.ndarray) -> np.ndarray:
        mask = self._segmenter.process(np.ascontiguousarray(rgb)).segmentation_mask
        return np.clip(mask, 0.0, 1.0).astype(np.float32)

    def close(self) -> None:
        self._segmenter.close()
