"""Finding people: mediapipe's full-range face detector (its weights ship inside the mediapipe wheel)."""

from __future__ import annotations

import numpy as np

from celflow.realtime.records import Box, Detection


class FaceDetector:
    """Holds one mediapipe face-detection graph (full range: faces up to ~5 m away); not thread-safe."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        from celflow.generators.mediapipe_import import import_solution

        self._detector = import_solution("face_detection").FaceDetection(
            model_selection=1, min_detection_confidence=min_confidence
        )

    def __call__(self, rgb: np.ndarray) -> list[Detection]:
        height, width = rgb.shape[:2]
        result = self._detector.process(np.ascontiguousarray(rgb))
        detections = []
        for found in result.detections or []:
            box = found.location_data.relative_bounding_box
            x0, y0 = max(box.xmin, 0.0) * width, max(box.ymin, 0.0) * height
            x1, y1 = min(box.xmin + box.width, 1.0) * width, min(box.ymin + box.height, 1.0) * height
            if x1 > x0 and y1 > y0:
                detections.append(Detection((x0, y0, x1, y1), float(found.score[0])))
        return detections

    def close(self) -> None:
        self._detector.close()


def person_box(face: Box, shape: tuple[int, ...], margin: float = 0.25) -> tuple[int, int, int, int]:
    """Integer (x0, y0, x1, y1) of the head, shoulders and chest below a face box, widened by `margin`, in the frame.

    Proportions of a head-and-shoulders portrait: hair above the face box, shoulders about three face
    widths across, chest about two face heights below the chin.
    """
    x0, y0, x1, y1 = face
    width, height = x1 - x0, y1 - y0
    centre = (x0 + x1) / 2
    half = 1.5 * width * (1 + margin)
    box = (centre - half, y0 - (0.6 + margin) * height, centre + half, y1 + (2.0 + margin) * height)
    limits = (shape[1], shape[0], shape[1], shape[0])
    return tuple(int(np.clip(round(v), 0, limit)) for v, limit in zip(box, limits))
