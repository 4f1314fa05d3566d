"""The cubic ramp used wherever an effect must fade in or out without a visible edge."""

from __future__ import annotations

import numpy as np


def smoothstep(t: np.ndarray) -> np.ndarray:
    """0 below 0, 1 above 1, and a C¹-smooth cubic between."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)
