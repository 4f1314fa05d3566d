"""The procedural teacher's face line art on top of its flat colours, drawn from the face mesh; the run time
draws the same over the student's picture (see core/line_art.py)."""

from __future__ import annotations

import numpy as np
from celflow.core.character import BackgroundStyle, CelStyle, Character
from celflow.core.line_art import BackgroundLines, LineArt
from celflow.generators.cel_eyes import draw_cel_eyes
from celflow.generators.cel_shading import ink_colour
from celflow.generators.face_lines import draw_face_lines
from celflow.generators.face_mesh import Face
from celflow.generators.palette import hex_to_rgb


def line_art_of(character: Character) -> LineArt | None:
    """What the character's teacher draws from the face mesh and the person mask; None for a teacher that draws
    no line art."""
    style = character.teacher
    if style.kind != "procedural":
        return None
    return LineArt(
        ink=_ink(style),
        line_weight=style.line_weight,
        line_darkness=style.line_darkness,
        draw_eyes=style.draw_eyes,
        outline=True,
        geometry=character.geometry,
        min_face_px=character.quality.min_face_px,
        warp_at_run_time=True,  # its pairs are pixel-aligned (pair.py keeps the drawing before the warp)
        background=_background_lines(character.background or style),
        skin=character.skin,
    )


def _ink(style: CelStyle) -> tuple[int, int, int]:
    return tuple(int(round(float(c))) for c in ink_colour(style))


def _background_lines(behind: CelStyle) -> BackgroundLines | None:
    """The bands, colours and lines of the style the teacher draws the background in (its own, or else the
    person's); None where the real background is kept."""
    if isinstance(behind, BackgroundStyle) and behind.keep_photo:
        return None
    return BackgroundLines(
        tones=behind.shading_tones,
        ink=_ink(behind),
        line_weight=behind.line_weight,
        line_darkness=behind.line_darkness,
        scene_tones=isinstance(behind, BackgroundStyle),  # as generators/background.py draws it
        palette=tuple(tuple(int(c) for c in colour) for colour in hex_to_rgb(behind.palette)),
        palette_strength=behind.palette_strength,
        saturation=behind.saturation,
    )


def draw_line_art(stylised: np.ndarray, photo: np.ndarray, faces: list[Face], lines: LineArt) -> np.ndarray:
    """Nose, mouth and jaw strokes and drawn eyes onto the H×W×3 uint8 output, where `faces` say they are (the
    face geometry is the caller's to apply: the teacher warps its lines afterwards with the whole picture)."""
    ink = np.asarray(lines.ink, np.float32)
    out = draw_face_lines(stylised, faces, ink, lines.line_weight, lines.line_darkness)
    if lines.draw_eyes:
        out = draw_cel_eyes(out, photo, faces, ink, lines.line_weight)
    return out
