"""Does a set of stylised images still look like the people in them, and like drawings? One summary for a run.

Used by generate's summary (the teacher's targets) and by `celflow evaluate` (the student's outputs beside the
teacher's). Faces are found again on each photo with the face mesh (cheeks for skin tone); identity uses
dlib's face embedding on the frontal faces dlib finds (generators/face_identity.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from statistics import median

import numpy as np
from pydantic import BaseModel, ConfigDict

from celflow.core.character import FaceGeometry
from celflow.core.pair_folder import read_mask, read_pair
from celflow.generators.face_identity import SAME_PERSON, FaceIdentity
from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.look import score_look

LOOK_SAMPLE = 12  # pairs a run's summary scores: enough for medians, cheap next to making the pairs


class LookSummary(BaseModel):
    """Medians over the images scored; identity over frontal faces ≥ 80 px, skin over faces with a mesh."""

    model_config = ConfigDict(frozen=True)

    images: int
    frontal_faces: int
    same_person: int
    identity_distance_median: float | None
    skin_faces: int
    delta_ita_median: float | None
    delta_ita_worst: float | None
    delta_e_median: float | None
    stroke_share_median: float
    flat_share_median: float

    def rows(self, who: str) -> list[tuple[str, str]]:
        """Table rows for a markdown summary, each label prefixed with `who` (e.g. "teacher")."""

        def fmt(value: float | None, spec: str) -> str:
            return "-" if value is None else format(value, spec)

        return [
            (
                f"{who}: same person as the photo (dlib < {SAME_PERSON})",
                f"{self.same_person} of {self.frontal_faces} faces",
            ),
            (f"{who}: identity distance, median", fmt(self.identity_distance_median, ".3f")),
            (
                f"{who}: skin ΔITA° vs photo, median / worst",
                f"{fmt(self.delta_ita_median, '.1f')} / {fmt(self.delta_ita_worst, '.1f')}",
            ),
            (f"{who}: skin ΔE (CIEDE2000), median", fmt(self.delta_e_median, ".1f")),
            (f"{who}: ink in strokes ≥ 20 px", f"{self.stroke_share_median:.2f}"),
            (f"{who}: flat share inside the person", f"{self.flat_share_median:.2f}"),
        ]


def summarise_look(
    images: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], geometry: FaceGeometry
) -> LookSummary | None:
    """Look scores of (photo, output, person mask) triples, summarised; None when there were no images."""
    images = list(images)
    if not images:
        return None
    mesh = FaceMeshDetector(max_faces=4)
    identity = FaceIdentity()
    distances: list[float] = []
    delta_itas: list[float] = []
    delta_es: list[float] = []
    strokes: list[float] = []
    flats: list[float] = []
    try:
        for photo, output, person_mask in images:
            scores = score_look(photo, output, mesh(photo), person_mask, geometry, identity)
            distances += scores.identity_distances
            delta_itas += [face.delta_ita for face in scores.faces]
            delta_es += [face.delta_e for face in scores.faces]
            strokes.append(scores.stroke_share)
            flats.append(scores.flat_share)
    finally:
        mesh.close()
    return LookSummary(
        images=len(strokes),
        frontal_faces=len(distances),
        same_person=sum(d < SAME_PERSON for d in distances),
        identity_distance_median=median(distances) if distances else None,
        skin_faces=len(delta_itas),
        delta_ita_median=median(abs(d) for d in delta_itas) if delta_itas else None,
        delta_ita_worst=max(abs(d) for d in delta_itas) if delta_itas else None,
        delta_e_median=median(delta_es) if delta_es else None,
        stroke_share_median=median(strokes),
        flat_share_median=median(flats),
    )


def pair_images(pair_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(photo, teacher's target, person mask) of one stored pair."""
    photo, target = read_pair(pair_dir)
    return photo, target, read_mask(pair_dir, photo.shape[:2])
