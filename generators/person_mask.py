"""Soft person masks from mediapipe's selfie segmentation (weights ship inside the mediapipe wheel)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from celflow.generators.face_mesh import FACE_OVAL, Face

FACE_EDGE_SIGMA = 1.0  # px: the face oval joins the mask with a soft edge, as the segmenter's own edges are


def with_faces(mask: np.ndarray, faces: Sequence[Face]) -> np.ndarray:
    """The H×W float32 person mask with every face oval in it: a face is a person's, but the segmenter, made
    for a whole selfie, can miss a tight close-up of a face, which would then be drawn as background."""
    if not faces:
        return mask
    ovals = np.zeros(mask.shape, np.float32)
    for face in faces:
        cv2.fillPoly(ovals, [np.round(face.points[list(FACE_OVAL)]).astype(np.int32)], 1.0)
    return np.maximum(mask, cv2.GaussianBlur(ovals, (0, 0), FACE_EDGE_SIGMA))


class PersonSegmenter:
    """Holds one mediapipe selfie-segmentation graph; not thread-safe, so give each worker thread its own."""

    def __init__(self, landscape: bool = False) -> None:
        from celflow.generators.mediapipe_import import import_solution

        self._segmenter = import_solution("selfie_segmentation").SelfieSegmentation(model_selection=int(landscape))

    def __call__(self, rgb: np.ndarray, faces: Sequence[Face] = ()) -> np.ndarray:
        """H×W float32 in [0, 1]: how likely each pixel belongs to a person.

        With several faces, each person's own box is segmented too and joined in: on a wide group photo the
        whole-frame pass, made for one selfie, can miss a smaller person entirely, whose face would then be
        drawn as background. Every face's oval is part of the mask (with_faces).
        """
        mask = self._segment(rgb)
        if len(faces) > 1:
            for face in faces:
                x0, y0, x1, y1 = face.person_box(rgb.shape[:2])
                window = (slice(y0, y1), slice(x0, x1))
                mask[window] = np.maximum(mask[window], self._segment(rgb[window]))
        return with_faces(mask, faces)

    def _segment(self, rgb: np.ndarray) -> np.ndarray:
        mask = self._segmenter.process(np.ascontiguousarray(rgb)).segmentation_mask
        return np.clip(mask, 0.0, 1.0).astype(np.float32)

    def close(self) -> None:
        self._segmenter.close()
