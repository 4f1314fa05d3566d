"""The face mesh of a video, sized to the faces in view so its face detector rarely runs.

mediapipe's face mesh, following faces from frame to frame, still runs its face detector on every frame in
which it follows fewer faces than its maximum: with room for six and one person in view, that is every frame.
So the follower runs a mesh with room for exactly the faces it follows, and every `look_every` frames one
with room for one more, whose detector looks for newcomers. A face lost for `look_every` frames in a row
gives its room up (until then the mesh's own detector looks for it on every frame). mediapipe cannot resize
one mesh, so there is one per size, made when first needed.
"""

from __future__ import annotations

import numpy as np

from celflow.generators.face_mesh import Face, FaceMeshDetector

LOOK_EVERY = 10  # frames: a third of a second at 30 FPS before a newcomer's face is drawn


class FaceFollower:
    """Faces of consecutive frames of one video; not thread-safe, so give each thread its own."""

    def __init__(self, max_faces: int = 6, look_every: int = LOOK_EVERY) -> None:
        self.max_faces = max_faces
        self.look_every = look_every
        self._meshes: dict[int, FaceMeshDetector] = {}
        self._room = 1
        self._frames = 0
        self._short = 0  # frames in a row with fewer faces than there is room for

    @property
    def room(self) -> int:
        """How many faces the mesh of the next ordinary frame follows."""
        return self._room

    def _mesh(self, room: int) -> FaceMeshDetector:
        if room not in self._meshes:
            self._meshes[room] = FaceMeshDetector(max_faces=room, video=True)
        return self._meshes[room]

    def __call__(self, rgb: np.ndarray) -> list[Face]:
        self._frames += 1
        looking = self._frames % self.look_every == 0 and self._room < self.max_faces
        room = self._room + 1 if looking else self._room
        faces = self._mesh(room)(rgb)
        self._short = self._short + 1 if len(faces) < self._room else 0
        if (looking and len(faces) > self._room) or self._short >= self.look_every:
            self._room, self._short = max(1, len(faces)), 0
        return faces

    def close(self) -> None:
        for mesh in self._meshes.values():
            mesh.close()
        self._meshes.clear()
