"""The lines a student's teacher places from the face mesh and the person mask, carried with the student so that
the run time can draw them again, crisply, over the student's picture.

A small convolutional student sees a few dozen pixels around each output pixel; the procedural teacher places
its webtoon eyes and its nose, mouth and jaw strokes from the whole 478-point face mesh, and the person's outline
from a segmentation of the whole person. The student learns such lines only as soft smudges, so the run time
draws them itself from a face mesh and a person mask of each frame, in the ink, weight and face geometry the
teacher drew with. The character's face warp goes the same way: a network that sees a few dozen pixels cannot
learn to move a jaw or widen an eye, so it learns the drawing aligned with the photo and the run time warps the
faces of its picture from the same face mesh (the character's proportions then change without retraining). The
background's flat lightness bands go the same way (realtime/background_bands.py). The record travels from the
pairs' manifest to the trained student's folder and into its ONNX file's metadata.
"""
from __future__ import annotations

from pathlib import Path

from celflow.core.atomic import write_text_atomic
from celflow.core.character import FaceGeometry, SkinTone
from pydantic import BaseModel, ConfigDict, Field, ValidationError

LINE_ART_FILE = "line_art.json"
# the record's sizes in pixels are at this long side, the size the teacher draws its pairs at by default
REFERENCE_SIDE = 512
LINE_ART_METADATA_KEY = "celflow.line_art"


class BackgroundLines(BaseModel):
    """How the teacher drew the background apart from the person: its lightness in `tones` flat bands, cut where the
    scene's lightness has a gap (generators/tone_bands.py), its colours pulled to a palette, and lighter ink lines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tones: int = Field(ge=2)
    ink: tuple[int, int, int] = Field(description="RGB of the background's ink lines")
    line_weight: float = Field(ge=0.0, description="the widest stroke in pixels at 512 px")
    line_darkness: float = Field(ge=0.0, le=1.0)
    # cut where the scene's lightness has a gap (a pack's own background style) or at fixed levels (a pack without
    # one, whose whole photo is banded in the person's style, and records written before the field)
    scene_tones: bool = False
    # the colours its chroma is pulled towards, how far, and the saturation before; records written without them
    # keep the network's colours behind the people
    palette: tuple[tuple[int, int, int], ...] | None = None
    palette_strength: float = Field(0.0, ge=0.0, le=1.0)
    saturation: float = Field(1.0, ge=0.0)


class LineArt(BaseModel):
    """How the teacher drew its line art: ink colour, widest stroke, darkness, eyes, outline, face proportions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ink: tuple[int, int, int] = Field(description="RGB of the ink lines are drawn in")
    line_weight: float = Field(ge=0.0, description="the widest stroke in pixels at 512 px")
    line_darkness: float = Field(ge=0.0, le=1.0)
    draw_eyes: bool = True
    outline: bool = False  # the person's silhouette, from the person mask
    geometry: FaceGeometry = FaceGeometry()  # the character's face proportions
    # a face narrower than this at 512 px (scaled with the picture, as line_weight) gets no line art and no warp: too
    # small for either to read, the teacher leaves it in its own colours, and so learnt the student
    min_face_px: int = Field(48, ge=0)  # records written without it: the default pack's
    # True: the student learnt pixel-aligned drawings (the pairs' drawing.png), so the run time draws the lines on
    # the faces as found and then warps each face to `geometry`, as the teacher does. False (students trained on
    # warped targets): the network drew the geometry itself, and the lines are drawn where the warp puts them.
    warp_at_run_time: bool = False
    # the background's bands and lines, drawn again over the student's picture outside the people; None (records
    # written without it, a teacher that keeps the photo behind the people): the background as the network paints it
    background: BackgroundLines | None = None
    # how the teacher painted skin (the person's own colours, tinted as the pack says): the run time holds the
    # student's skin to it (realtime/own_skin.py); None (records written without it, a pack whose teacher keeps the
    # photo's skin): the skin as the network paints it
    skin: SkinTone | None = None


def smallest_lined_face(min_face_px: float, image_shape: tuple[int, ...], still: bool = False) -> float:
    """`min_face_px` (pixels at REFERENCE_SIDE) in pixels of a picture of `image_shape`: a face is too small for
    line art by its share of the picture, so drawing a frame smaller (a live loop keeping up) takes no lines off.

    A `still` is drawn once, at its own size, so there a face `min_face_px` wide is lined as well, as the teacher
    drawing the photo at that size lines it: by the share alone, a family photo 1600 px long would leave its
    faces of 120 px without eyes or strokes, the network's soft painting of them blurred up from its working size."""
    by_share = min_face_px * max(image_shape[:2]) / REFERENCE_SIDE
    return min(by_share, min_face_px) if still else by_share


def parse_line_art(text: str, source: str) -> LineArt:
    """The record from JSON; one line naming `source` when it is not one."""
    try:
        return LineArt.model_validate_json(text)
    except ValidationError as error:
        raise ValueError(f"{source}: not a line-art record ({error.error_count()} errors)") from error


def read_line_art(folder: Path) -> LineArt | None:
    """The record a student folder holds, or None for a student trained without one."""
    path = Path(folder) / LINE_ART_FILE
    return parse_line_art(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else None


def keep_line_art(folder: Path, lines: LineArt | None) -> None:
    """Write the record beside a student trained on pairs that have one; remove a stale one otherwise."""
    path = Path(folder) / LINE_ART_FILE
    if lines is None:
        path.unlink(missing_ok=True)
    else:
        write_text_atomic(path, lines.model_dump_json(indent=2))
