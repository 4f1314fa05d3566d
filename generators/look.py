"""Does a stylised image still look like the person, and like a drawing? The look scores of one output.

One record per (photo, output) pair, the same for a teacher's target and a student's output, so generate's
summary, `celflow evaluate` and the benchmarks report the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from celflow.core.character import FaceGeometry
from celflow.generators.drawing_metrics import flat_share, stroke_share
from celflow.generators.face_identity import FaceIdentity
from celflow.generators.face_mesh import Face
from celflow.generators.face_warp import character_landmarks, is_identity
from celflow.generators.skin_tone import MIN_SKIN_CHROMA, cheek_colour, skin_difference


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
    placed = [(face, output_face_points(face, geometry)) for face in faces] + [(face, face.points) for face in unwarped]
    for face, points in placed:
        try:
            before = cheek_colour(photo, face.points)
            after = cheek_colour(output, points, areas_of=face.points)
        except ValueError:  # a face too small to read its cheeks is left out of the skin figures
            continue
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
