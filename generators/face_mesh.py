"""Face landmarks from mediapipe's 478-point face mesh, whose weights ship inside the mediapipe wheel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Landmark indices of mediapipe's canonical face mesh (mediapipe/python/solutions/face_mesh_connections.py).
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
             148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
NOSE_TIP = 1
CHIN = 152
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

    def eye_centre_and_width(self, contour: tuple[int, ...]) -> tuple[np.ndarray, float]:
        eye = self.points[list(contour)]
        return eye.mean(0), float(np.ptp(eye[:, 0]))


class FaceMeshDetector:
    """Holds one mediapipe face-mesh graph; not thread-safe, so give each worker thread its own."""

    def __init__(self, max_faces: int = 4, min_confidence: float = 0.5) -> None:
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True,
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
