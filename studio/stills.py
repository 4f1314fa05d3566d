"""Photos being worked on in the page: each kept with its student's picture, so moving the strength slider
re-blends the two (`apply_strength`) instead of running the student again.

Only the last few are kept, in memory: a photo the page no longer shows is uploaded again.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from celflow.realtime.strength import apply_strength

STILLS_KEPT = 16


@dataclass(frozen=True)
class Still:
    photo: np.ndarray
    student_picture: np.ndarray  # the student's drawing at strength 1
    source: str  # the uploaded file's name
    student: str
    photo_in_proportion: np.ndarray  # the photo with the picture's face proportions, which in-between strengths mix

    def at(self, strength: float) -> np.ndarray:
        return apply_strength(self.photo, self.student_picture, strength, self.photo_in_proportion)


class Stills:
    def __init__(self, kept: int = STILLS_KEPT) -> None:
        self._stills: OrderedDict[str, Still] = OrderedDict()
        self._kept = kept
        self._lock = threading.Lock()

    def add(self, still: Still) -> str:
        still_id = uuid.uuid4().hex[:12]
        with self._lock:
            self._stills[still_id] = still
            while len(self._stills) > self._kept:
                self._stills.popitem(last=False)
        return still_id

    def get(self, still_id: str) -> Still:
        with self._lock:
            if still_id not in self._stills:
                raise FileNotFoundError(f"photo {still_id!r}: no longer open in the studio; upload it again")
            self._stills.move_to_end(still_id)
            return self._stills[still_id]
