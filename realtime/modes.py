"""The three ways a frame is stylized: whole frame, each person in their character, or people only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
from celflow.core.defaults import AUTO_BACKEND
from celflow.export.open_stylizer import open_stylizer, read_student_line_art
from celflow.export.runtime import AlphaStylizer
from celflow.export.stylizer import PhotoToWebtoon
from celflow.generators.crop_fade import edge_fade
from celflow.generators.face_mesh import NOSE_TIP, Face
from celflow.generators.face_warp import FaceWarp
from celflow.realtime.characters import CastMember
from celflow.realtime.compose import (
    nearest_person,
    paste_soft,
    run_scaled,
    stylize_crop,
)
from celflow.realtime.dark_faces import Lift, dark_faces, lit
from celflow.realtime.detect import person_box
from celflow.realtime.line_art import LineArtist, Wearer
from celflow.realtime.records import Box, Track
from celflow.realtime.strength import apply_strength

Mode = Literal["full-frame", "per-person", "person-only"]
MODES: tuple[Mode, ...] = ("full-frame", "per-person", "person-only")
PersonMask = Callable[[np.ndarray], np.ndarray]  # RGB crop → H×W float in [0, 1], 1 on the person
PeopleMask = np.ndarray | None  # H×W float in [0, 1] over a frame: the people the students pasted, or not known
# The long side a whole frame is painted at, then scaled back along its own edges (realtime/compose.run_scaled):
# the students learnt from photos a few hundred pixels across, and the painting's cost grows with its pixels
# while the line art drawn over it stays at the frame's size (README: bench_paint_side.py).
PAINT_SIDE = 640


def all_have_alpha(stylizers: Iterable[PhotoToWebtoon]) -> bool:
    return all(isinstance(stylizer, AlphaStylizer) for stylizer in stylizers)


class FrameRenderer:
    """(photo, tracks) → stylized photo of the same size.

    full-frame: the first character stylizes everything. per-person: the first character stylizes the
    frame, then each person is cropped with a margin, stylized by their own character and pasted back
    through a soft person mask (the student's alpha head when it has one, else `person_mask`), limited to the
    pixels nearer them than anyone else. person-only: the same pasting over the real, unstylized background.
    Crops are painted at most `max_side` pixels long, whole frames at most `paint_side` (a video's loop may shrink
    the frames first: realtime/working_size.py), and scaled back to their size.
    `line_art` then draws each stylized face's eyes and strokes over the result, in its person's character, and
    the stylized people's outline in the first character's ink. Dark faces are shown to the students lifted, and
    the lift taken off what they paint (realtime/dark_faces.py).
    """

    def __init__(
        self,
        mode: Mode,
        stylizers: Mapping[str, PhotoToWebtoon],
        person_mask: PersonMask | None = None,
        margin: float = 0.25,
        max_side: int = 192,
        line_art: LineArtist | None = None,
        paint_side: int = PAINT_SIDE,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"--mode {mode}: expected one of {', '.join(MODES)}")
        if mode != "full-frame" and person_mask is None and not all_have_alpha(stylizers.values()):
            raise ValueError(f"--mode {mode}: needs a person mask to paste people back")
        self.mode = mode
        self.stylizers = dict(stylizers)
        self.default = next(iter(self.stylizers))
        self._person_mask = person_mask
        self._margin = margin
        self._max_side = max_side
        self.paint_side = paint_side
        self.line_art = line_art
        self.dark_faces_lifted = True  # off only to measure what it gains (benchmarks/bench_dark_faces.py)
        self._warps: list[FaceWarp] = []

    def __call__(self, rgb: np.ndarray, tracks: Sequence[Track] = ()) -> np.ndarray:
        faces = self.faces(rgb, tracks)
        canvas, people = self.paint(rgb, tracks, self.default, [face.box for face in faces] or None)
        return self.finish(rgb, canvas, tracks, self.default, faces, people)

    @property
    def faces_found_with_painting(self) -> bool:
        """Whether a video's faces are found in the loop's first stage, with the painting, or in the second, with
        the line art: in the lighter of the two. Painting a whole frame weighs as much as the line art does, so
        there its mesh goes with the line art; painting people's crops weighs less (bench_realtime.py's stages)."""
        return self.mode != "full-frame"

    def faces(self, rgb: np.ndarray, tracks: Sequence[Track]) -> list[Face]:
        """The faces in `rgb` with their mesh, where the line art will be drawn (none where it will not)."""
        if not self._draws_line_art(tracks):
            return []
        return self.line_art.faces(rgb, {track.track_id: track.box for track in tracks})

    def _draws_line_art(self, tracks: Sequence[Track]) -> bool:
        # in person-only mode with nobody tracked nothing is stylized, so nothing gets lines
        return self.line_art is not None and (bool(tracks) or self.mode != "person-only")

    def paint(
        self, rgb: np.ndarray, tracks: Sequence[Track], background: str, face_boxes: Sequence[Box] | None = None
    ) -> tuple[np.ndarray, PeopleMask]:
        """What the students paint: the frame in `background`'s character (not in person-only mode), each person
        in their own pasted over it; and in person-only mode, where everyone stylized was pasted, the person mask
        they were pasted through (None otherwise). A video's next frame is painted while `finish` draws this one.
        The dark faces among `face_boxes` (None: the tracks' face boxes) are lifted for the students."""
        faces = [track.box for track in tracks]
        lifts = dark_faces(rgb, faces if face_boxes is None else face_boxes) if self.dark_faces_lifted else ()
        if self.mode == "full-frame":
            return self._whole_frame(rgb, background, lifts), None
        canvas = self._whole_frame(rgb, background, lifts) if self.mode == "per-person" else rgb
        people = np.zeros(rgb.shape[:2], np.float32) if self.mode == "person-only" else None
        for own, track in enumerate(tracks):
            if self.mode == "per-person" and track.character == background:
                continue  # the background pass already drew the first character's people
            canvas = self._paste_person(canvas, rgb, track, faces, own, people, lifts)
        return canvas, people

    def finish(
        self,
        rgb: np.ndarray,
        canvas: np.ndarray,
        tracks: Sequence[Track],
        background: str,
        faces: list[Face],
        people: PeopleMask = None,
        behind: np.ndarray | None = None,
    ) -> np.ndarray:
        """`canvas` (what `paint` made of `rgb`) with the line art of `faces` (what `faces` found) drawn over it
        and the faces warped to their characters, the outline in `background`'s ink: along `people` (the mask
        `paint` pasted them through) when given, else along a person mask of the frame; behind the people,
        `behind` (what `background_drawing` drew) when given, else what the line art draws there."""
        self._warps = []
        if self._draws_line_art(tracks):
            area = self._stylized_area(rgb, tracks)
            wearer = self._wearer(tracks, background)
            canvas = self.line_art(rgb, canvas, wearer, background, area, faces, people, behind)
            self._warps = self.line_art.warps
        return canvas

    def background_drawing(self, rgb: np.ndarray, canvas: np.ndarray, background: str) -> np.ndarray | None:
        """In full-frame mode, `canvas` (what `paint` made of `rgb`) drawn as `background`'s teacher draws what is
        behind the people (its tones read outside the frame before's people), for a video's first stage, which paints
        the whole frame with the network alone, to draw while the second finishes the frame before; None in the other
        modes (their first stage paints every person and is the heavier one), and for a first frame or one of a new
        size, which the second stage segments before it draws what is behind them."""
        if self.mode != "full-frame" or self.line_art is None:
            return None
        people = self.line_art.people_before(rgb.shape)
        return None if people is None else self.line_art.background(rgb, canvas, background, people)

    def in_proportion(self, photo: np.ndarray) -> np.ndarray:
        """`photo` with the faces warped as the last call warped the student's picture (the character's face
        proportions), so that a strength under 1 mixes two pictures of the same faces: no double eyes, no second
        jaw."""
        for warp in self._warps:
            photo = warp(photo)
        return photo

    def at_strength(self, photo: np.ndarray, picture: np.ndarray, strength: float) -> np.ndarray:
        """`picture` (the last call's, perhaps smoothed) at `strength` over `photo` (realtime/strength.py); in
        between 0 and 1, over the photo in the character's proportions (warped only then: at 1 it is not used)."""
        shaped = self.in_proportion(photo) if 0.0 < strength < 1.0 else None
        return apply_strength(photo, picture, strength, shaped)

    def _stylized_area(self, rgb: np.ndarray, tracks: Sequence[Track]) -> np.ndarray | None:
        """Where the picture is stylized (None: everywhere): in person-only mode, the tracked people's boxes."""
        if self.mode != "person-only":
            return None
        area = np.zeros(rgb.shape[:2], bool)
        for track in tracks:
            x0, y0, x1, y1 = person_box(track.box, rgb.shape, self._margin)
            area[y0:y1, x0:x1] = True
        return area

    def _wearer(self, tracks: Sequence[Track], background: str) -> Wearer:
        """Who draws a face found by the mesh: the character of the tracked person whose face box holds its nose
        tip; an untracked face is in the background's character, or left as it is in person-only mode."""

        def wearing(face: Face) -> str | None:
            if self.mode == "full-frame":
                return background
            x, y = face.points[NOSE_TIP]
            for track in tracks:
                x0, y0, x1, y1 = track.box
                if x0 <= x <= x1 and y0 <= y <= y1:
                    return track.character
            return background if self.mode == "per-person" else None

        return wearing

    def _whole_frame(self, rgb: np.ndarray, background: str, lifts: Sequence[Lift]) -> np.ndarray:
        """`background`'s character over the whole frame."""
        height, width = rgb.shape[:2]
        box = (0, 0, width, height)
        return stylize_crop(self.stylizers[background], rgb, box, self.paint_side, along_edges=True, lifts=lifts)

    def _paste_person(
        self,
        canvas: np.ndarray,
        rgb: np.ndarray,
        track: Track,
        faces: list[Box],
        own: int,
        people: PeopleMask,
        lifts: Sequence[Lift],
    ) -> np.ndarray:
        """`canvas` with `track`'s person pasted in their character, over only the pixels nearer them than anyone
        in `faces` (every person in the frame, `faces[own]` being theirs); their mask joins `people` (when given)."""
        box = person_box(track.box, rgb.shape, self._margin)
        x0, y0, x1, y1 = box
        if x1 - x0 < 8 or y1 - y0 < 8:
            return canvas
        stylizer = self.stylizers[track.character]
        if isinstance(stylizer, AlphaStylizer):  # the student's own alpha head: no segmentation run
            patch, person = run_scaled(lit(stylizer.stylize_with_alpha, lifts, box), rgb, box, self._max_side)
        else:
            patch = stylize_crop(stylizer, rgb, box, self._max_side, lifts=lifts)
            # segmenting the crop, not the frame: the model is made for one person filling the picture,
            # and finds people a whole-frame pass misses when they stand far away
            person = self._person_mask(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
        ramp = round(0.1 * min(x1 - x0, y1 - y0))
        theirs = person * nearest_person(box, faces, own)
        if people is not None:
            np.maximum(people[y0:y1, x0:x1], theirs, out=people[y0:y1, x0:x1])
        return paste_soft(canvas, patch, theirs * edge_fade(y1 - y0, x1 - x0, box, rgb.shape, ramp), box)


def open_renderer(
    characters: list[CastMember],
    mode: Mode = "full-frame",
    max_side: int = 192,
    backend: str = AUTO_BACKEND,
    line_art: bool = True,
    video: bool = True,
) -> FrameRenderer:
    """One stylizer per character, plus selfie segmentation when people are pasted back by a student without an
    alpha head, plus the face mesh when `line_art` and a character's student carries line art: what every
    command that stylizes (live, convert, stylize) renders with. `video`: frames follow one another."""
    stylizers = {character.name: open_stylizer(character.model, backend, spin=False, with_alpha=True) for character in characters}
    person_mask = None
    if mode != "full-frame" and not all_have_alpha(stylizers.values()):
        from celflow.generators.person_mask import PersonSegmenter

        person_mask = PersonSegmenter()
    lines = {character.name: read_student_line_art(character.model) for character in characters} if line_art else {}
    line_art = None
    if any(lines.values()):
        line_art = LineArtist({name: drawn for name, drawn in lines.items() if drawn is not None}, video)
    return FrameRenderer(mode, stylizers, person_mask, max_side=max_side, line_art=line_art)
