"""Students opened once and shared by every request: opening one costs seconds, a call costs milliseconds.

A `PhotoStylizer` is not thread-safe and the web server answers requests on several threads, so each open
student has its own lock; `strength` is set under the lock for each call.
"""

from __future__ import annotations

import threading

import numpy as np

from celflow.core.defaults import AUTO_BACKEND
from celflow.realtime.still import PhotoStylizer, open_photo_stylizer
from celflow.studio.catalogue import Student


class OpenStudents:
    def __init__(self, backend: str = AUTO_BACKEND) -> None:
        self._backend = backend
        self._open: dict[str, tuple[PhotoStylizer, threading.Lock]] = {}
        self._opening = threading.Lock()

    def _get(self, student: Student) -> tuple[PhotoStylizer, threading.Lock]:
        with self._opening:
            key = str(student.location)
            if key not in self._open:
                self._open[key] = (open_photo_stylizer(student.location, 1.0, "full-frame", self._backend), threading.Lock())
            return self._open[key]

    def stylize(self, student: Student, rgb: np.ndarray, strength: float = 1.0) -> np.ndarray:
        """H×W×3 uint8 RGB → its webtoon by `student` at `strength`, exactly as `celflow.load(...)(rgb)` draws it."""
        stylizer, lock = self._get(student)
        with lock:
            stylizer.strength = strength
            return stylizer(rgb)

    def draw(self, student: Student, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the student's picture at strength 1, the photo with the same face proportions): the two that the
        strength slider mixes."""
        stylizer, lock = self._get(student)
        with lock:
            picture = stylizer.draw(rgb)
            return picture, stylizer.renderer.in_proportion(rgb)

    def close(self) -> None:
        with self._opening:
            for stylizer, _ in self._open.values():
                stylizer.close()
            self._open.clear()
