"""Face landmarks from mediapipe's 478-point face mesh, whose weights ship inside the mediapipe wheel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Landmark indices of mediapipe's canonical face mesh (mediapipe/python/solutions/face_mesh_connections.py).
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
             148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
RIGHT_BROW = (46, 52, 53, 55, 63, 65, 66, 70, 105, 107)
LEFT_BROW = (276, 282, 283, 285, 293, 295, 296, 300, 334, 336)
RIGHT_IRIS = (468, 469, 470, 471, 472)
LEFT_IRIS = (473, 474, 475, 476, 477)
LIPS_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
NOSE = (1, 2, 4, 5, 6, 19, 45, 48, 64, 94, 97, 98, 115, 168, 195, 197, 220, 275, 278, 294, 326, 327, 344, 440)
# Bare skin the colour model is fitted on: both cheeks and the lower forehead (clear of hats and fringes).
RIGHT_CHEEK = (117, 118, 101, 36, 205, 187, 123)
LEFT_CHEEK = (346, 347, 330, 266, 425, 411, 352)
FOREHEAD = (108, 151, 337, 336, 9, 107)
NOSE_TIP = 1
CHIN = 152
FOREHEAD_TOP = 10
MESH_POINTS = 478


@dataclass(frozen=True)
class Face:
    """One detected face: 478 landmark positions in pixels, (x, y) per row."""

    points: np.ndarray

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the face oval."""
        oval = self.points[list(FACE_OVAL)]
        return (*oval.min(0), *oval.max(0))

    @property
    def width(self) -> float:
        x0, _, x1, _ = self.box
        return float(x1 - x0)

    def person_box(self, shape: tuple[int, int]) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in pixels where this face's person most likely is: head, shoulders and chest."""
        x0, y0, x1, y1 = self.box
        width, height = x1 - x0, y1 - y0
        centre = (x0 + x1) / 2
        box = (centre - 1.6 * width, y0 - 0.6 * height, centre + 1.6 * width, y1 + 3.0 * height)
        limits = (shape[1], shape[0], shape[1], shape[0])
        return tuple(int(np.clip(round(v), 0, limit)) for v, limit in zip(box, limits))

    def eye_centre_and_width(self, contour: tuple[int, ...]) -> tuple[np.ndarray, float]:
        eye = self.points[list(contour)]
        return eye.mean(0), float(np.ptp(eye[:, 0]))


class FaceMeshDetector:
    """Holds one mediapipe face-mesh graph; not thread-safe, so give each worker thread its own.

    `video`: the frames are consecutive frames of one video; faces found in one are followed into the next by
    the mesh alone, and the face detector runs only when a face is lost.
    """

    def __init__(self, max_faces: int = 4, min_confidence: float = 0.5, video: bool = False) -> None:
        from celflow.generators.mediapipe_import import import_solution

        self._mesh = import_solution("face_mesh").FaceMesh(
            static_image_mode=not video,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=min_confidence,
        )

    def __call__(self, rgb: np.ndarray) -> list[Face]:
        height, width = rgb.shape[:2]
        result = self._mesh.process(np.ascontiguousarray(rgb))
        faces = []
        for landmarks in result.multi_face_landmarks or []:
            xy = np.array([(p.x * width, p.y * height) for p in landmarks.landmark], dtype=np.float32)
            faces.append(Face(points=xy))
        return faces

    def close(self) -> None:
        self._mesh.close()
