"""Face warps at run time, fitted once per expression rather than once per frame.

The thin-plate spline that gives a face the character's proportions costs more than anything else drawn over
the student's picture. It depends only on the face's shape in its own frame (generators/face_warp.FaceField),
so while a head moves, turns or comes closer without changing expression, the field fitted on an earlier frame
is moved onto the face instead of fitted again, for as long as it still puts every landmark within REFIT_PX of
where the character's geometry asks.
"""

from __future__ import annotations

from celflow.core.character import FaceGeometry
from celflow.generators.face_mesh import Face
from celflow.generators.face_warp import (
    FaceField,
    FaceWarp,
    character_warp,
    face_field,
    field_error_px,
)

# How far (pixels) an earlier fit, moved onto this frame's face, may leave any landmark from where the character's
# geometry puts it before the field is fitted again (a mouth opening, a blink, a head turning aside).
REFIT_PX = 0.5


class FaceWarps:
    """Each frame's faces → the warp that gives them `geometry`; not thread-safe, one per character and thread.

    Raises WarpOutOfRange as generators/face_warp.character_warp does. `fits` counts the splines fitted."""

    def __init__(self, geometry: FaceGeometry) -> None:
        self.geometry = geometry
        self.fits = 0
        self._fields: list[FaceField] = []  # the last frame's

    def __call__(self, shape: tuple[int, int], faces: list[Face]) -> FaceWarp | None:
        fields = [self._field(face) for face in faces]
        self._fields = fields
        return character_warp(shape, faces, self.geometry, fields=fields)

    def _field(self, face: Face) -> FaceField:
        for field in self._fields:
            if field_error_px(field, face, self.geometry) <= REFIT_PX:
                return field
        self.fits += 1
        return face_field(face, self.geometry)
