"""Soft person masks from mediapipe's selfie segmentation (weights ship inside the mediapipe wheel)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from celflow.generators.crop_fade import edge_fade
from celflow.generators.face_mesh import FACE_OVAL, NOSE_TIP, Face

FACE_EDGE_SIGMA = 1.0  # px: the face oval joins the mask with a soft edge, as the segmenter's own edges are
WINDOW_FADE = 0.3  # of a window's shorter side: how far its own pass fades out towards its sides inside the photo


def with_faces(mask: np.ndarray, faces: Sequence[Face]) -> np.ndarray:
    """The H×W float32 person mask with every face oval in it: a face is a person's, but the segmenter, made
    for a whole selfie, can miss a tight close-up of a face, which would then be drawn as background."""
    if not faces:
        return mask
    ovals = np.zeros(mask.shape, np.float32)
    for face in faces:
        cv2.fillPoly(ovals, [np.round(face.points[list(FACE_OVAL)]).astype(np.int32)], 1.0)
    return np.maximum(mask, cv2.GaussianBlur(ovals, (0, 0), FACE_EDGE_SIGMA))


def _nose(face: Face, shape: tuple[int, ...]) -> tuple[int, int]:
    """(x, y) of the face's nose tip, as a pixel of an image of `shape`."""
    x, y = np.clip(np.round(face.points[NOSE_TIP]).astype(int), 0, [shape[1] - 1, shape[0] - 1])
    return int(x), int(y)


def with_their_faces(mask: np.ndarray, faces: Sequence[Face]) -> np.ndarray:
    """The H×W float32 person mask keeping only the regions (where it is ≥ 0.5) that hold one of `faces`' nose
    tips; nothing when there are no faces. The segmenter, made for selfies, also marks person-shaped patches of
    a street or a lawn seen from afar, and an outline around one is a stray loop across the picture; the teacher
    only ever draws photos with a face."""
    count, labels = cv2.connectedComponents((mask >= 0.5).astype(np.uint8))
    keep = np.zeros(count, bool)
    for face in faces:
        x, y = _nose(face, mask.shape)
        keep[labels[y, x]] = True
    keep[0] = False
    return np.where(keep[labels], mask, 0.0).astype(np.float32)


def with_window(mask: np.ndarray, found: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The H×W person `mask` with `found` (a mask of the window `box` = x0, y0, x1, y1 segmented on its own)
    joined in, fading out over WINDOW_FADE of the window towards its sides inside the photo: cut off there, a
    body running on past the window would end in a straight edge, and the outline would follow it."""
    x0, y0, x1, y1 = box
    fade = edge_fade(y1 - y0, x1 - x0, box, mask.shape, round(WINDOW_FADE * min(y1 - y0, x1 - x0)))
    joined = mask.copy()
    joined[y0:y1, x0:x1] = np.maximum(mask[y0:y1, x0:x1], found * fade)
    return joined


FOUND_SHARE = 0.6  # share of the neck and shoulders under a face that a mask holding that person covers


def _found(mask: np.ndarray, face: Face) -> bool:
    """Whether `mask` already holds the person of `face`: their face and most of what lies under it (neck and
    shoulders, down one face height), where a pass that found only a head leaves the body out."""
    (x0, y0), (x1, y1) = np.round(face.points.min(0)).astype(int), np.round(face.points.max(0)).astype(int)
    x0, x1 = max(x0, 0), min(x1, mask.shape[1])
    below = mask[min(y1, mask.shape[0] - 1) : y1 + (y1 - y0), x0:x1]
    nose_x, nose_y = _nose(face, mask.shape)
    body = float((below >= 0.5).mean()) if below.size else 1.0  # a face at the frame's bottom edge: its face decides
    return bool(mask[nose_y, nose_x] >= 0.5 and body >= FOUND_SHARE)


class PersonSegmenter:
    """Holds one mediapipe selfie-segmentation graph; not thread-safe, so give each worker thread its own.

    `video`: frames of a live loop, where each person's own box is segmented only when the whole-frame pass missed
    them: a second pass for every person on every frame costs as much again per person, and what it adds to
    someone already found is a finer edge, which a still needs more than a frame shown for 33 ms."""

    def __init__(self, landscape: bool = False, video: bool = False) -> None:
        from celflow.generators.mediapipe_import import import_solution

        self._segmenter = import_solution("selfie_segmentation").SelfieSegmentation(model_selection=int(landscape))
        self._video = video

    def __call__(self, rgb: np.ndarray, faces: Sequence[Face] = ()) -> np.ndarray:
        """H×W float32 in [0, 1]: how likely each pixel belongs to a person.

        With several faces, each person's own box is segmented too and joined in: on a wide group photo the
        whole-frame pass, made for one selfie, can miss a smaller person entirely, whose face would then be
        drawn as background (joined in by with_window). Every face's oval is part of the mask (with_faces).
        """
        mask = self._segment(rgb)
        if len(faces) > 1:
            for face in faces:
                if self._video and _found(mask, face):
                    continue
                x0, y0, x1, y1 = box = face.person_box(rgb.shape[:2])
                mask = with_window(mask, self._segment(rgb[y0:y1, x0:x1]), box)
        return with_faces(mask, faces)

    def _segment(self, rgb: np.ndarray) -> np.ndarray:
        mask = self._segmenter.process(np.ascontiguousarray(rgb)).segmentation_mask
        return np.clip(mask, 0.0, 1.0).astype(np.float32)

    def close(self) -> None:
        self._segmenter.close()
