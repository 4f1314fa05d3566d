"""Why a photo gives no pair: the quality filter's reason names, as written into the manifest.

The generate flow counts rejections by these strings and shows them on the contact sheet; keep them stable.
"""

from __future__ import annotations

NO_FACE = "no face"
FACE_TOO_SMALL = "face too small"
TOO_MANY_FACES = "more faces than allowed"
WARP_OUT_OF_RANGE = "warp out of range"
MASK_COVERAGE = "mask coverage out of range"
TEACHER_FAILED = "teacher failed"
FACE_WITHOUT_MESH = "face without mesh"  # a face was seen but could not be warped: never a half-warped photo
SKIN_CHANGED = "skin tone changed"  # the teacher's output would teach the student to change someone's skin

REASONS = (
    NO_FACE, FACE_TOO_SMALL, TOO_MANY_FACES, WARP_OUT_OF_RANGE, MASK_COVERAGE, TEACHER_FAILED, FACE_WITHOUT_MESH,
    SKIN_CHANGED,
)


class PairRejected(Exception):
    """The photo gives no usable pair; `reason` is one of REASONS, `detail` says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
