"""Person and background stylised apart, each with its own settings, and joined along the soft person mask."""

from __future__ import annotations

import numpy as np

from celflow.core.character import BackgroundStyle
from celflow.generators.cel_shading import cel_shade


def draw_background(photo: np.ndarray, style: BackgroundStyle, person_mask: np.ndarray | None = None) -> np.ndarray:
    """The background layer: the real photo (person-only styling) or the photo in the background's own cel style,
    its tones cut where the scene's lightness has a gap and drawn at the scene's own lightness
    (generators/tone_bands.py), read outside `person_mask` (H×W 0..1; None: no one in front)."""
    if style.keep_photo:
        return photo.copy()
    return cel_shade(photo, style, scene_tones=True, scene=None if person_mask is None else 1.0 - person_mask)


def compose_person_and_background(person: np.ndarray, background: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """Alpha-blend two H×W×3 uint8 layers with an H×W float 0..1 person mask."""
    alpha = person_mask[..., None].astype(np.float32)
    blended = person.astype(np.float32) * alpha + background.astype(np.float32) * (1 - alpha)
    return np.clip(np.round(blended), 0, 255).astype(np.uint8)
