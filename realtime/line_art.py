"""Line art at run time: the teacher's webtoon eyes, face strokes and person outline, the mouth in the person's
own colours and the background's flat bands and lines, drawn over the student's picture (its specks cleared and
its texture flattened first: realtime/despeckle.py, realtime/flat_tones.py) from a face mesh and a person mask of
the frame, then each face warped to its character's proportions, each face in the character its person wears
(why: core/line_art.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import numpy as np
from celflow.core.line_art import LineArt, smallest_lined_face
from celflow.generators.face_finder import FaceFinder
from celflow.generators.face_mesh import Face
from celflow.generators.face_warp import (
    FaceWarp,
    WarpOutOfRange,
    character_landmarks,
    is_identity,
)
from celflow.generators.line_art import draw_line_art
from celflow.generators.outline import draw_silhouette
from celflow.generators.person_mask import with_faces, with_their_faces
from celflow.realtime.background_bands import behind_people, drawn_behind
from celflow.realtime.despeckle import despeckle
from celflow.realtime.face_follower import FaceFollower
from celflow.realtime.face_warps import FaceWarps
from celflow.realtime.flat_tones import flatten_tones
from celflow.realtime.own_mouth import draw_own_mouths
from celflow.realtime.own_skin import keep_own_skin
from celflow.realtime.records import Box

log = logging.getLogger(__name__)

Wearer = Callable[[Face], "str | None"]  # a face → the character drawing it, or None where nobody is stylized


class LineArtist:
    """Holds the face mesh, the person segmenter (when a character draws outlines) and each character's line art.
    Not thread-safe, but `faces` and drawing hold nothing in common: one thread may find the next frame's faces
    while another draws this frame's.

    Faces are found as the teacher finds them: the face mesh, whose own detector is short-range and misses faces
    small in the frame (a group in front of a webcam), then the mesh fitted again around each face box it missed:
    for a still, the boxes of the teacher's full-range detector (generators/face_finder.py); for a video, the
    tracked people's face boxes the caller passes. `video`: calls are consecutive frames of one video, so the
    meshes follow faces instead of finding them anew (realtime/face_follower.py).
    """

    def __init__(self, lines: Mapping[str, LineArt], video: bool, max_faces: int = 6) -> None:
        self.lines = dict(lines)
        # all on; off only to measure what each gains (benchmarks/bench_student_line_art.py)
        self.despeckled = True
        self.flattened = True
        self.own_mouths = True
        self.own_skins = True
        self.backgrounds_drawn = True
        self.faces_warped = True
        self.warps: list[FaceWarp] = []  # the last call's face warps, to give the photo the same proportions
        self._warpers = {name: FaceWarps(art.geometry) for name, art in self.lines.items() if art.warp_at_run_time}
        smallest = min((art.min_face_px for art in self.lines.values()), default=0)
        self._follower = FaceFollower(max_faces, min_face_px=smallest) if video else None
        self._finder = None if video else FaceFinder(max_faces=max_faces)
        self._segment = None
        self._people_before: np.ndarray | None = None  # the last frame's person mask, for a video's next background
        if any(art.outline or art.background for art in self.lines.values()):
            from celflow.generators.person_mask import PersonSegmenter

            # video frames are landscape camera frames: mediapipe's landscape model is made for them, and faster
            self._segment = PersonSegmenter(landscape=video, video=video)

    def faces(self, photo: np.ndarray, tracked: Mapping[int, Box] | None = None) -> list[Face]:
        """Every face in `photo` with its mesh: those the mesh finds, and in a video those of the `tracked` people
        (person → face box) it missed."""
        return self._follower(photo, tracked) if self._follower is not None else self._finder(photo).faces

    def __call__(
        self,
        photo: np.ndarray,
        canvas: np.ndarray,
        wearing: Wearer,
        outline: str | None,
        where: np.ndarray | None,
        faces: list[Face],
        people: np.ndarray | None = None,
        behind: np.ndarray | None = None,
    ) -> np.ndarray:
        """`canvas` (the stylized `photo`) cleared of the network's specks and its texture flattened, with the
        mouth in the person's own colours and the line art of every one of `faces` (what `self.faces` found in
        `photo`), and the people's outline in the line art of character `outline` (None: no outline), only inside
        `where` (H×W bool; None: the whole frame), along `people` (H×W float: the mask the people were pasted
        through) or, when None, a person mask of `photo` around those of `faces`; then, for a student that learnt
        drawings aligned with the photo, each face warped to its character's proportions, as the teacher warps its
        picture last. A face narrower than its character's `min_face_px` (at 512 px; a still's face may also reach it
        in the still's own pixels: smallest_lined_face) gets only its own mouth, as the teacher leaves it. Where the
        whole frame is stylized (no `where`, no `people`), the background outside a person mask of `photo` is drawn
        as character `outline`'s teacher draws backgrounds first (`behind`, when the caller drew it already:
        `self.background`)."""
        self.warps = []
        everything = where is None and people is None  # everything stylized, behind the people too
        segmented = None  # one person mask of the frame, for the background and the outline
        if everything and behind is None and self._draws_background(outline):
            segmented = self._people_in(photo, faces)
            behind = self.background(photo, canvas, outline, segmented)
        if self.despeckled:
            canvas = despeckle(canvas, where)
        if self.flattened:
            canvas = flatten_tones(canvas, where)
        art = self.lines.get(outline) if outline is not None else None
        if everything and behind is not None:
            segmented = self._people_in(photo, faces) if segmented is None else segmented
            canvas = behind_people(canvas, behind, segmented)
        by_character: dict[str, list[Face]] = {}
        worn_by: dict[str, list[Face]] = {}
        too_small: list[Face] = []
        still = self._follower is None
        for face in faces:
            character = wearing(face)
            if character in self.lines:
                worn_by.setdefault(character, []).append(face)
                lined = face.width >= smallest_lined_face(self.lines[character].min_face_px, photo.shape, still)
                (by_character.setdefault(character, []) if lined else too_small).append(face)
        if self.own_skins:
            canvas = self._own_skins(canvas, photo, worn_by, where, people)
        if self.own_mouths and too_small:
            canvas = draw_own_mouths(canvas, photo, too_small, too_small)
        for character, found in by_character.items():
            lines = self.lines[character]
            worn = found
            if not lines.warp_at_run_time and not is_identity(lines.geometry):  # the network drew the warp itself
                worn = [Face(character_landmarks(face, lines.geometry).astype(np.float32)) for face in found]
            if self.own_mouths:
                canvas = draw_own_mouths(canvas, photo, found, worn)
            canvas = draw_line_art(canvas, photo, worn, lines)
        # last, as the teacher draws it; with no face found, no one to outline
        if art is not None and art.outline and self._segment is not None and (people is not None or faces):
            if people is not None:
                person = with_faces(people, faces)
            else:
                person = with_their_faces(self._people_in(photo, faces) if segmented is None else segmented, faces)
            if where is not None:
                person = np.where(where, person, 0.0).astype(np.float32)
            ink = np.asarray(art.ink, np.float32)
            canvas = draw_silhouette(canvas, person, ink, art.line_weight, art.line_darkness)
        for character, found in by_character.items():
            lines = self.lines[character]
            if lines.warp_at_run_time and self.faces_warped:
                warp = _warp(self._warpers[character], canvas.shape[:2], found)
                if warp is not None:
                    canvas = warp(canvas)
                    self.warps.append(warp)
        return canvas

    def _own_skins(
        self,
        canvas: np.ndarray,
        photo: np.ndarray,
        worn_by: Mapping[str, list[Face]],
        where: np.ndarray | None,
        people: np.ndarray | None,
    ) -> np.ndarray:
        """`canvas` with each face's skin held to what its character's teacher paints (realtime/own_skin.py), where
        the picture is aligned with the photo (a student that drew the warp itself is left as it painted), only
        inside what was stylized."""
        within = [mask for mask in (where, people) if mask is not None]
        for character, found in worn_by.items():
            lines = self.lines[character]
            if lines.skin is not None and lines.warp_at_run_time:
                canvas = keep_own_skin(canvas, photo, found, lines.skin, within)
        return canvas

    def background(
        self, photo: np.ndarray, picture: np.ndarray, character: str | None, person: np.ndarray | None
    ) -> np.ndarray | None:
        """`picture` (the network's, of `photo`) drawn as `character`'s teacher draws backgrounds (drawn_behind),
        its bands read outside `person` (a person mask; None: the whole frame); None where that teacher kept the
        real background or drew none apart, or backgrounds are not drawn."""
        if not self._draws_background(character):
            return None
        return drawn_behind(picture, photo, self.lines[character].background, person)

    def people_before(self, shape: tuple[int, ...]) -> np.ndarray | None:
        """The person mask of the last frame drawn, when it was `shape`'s size; None before the first (a video's
        first stage draws the next frame's background before the second has segmented it: the people moved little
        since)."""
        before = self._people_before
        return before if before is not None and before.shape == tuple(shape[:2]) else None

    def _draws_background(self, character: str | None) -> bool:
        art = self.lines.get(character) if character is not None else None
        return art is not None and art.background is not None and self.backgrounds_drawn

    def _people_in(self, photo: np.ndarray, faces: list[Face]) -> np.ndarray:
        """The person mask of `photo` around `faces`, kept for the next frame's background (people_before)."""
        self._people_before = segmented = self._segment(photo, faces)
        return segmented

    def close(self) -> None:
        (self._follower or self._finder).close()
        if self._segment is not None:
            self._segment.close()


def _warp(warps: FaceWarps, shape: tuple[int, int], faces: list[Face]) -> FaceWarp | None:
    """The warp giving `faces` the character's proportions; None where it moves nothing or would fold the picture
    (the teacher rejects such a photo; a frame is drawn unwarped rather than dropped)."""
    try:
        return warps(shape, faces)
    except WarpOutOfRange as error:
        log.debug("faces left unwarped in this frame: %s", error)
        return None
