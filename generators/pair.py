"""Make training pairs from one photo with WebtoonMe's data recipe.

Faces → person mask → skin mask → light corrected (casts are not skin tones) → teacher → the person's own
skin painted in cel tones → line art from the face mesh and the silhouette → background in its own style → a
check that every face keeps its own skin tone → faces warped to the character → one pair for the whole photo, or one per person crop in a group photo. A photo
that cannot give a clean pair is rejected with a named reason (generators/quality.py), never half-done.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from celflow.core.character import Character
from celflow.generators.background import compose_person_and_background, draw_background
from celflow.generators.cel_shading import ink_colour, smoothed_photo
from celflow.generators.face_features import keep_own_features
from celflow.generators.face_finder import FaceFinder, FacesInPhoto
from celflow.generators.face_mesh import FACE_OVAL, Face
from celflow.generators.face_warp import WarpOutOfRange, is_identity, warp_face_to_character
from celflow.generators.light_correction import correct_light
from celflow.generators.line_art import draw_line_art, line_art_of
from celflow.generators.outline import draw_silhouette
from celflow.generators.person_mask import PersonSegmenter
from celflow.generators.quality import (
    FACE_TOO_SMALL,
    FACE_WITHOUT_MESH,
    MASK_COVERAGE,
    NO_FACE,
    SKIN_CHANGED,
    TEACHER_FAILED,
    TOO_MANY_FACES,
    WARP_OUT_OF_RANGE,
    PairRejected,
)
from celflow.generators.sam import SamPersonSegmenter, SamSettings
from celflow.generators.skin import face_regions, paint_own_skin, skin_masks
from celflow.generators.skin_tone import MIN_SKIN_CHROMA, cheek_colour, skin_difference
from celflow.generators.specks import clear_specks
from celflow.generators.teacher import build_teacher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pair:
    """A photo, its teacher target (faces warped to the character) and its masks (uint8, 255 = person / skin).

    The masks are aligned with the photo, the student's input; `timings_ms` holds each stage's cost.
    """

    photo: np.ndarray
    target: np.ndarray
    person_mask: np.ndarray
    faces: tuple[Face, ...]
    teacher_ms: float
    crop: tuple[int, int, int, int] | None = None  # (x0, y0, x1, y1) in the photo when one person was cropped out
    skin_mask: np.ndarray | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    unwarped_faces: tuple[Face, ...] = ()  # under min_face_px: in their own colours, neither warped nor lined
    # The procedural teacher's picture before the face warp, aligned pixel for pixel with the photo: what a student
    # learns, its faces warped at run time (core/line_art.py); None when the warp moves nothing or the teacher
    # draws no line art (a diffusion teacher's student learns the warped target).
    drawing: np.ndarray | None = None

    @property
    def person_coverage(self) -> float:
        return float((self.person_mask >= 128).mean())


@contextmanager
def _stage(timings: dict[str, float], name: str):
    started = time.perf_counter()
    yield
    timings[name] = (time.perf_counter() - started) * 1000


def check_faces(found: FacesInPhoto, max_faces: int, min_face_px: int) -> FacesInPhoto:
    """The faces to warp: those at least min_face_px wide. A narrower face is left unwarped and without line art
    (it keeps its own skin and features, see PairMaker), so one small face does not cost a group photo its pair.

    Raise PairRejected when no face is wide enough, when more than max_faces are, or when one has no mesh.
    """
    widths = [face.width for face in found.faces] + [float(x1 - x0) for x0, _, x1, _ in found.unfitted]
    if not widths:
        raise PairRejected(NO_FACE, "no face found")
    if max(widths) < min_face_px:
        raise PairRejected(FACE_TOO_SMALL, f"the widest face is {int(max(widths))} px wide, under {min_face_px} px")
    faces = [face for face in found.faces if face.width >= min_face_px]
    unfitted = [box for box in found.unfitted if box[2] - box[0] >= min_face_px]
    if len(faces) + len(unfitted) > max_faces:
        raise PairRejected(TOO_MANY_FACES, f"{len(faces) + len(unfitted)} faces; this character allows {max_faces}")
    if unfitted:
        raise PairRejected(FACE_WITHOUT_MESH, f"no face mesh fits the face at {unfitted[0]}, so it cannot be warped")
    for width in sorted(width for width in widths if width < min_face_px):
        log.warning(
            "a face %d px wide is under min_face_px %d: drawn in its own colours, unwarped and without line art",
            int(width),
            min_face_px,
        )
    return FacesInPhoto(faces, [])


def check_skin_kept(photo: np.ndarray, stylised: np.ndarray, faces: list[Face], max_change: float) -> None:
    """Raise PairRejected when a face's cheeks in `stylised` are more than `max_change` ITA° from the photo's.

    Faces too small for a cheek measure, and black-and-white photos (no skin hue to keep), are not judged.
    """
    for number, face in enumerate(faces, start=1):
        try:
            before, after = cheek_colour(photo, face.points), cheek_colour(stylised, face.points)
        except ValueError:
            continue
        if before.chroma < MIN_SKIN_CHROMA:
            continue
        change, _ = skin_difference(before, after)
        if abs(change) > max_change:
            raise PairRejected(
                SKIN_CHANGED, f"face {number}: cheeks ITA {before.ita:.0f}° in the photo, {after.ita:.0f}° drawn"
            )


def _as_uint8(mask: np.ndarray) -> np.ndarray:
    return np.round(np.clip(mask, 0.0, 1.0) * 255).astype(np.uint8)


class PairMaker:
    """Holds the detectors, segmenter and teacher for one character; not thread-safe, so one per worker thread.

    `sam` switches person masks from mediapipe's selfie segmentation to Segment Anything.
    """

    def __init__(self, character: Character, max_faces: int = 4, sam: SamSettings | None = None) -> None:
        self.character = character
        self.max_faces = 1 if character.group_photos == "reject" else max_faces
        self.teacher = build_teacher(character)
        self.find_faces = FaceFinder(max_faces=self.max_faces + 1)  # one more, to see when there are too many
        self.segment_person = SamPersonSegmenter(sam) if sam else PersonSegmenter()

    def __call__(self, photo: np.ndarray) -> list[Pair]:
        """The pairs this photo gives: one for the whole photo, or one per person crop as the pack says."""
        character, limits = self.character, self.character.quality
        timings: dict[str, float] = {}
        with _stage(timings, "faces"):
            found = self.find_faces(photo)
        faces = check_faces(found, self.max_faces, limits.min_face_px).faces
        # every face with a mesh keeps its own skin, small ones too; only the wide ones are warped and lined
        small = [face for face in found.faces if face.width < limits.min_face_px]
        everyone = faces + small
        with _stage(timings, "person_mask"):
            mask = self.segment_person(photo, everyone)
        coverage = float((mask >= 0.5).mean())
        low, high = limits.person_coverage
        if not low <= coverage <= high:
            raise PairRejected(MASK_COVERAGE, f"person mask covers {coverage:.1%}, allowed {low:.0%}–{high:.0%}")
        with _stage(timings, "skin"):
            sure_skin, skin = skin_masks(photo, everyone, mask)
            lit = correct_light(photo, sure_skin, everyone)
        style = character.teacher
        procedural = style.kind == "procedural"
        with _stage(timings, "teacher"):
            try:
                stylised = self.teacher(lit, mask)
            except Exception as error:  # a teacher crash costs one photo, never the run
                raise PairRejected(TEACHER_FAILED, f"{type(error).__name__}: {error}") from error
        if procedural or character.skin:
            with _stage(timings, "own colours"):
                smoothed = smoothed_photo(lit)
                if procedural:
                    stylised = keep_own_features(stylised, smoothed, everyone)
                if character.skin:
                    stylised = paint_own_skin(
                        stylised, smoothed, skin, everyone, character.skin, keep_detail=not procedural
                    )
        if character.background:
            with _stage(timings, "background"):
                # drawn from the photo as shot: the run time bands the frame it is given, never a corrected one
                behind = draw_background(photo, character.background, mask)
                stylised = compose_person_and_background(stylised, behind, mask)
        if procedural:
            with _stage(timings, "specks"):
                keep = face_regions(photo.shape[:2], everyone, (FACE_OVAL,))
                if character.background and character.background.keep_photo:
                    keep |= mask < 0.5  # a background kept as shot stays as shot
                stylised = clear_specks(stylised, keep)
            with _stage(timings, "line art"):
                stylised = draw_line_art(stylised, lit, faces, line_art_of(character))
            with _stage(timings, "outline"):
                stylised = draw_silhouette(stylised, mask, ink_colour(style), style.line_weight, style.line_darkness)
        if character.skin:  # a pack that keeps each person's own skin; one without may paint skin as it likes
            with _stage(timings, "skin check"):
                check_skin_kept(photo, stylised, everyone, limits.max_skin_change)
        with _stage(timings, "warp"):
            try:
                target = warp_face_to_character(stylised, faces, character.geometry, limits.max_warp_shift)
            except WarpOutOfRange as error:
                raise PairRejected(WARP_OUT_OF_RANGE, str(error)) from error
        whole = Pair(
            photo=photo,
            target=target,
            drawing=stylised if procedural and not is_identity(character.geometry) else None,
            person_mask=_as_uint8(mask),
            faces=tuple(faces),
            teacher_ms=sum(timings.values()),
            skin_mask=_as_uint8(skin),
            timings_ms=timings,
            unwarped_faces=tuple(small),
        )
        if len(faces) == 1:
            return [whole]
        return [crop_person(whole, face) for face in faces]

    def close(self) -> None:
        self.find_faces.close()
        self.segment_person.close()


def _within(box: tuple[float, ...], window: tuple[int, int, int, int]) -> bool:
    return window[0] <= box[0] and window[1] <= box[1] and box[2] <= window[2] and box[3] <= window[3]


def crop_person(pair: Pair, face: Face) -> Pair:
    """The pair cut down to one face's person box (every face in the photo is already warped)."""
    x0, y0, x1, y1 = face.person_box(pair.photo.shape[:2])
    window = (slice(y0, y1), slice(x0, x1))
    corner = np.array([x0, y0], np.float32)
    inside = [f for f in pair.unwarped_faces if _within(f.box, (x0, y0, x1, y1))]
    return Pair(
        photo=pair.photo[window].copy(),
        target=pair.target[window].copy(),
        drawing=pair.drawing[window].copy() if pair.drawing is not None else None,
        person_mask=pair.person_mask[window].copy(),
        faces=(Face(points=face.points - corner),),
        teacher_ms=pair.teacher_ms,
        crop=(x0, y0, x1, y1),
        skin_mask=pair.skin_mask[window].copy() if pair.skin_mask is not None else None,
        timings_ms=pair.timings_ms,
        unwarped_faces=tuple(Face(points=f.points - corner) for f in inside),
    )
