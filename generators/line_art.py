"""The procedural teacher's face line art on top of its flat colours, drawn from the face mesh."""

from __future__ import annotations

import numpy as np

from celflow.core.character import ProceduralTeacher
from celflow.generators.cel_eyes import draw_cel_eyes
from celflow.generators.cel_shading import ink_colour
from celflow.generators.face_lines import draw_face_lines
from celflow.generators.face_mesh import Face


def draw_line_art(stylised: np.ndarray, photo: np.ndarray, faces: list[Face], style: ProceduralTeacher) -> np.ndarray:
    """Nose, mouth and jaw strokes and drawn eyes onto the H×W×3 uint8 output."""
    ink = ink_colour(style)
    out = draw_face_lines(stylised, faces, ink, style.line_weight, style.line_darkness)
    if style.draw_eyes:
        out = draw_cel_eyes(out, photo, faces, ink, style.line_weight)
    return out
