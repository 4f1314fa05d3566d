"""What the preview shows on top of the picture: speed, delay and who is who."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from celflow.realtime.records import Track

WHITE, BLACK, YELLOW = (255, 255, 255), (0, 0, 0), (255, 220, 0)


def _text(rgb: np.ndarray, text: str, origin: tuple[int, int], colour: tuple[int, int, int]) -> None:
    # dark outline under the text: readable on any picture
    cv2.putText(rgb, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.5, BLACK, 3, cv2.LINE_AA)
    cv2.putText(rgb, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA)


def draw_overlay(
    rgb: np.ndarray, fps: float, latency_ms: float, tracks: Sequence[Track], status: str = ""
) -> np.ndarray:
    """A copy of `rgb` with FPS, latency and `status` (e.g. the character and strength) at the top left and each
    person's id and character on their face box."""
    out = rgb.copy()
    _text(out, f"{fps:5.1f} FPS  {latency_ms:4.0f} ms  {status}".rstrip(), (8, 20), WHITE)
    for track in tracks:
        x0, y0, x1, y1 = (round(v) for v in track.box)
        cv2.rectangle(out, (x0, y0), (x1, y1), YELLOW, 1)
        _text(out, f"#{track.track_id} {track.character}", (x0, max(y0 - 6, 12)), YELLOW)
    return out
