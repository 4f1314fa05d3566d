"""The face mesh of a video, sized to the faces in view so its face detector rarely runs.

mediapipe's face mesh, following faces from frame to frame, still runs its face detector on every frame in
which it follows fewer faces than its maximum: with room for six and one person in view, that is every frame.
So the follower runs a mesh with room for exactly the faces it follows, and every `look_every` frames one
with room for one more, whose detector looks for newcomers. A face lost for `look_every` frames in a row
gives its room up (until then the mesh's own detector looks for it on every frame). mediapipe cannot resize
one mesh, so there is one per size, made when first needed.

That mesh's detector is short-range: it misses faces small in the frame (a group in front of a webcam). The
caller's tracked face boxes find those again: each tracked person the mesh misses is fitted on an enlarged crop
around their face, which stays put while the face stays near its centre (a crop that moves with every jitter of
the tracked box would make the mesh jitter with it). One crop mesh fits every person's crop, each as a photo of
its own: a mediapipe graph keeps its memory once it has run, so a graph per person would make the memory grow
with the people in view. A small face the frame's mesh does follow is fitted on its crop as well: on the whole
frame, a face narrower than SMALL_FACE of it is often fitted tilted or beside itself, and its line art drawn off
the face (generators/face_finder.py). When every tracked face is that small, the frame's mesh is not run at all.
A tracked face too narrow for line art (`min_face_px` at 512 px, the teacher's) is not meshed: nothing is drawn on it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from celflow.core.line_art import smallest_lined_face
from celflow.generators.face_finder import SMALL_FACE, face_in_box, missed_boxes
from celflow.generators.face_mesh import Face, FaceMeshDetector

LOOK_EVERY = 10  # frames: a third of a second at 30 FPS before a newcomer's face is drawn
RECENTRE = 0.25  # a tracked face this share of its width off its crop's centre gets a new crop
# a face's mesh is mostly a little narrower than the detector's box of it, now and then a little wider: a box
# narrower than this share of `min_face_px` holds no face wide enough for line art
BOX_SLACK = 0.75


class FaceFollower:
    """Faces of consecutive frames of one video; not thread-safe, so give each thread its own."""

    def __init__(self, max_faces: int = 6, look_every: int = LOOK_EVERY, min_face_px: int = 0) -> None:
        self.max_faces = max_faces
        self.look_every = look_every
        self.min_face_px = min_face_px
        self._meshes: dict[int, FaceMeshDetector] = {}
        self._room = 1
        self._frames = 0
        self._short = 0  # frames in a row with fewer faces than there is room for
        self._crops: dict[int, tuple[int, int, int, int]] = {}  # person → the crop their face is fitted on
        self._crop_mesh: FaceMeshDetector | None = None

    @property
    def room(self) -> int:
        """How many faces the mesh of the next ordinary frame follows."""
        return self._room

    def _mesh(self, room: int) -> FaceMeshDetector:
        if room not in self._meshes:
            self._meshes[room] = FaceMeshDetector(max_faces=room, video=True)
        return self._meshes[room]

    def __call__(self, rgb: np.ndarray, tracked: Mapping[int, tuple[float, ...]] | None = None) -> list[Face]:
        """The faces of this frame: those the mesh follows, and those of `tracked` people (person → face box)
        that it missed, each fitted on a crop around their face; none of people whose face is too narrow for line
        art, and nothing at all when every tracked face is."""
        tracked = tracked or {}
        narrowest = BOX_SLACK * smallest_lined_face(self.min_face_px, rgb.shape)
        wide = {person: box for person, box in tracked.items() if box[2] - box[0] >= narrowest}
        if tracked and not wide:
            self._crops.clear()
            return []
        tracked = wide
        small = SMALL_FACE * min(rgb.shape[:2])
        # when every tracked face is small, each is fitted on its crop: the frame's mesh would run for nothing
        all_small = bool(tracked) and all(box[2] - box[0] < small for box in tracked.values())
        faces, refit = [], []  # a small face a tracked person's box holds is fitted on that person's crop
        for face in [] if all_small else self._follow(rgb):
            held = face.width < small and len(missed_boxes([face], list(tracked.values()))) < len(tracked)
            (refit if held else faces).append(face)
        for person in self._crops.keys() - tracked.keys():  # gone
            del self._crops[person]
        for person, box in tracked.items():
            if len(faces) >= self.max_faces or not missed_boxes(faces, [box]):
                continue
            face = self._fit(rgb, person, tuple(round(v) for v in box))
            if face is None:  # nothing fits on their crop: the frame's mesh of them, if it had one
                face = next((followed for followed in refit if not missed_boxes([followed], [box])), None)
            faces += [face] if face is not None else []
        return faces

    def _fit(self, rgb: np.ndarray, person: int, box: tuple[int, int, int, int]) -> Face | None:
        if self._crop_mesh is None:
            self._crop_mesh = FaceMeshDetector(max_faces=1)
        crop = self._crops.setdefault(person, box)
        shift = np.hypot((box[0] + box[2] - crop[0] - crop[2]) / 2, (box[1] + box[3] - crop[1] - crop[3]) / 2)
        if shift > RECENTRE * (crop[2] - crop[0]):
            crop = self._crops[person] = box
        return face_in_box(self._crop_mesh, rgb, box, around=crop)

    def _follow(self, rgb: np.ndarray) -> list[Face]:
        self._frames += 1
        looking = self._frames % self.look_every == 0 and self._room < self.max_faces
        room = self._room + 1 if looking else self._room
        faces = self._mesh(room)(rgb)
        self._short = self._short + 1 if len(faces) < self._room else 0
        if (looking and len(faces) > self._room) or self._short >= self.look_every:
            self._room, self._short = max(1, len(faces)), 0
        return faces

    def close(self) -> None:
        for mesh in [*self._meshes.values(), *([self._crop_mesh] if self._crop_mesh else [])]:
            mesh.close()
        self._meshes.clear()
        self._crops.clear()
        self._crop_mesh = None
