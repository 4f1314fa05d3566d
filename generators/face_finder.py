"""Every face in a photo, each with its mesh, so that no face is left unwarped without anyone knowing.

The face mesh's own detector is short-range: in a group photo it misses faces that are small in the frame.
mediapipe's full-range face detector finds those; the mesh is then fitted again on an enlarged crop around
each face it missed. A face that still gets no mesh is reported, and the caller rejects the photo.

A small face the mesh does find is fitted again on a crop too: found on the whole photo, the mesh is placed from a
detection a few pixels wide in the detector's view, and on faces narrower than SMALL_FACE of the photo's short
side it often lands tilted or a little beside the face (the lips drawn beside the mouth), which a crop, where the
face fills the view, does not (`tests/generators/test_face_finder.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from celflow.generators.face_mesh import Face, FaceMeshDetector

Box = tuple[int, int, int, int]  # (x0, y0, x1, y1) in pixels
CROP_SIDE = 3.0  # the crop the mesh is re-fitted on is this many detection-box sides wide
MESH_INPUT_SIDE = 384  # … and is resized to this side, so a small face fills the mesh detector's view
SMALL_FACE = 0.2  # faces narrower than this share of the photo's short side are fitted again on a crop


@dataclass(frozen=True)
class FacesInPhoto:
    """The faces with a mesh, and the boxes of faces the detector saw but no mesh could be fitted to."""

    faces: list[Face]
    unfitted: list[Box]


def _inside(point: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def missed_boxes(faces: list[Face], boxes: list[Box]) -> list[Box]:
    """The detector's face boxes whose centre lies in no meshed face: the faces the mesh missed."""
    centres = [np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]) for b in boxes]
    return [box for box, centre in zip(boxes, centres) if not any(_inside(centre, face.box) for face in faces)]


def face_in_box(crop_mesh: FaceMeshDetector, rgb: np.ndarray, box: Box, around: Box | None = None) -> Face | None:
    """The mesh of the face in `box`, fitted by `crop_mesh` (room for one face) on an enlarged crop around it (or
    around the box `around`: a video keeps one crop while the face stays in it), in photo pixels; None if none
    fits."""
    height, width = rgb.shape[:2]
    anchor = box if around is None else around
    centre = np.array([(anchor[0] + anchor[2]) / 2, (anchor[1] + anchor[3]) / 2])
    half = CROP_SIDE * max(anchor[2] - anchor[0], anchor[3] - anchor[1]) / 2
    x0, y0 = np.maximum(np.round(centre - half).astype(int), 0)
    x1, y1 = np.minimum(np.round(centre + half).astype(int), [width, height])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    scale = MESH_INPUT_SIDE / max(x1 - x0, y1 - y0)
    crop = cv2.resize(rgb[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    for face in crop_mesh(crop):
        points = face.points / scale + np.array([x0, y0], np.float32)
        if _inside(points.mean(0), box):
            return Face(points=points.astype(np.float32))
    return None


class FaceFinder:
    """Holds a face mesh, a crop mesh and a full-range face detector; not thread-safe (mediapipe graphs)."""

    def __init__(self, max_faces: int = 4, min_confidence: float = 0.5) -> None:
        from celflow.generators.mediapipe_import import import_solution

        self._mesh = FaceMeshDetector(max_faces=max_faces, min_confidence=min_confidence)
        self._crop_mesh = FaceMeshDetector(max_faces=1, min_confidence=min_confidence)
        self._detector = import_solution("face_detection").FaceDetection(
            model_selection=1, min_detection_confidence=min_confidence  # 1: the full-range model
        )

    def detect_boxes(self, rgb: np.ndarray) -> list[Box]:
        """Face boxes from the full-range detector (no landmarks)."""
        height, width = rgb.shape[:2]
        boxes = []
        for detection in self._detector.process(np.ascontiguousarray(rgb)).detections or []:
            box = detection.location_data.relative_bounding_box
            x0, y0 = max(0, round(box.xmin * width)), max(0, round(box.ymin * height))
            x1 = min(width, round((box.xmin + box.width) * width))
            y1 = min(height, round((box.ymin + box.height) * height))
            boxes.append((x0, y0, x1, y1))
        return boxes

    def __call__(self, rgb: np.ndarray) -> FacesInPhoto:
        boxes = self.detect_boxes(rgb)
        small = SMALL_FACE * min(rgb.shape[:2])
        faces = [face if face.width >= small else self._refit(rgb, face, boxes) for face in self._mesh(rgb)]
        unfitted = []
        for box in boxes:
            if not missed_boxes(faces, [box]):  # one the mesh found, or one fitted a moment ago
                continue
            face = face_in_box(self._crop_mesh, rgb, box)
            if face is None:
                unfitted.append(box)
            else:
                faces.append(face)
        return FacesInPhoto(faces=faces, unfitted=unfitted)

    def _refit(self, rgb: np.ndarray, face: Face, boxes: list[Box]) -> Face:
        """`face` fitted again on a crop around the detector's box of it (its own box when the detector has none),
        or as it was when no mesh fits there."""
        own = next((box for box in boxes if not missed_boxes([face], [box])), None)
        anchor = own if own is not None else tuple(round(v) for v in face.box)
        refit = face_in_box(self._crop_mesh, rgb, anchor)
        return refit if refit is not None else face

    def close(self) -> None:
        self._mesh.close()
        self._crop_mesh.close()
        self._detector.close()
