"""Contact sheets: rows of images side by side under column titles, for people to judge a run at a glance."""

from __future__ import annotations

import cv2
import numpy as np

TITLE_HEIGHT = 28


def _fit_height(rgb: np.ndarray, height: int) -> np.ndarray:
    width = max(1, round(rgb.shape[1] * height / rgb.shape[0]))
    return cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)


def _title(text: str, width: int) -> np.ndarray:
    strip = np.full((TITLE_HEIGHT, width, 3), 255, np.uint8)
    cv2.putText(strip, text, (6, TITLE_HEIGHT - 9), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (20, 20, 20), 1, cv2.LINE_AA)
    return strip


def contact_sheet(rows: list[tuple[np.ndarray, ...]], titles: tuple[str, ...], cell_height: int = 256) -> np.ndarray:
    """One RGB image: a title strip per column, then each row's images scaled to `cell_height`."""
    if not rows:
        raise ValueError("contact sheet needs at least one row")
    fitted = [[_fit_height(image, cell_height) for image in row] for row in rows]
    widths = [max(row[i].shape[1] for row in fitted) for i in range(len(titles))]
    header = np.hstack([_title(title, width) for title, width in zip(titles, widths)])
    body = [
        np.hstack([np.pad(img, ((0, 0), (0, w - img.shape[1]), (0, 0)), constant_values=255) for img, w in zip(row, widths)])
        for row in fitted
    ]
    return np.vstack([header, *body])
