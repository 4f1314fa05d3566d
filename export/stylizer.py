"""The one interface every backend offers: a photo in, its stylisation out; and a raw batch for benchmarks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from celflow.core.frames import stylize_rgb
from celflow.export.backends import Backend

# What the realtime loop needs from a student: H×W×3 uint8 RGB in, the same size out (a Stylizer, an
# AlphaStylizer, or a plain function in tests).
PhotoToWebtoon = Callable[[np.ndarray], np.ndarray]


class Stylizer(ABC):
    """Holds the expensive state (session, engine, model); calls are cheap. Subclasses run one batch."""

    backend: Backend
    stride: int

    @abstractmethod
    def run_batch(self, batch: np.ndarray) -> np.ndarray:
        """N×3×H×W float32 in [0, 1] (H, W multiples of the stride) → the stylised N×3×H×W float32."""

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """H×W×3 uint8 RGB of any size → its H×W×3 uint8 RGB stylisation."""
        return stylize_rgb(rgb, self.stride, self.run_batch)
