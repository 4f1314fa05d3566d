"""Does a stylised image still look like the person, and like a drawing? The look scores of one output.

One record per (photo, output) pair, the same for a teacher's target and a student's output, so generate's
summary, `celflow evaluate` and the benchmarks report the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from celflow.core.character import FaceGeometry
from celflow.generators.drawing_metrics import flat_share, stroke_share
from celflow.generators.face_identity import FaceIdentity
from celflow.generators.face_mesh import Face
from celflow.generators.face_warp import WarpOutOfRange, character_landmarks, character_warp, is_identity
from celflow.generators.skin_tone import MIN_SKIN_CHROMA, SkinColour, cheek_areas, cheek_colour, skin_difference

EDGE_MARGIN = 3.0  # px at 512: skin this close to the person's edge is read with the backdrop or the outline's ink


@dataclass(frozen=True)
class FaceLook:
    """One face: its skin on the photo and on the output (ITA°, ΔE of the cheeks)."""

    photo_ita: float
    output_ita: float
    delta_e: float

    @property
    def delta_ita(self) -> float:
        return self.output_ita - self.photo_ita


@dataclass(frozen=True)
class LookScores:
    """Identity distance per frontal face, skin per meshed face, stroke and flat shares of the whole output."""

    identity_distances: tuple[float, ...]
    faces: tuple[FaceLook, ...]
    stroke_share: float
    flat_share: float


def output_face_points(face: Face, geometry: FaceGeometry) -> np.ndarray:
    """Where a photo face's landmarks sit on an output warped to the character's geometry."""
    return face.points if is_identity(geometry) else character_landmarks(face, geometry).astype(np.float32)


def clear_of_edge(person_mask: np.ndarray) -> np.ndarray:
    """H×W bool: the person (mask, uint8 or 0..1), at least EDGE_MARGIN in from their edge."""
    inside = (person_mask >= (128 if person_mask.dtype == np.uint8 else 0.5)).astype(np.uint8)
    side = 2 * max(1, round(EDGE_MARGIN * max(person_mask.shape) / 512)) + 1
    return cv2.erode(inside, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))).astype(bool)


def face_skins(
    photo: np.ndarray,
    output: np.ndarray,
    faces: tuple[Face, ...] | list[Face],
    person_mask: np.ndarray,
    geometry: FaceGeometry,
    unwarped: tuple[Face, ...] = (),
) -> list[tuple[Face, SkinColour, SkinColour]]:
    """(face, its cheeks on the photo, on the output) for each face whose cheeks can be read, `faces` warped to
    the character on the output and `unwarped` left where they are. The cheeks are read only on the person, clear
    of their edge, on the photo and (the mask warped with the faces) on the output."""
    on_photo = clear_of_edge(person_mask)
    on_output = on_photo
    if faces and not is_identity(geometry):
        try:
            warp = character_warp(photo.shape[:2], list(faces), geometry, max_shift=np.inf)
            on_output = warp(on_photo.astype(np.uint8) * 255) >= 128 if warp is not None else on_photo
        except WarpOutOfRange:  # a fold: the output was not warped this way, so its faces' cheeks lie as on the photo
            pass
    skins = []
    placed = [(face, output_face_points(face, geometry)) for face in faces] + [(face, face.points) for face in unwarped]
    for face, points in placed:
        try:
            before = cheek_colour(photo, face.points, within=on_photo)
            areas = cheek_areas(photo.shape[:2], face.points, within=on_photo)
            skins.append((face, before, cheek_colour(output, points, within=on_output, areas=areas)))
        except ValueError:  # a face too small to read its cheeks is left out of the skin figures
            continue
    return skins


def score_look(
    photo: np.ndarray,
    output: np.ndarray,
    faces: tuple[Face, ...] | list[Face],
    person_mask: np.ndarray,
    geometry: FaceGeometry,
    identity: FaceIdentity | None,
    unwarped: tuple[Face, ...] = (),
) -> LookScores:
    """Look scores of `output` (H×W×3 uint8, aligned with `photo` up to the face warp of `faces`; `unwarped`
    faces were left where they are); identity is skipped (empty) when no identity model is given."""
    looks = []
    for _, before, after in face_skins(photo, output, faces, person_mask, geometry, unwarped):
        if before.chroma < MIN_SKIN_CHROMA:  # a black-and-white photo: no skin tone to keep or lose
            continue
        _, delta_e = skin_difference(before, after)
        looks.append(FaceLook(photo_ita=before.ita, output_ita=after.ita, delta_e=delta_e))
    distances = tuple(identity.distances(photo, output)) if identity is not None else ()
    return LookScores(
        identity_distances=distances,
        faces=tuple(looks),
        stroke_share=stroke_share(output),
        flat_share=flat_share(output, person_mask),
    )
