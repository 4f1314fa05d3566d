"""A live loop's person mask: each person's own box segmented again only when the whole frame missed them."""

from __future__ import annotations

import cv2
import numpy as np

from celflow.generators.face_finder import FaceFinder
from celflow.generators.person_mask import PersonSegmenter


class CountingSegmenter(PersonSegmenter):
    """PersonSegmenter counting its segmentation passes."""

    passes = 0

    def _segment(self, rgb: np.ndarray) -> np.ndarray:
        self.passes += 1
        return super()._segment(rgb)


def bodies_found(mask: np.ndarray, boxes: list[tuple[float, ...]]) -> list[float]:
    """Share of mask ≥ 0.5 in the strip under each face box: the person's neck and shoulders."""
    shares = []
    for x0, y0, x1, y1 in boxes:
        height = y1 - y0
        strip = mask[int(y1 + 0.2 * height) : int(y1 + 0.8 * height), int(x0) : int(x1)]
        shares.append(float((strip >= 0.5).mean()))
    return shares



def masks_and_passes(frame: np.ndarray, faces: int) -> tuple[np.ndarray, np.ndarray, int, int, list]:
    """(a still's mask, a video's, the still's passes, the video's, the faces) of `frame`."""
    finder = FaceFinder(max_faces=faces)
    still, video = CountingSegmenter(landscape=True), CountingSegmenter(landscape=True, video=True)
    try:
        found = finder(frame).faces
        return still(frame, found), video(frame, found), still.passes, video.passes, found
    finally:
        for closing in (finder, still, video):
            closing.close()


def face_boxes(faces: list) -> list[tuple[float, ...]]:
    return [tuple(face.points.min(0)) + tuple(face.points.max(0)) for face in faces]


def test_people_the_whole_frame_misses_are_still_found(group_frame):
    frame, _ = group_frame  # three portraits over a night sky: the whole-frame pass misses most of their bodies
    _, video_mask, _, passes, faces = masks_and_passes(frame, 3)

    assert len(faces) == 3 and passes >= 3  # the whole frame, then at least two people again
    assert min(bodies_found(video_mask, face_boxes(faces))) >= 0.6


def test_people_the_whole_frame_found_are_not_segmented_again(hopper, astronaut):
    halves = [cv2.resize(photo, (320, 480), interpolation=cv2.INTER_AREA) for photo in (hopper, astronaut)]
    frame = np.hstack(halves)  # two people side by side, each filling their half
    still_mask, video_mask, still_passes, video_passes, faces = masks_and_passes(frame, 2)

    assert len(faces) == 2 and still_passes == 3
    assert video_passes == 1
    assert min(bodies_found(video_mask, face_boxes(faces))) >= 0.6
