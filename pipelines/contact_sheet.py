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


def captioned_grid(images: list[np.ndarray], captions: list[str], cell_height: int = 160, columns: int = 6) -> np.ndarray:
    """Thumbnails in rows of `columns`, each with its caption above it (e.g. a rejected photo and the reason)."""
    if not images or len(images) != len(captions):
        raise ValueError("captioned grid needs as many captions as images, and at least one")
    cells = [np.vstack([_title(text, cell_height * 4 // 3), _fit_box(image, cell_height)]) for image, text in zip(images, captions)]
    columns = min(columns, len(cells))
    cells += [np.full_like(cells[0], 255)] * (-len(cells) % columns)
    return np.vstack([np.hstack(cells[i : i + columns]) for i in range(0, len(cells), columns)])


def _fit_box(rgb: np.ndarray, height: int) -> np.ndarray:
    """`rgb` scaled to fit a height × 4/3 height box, centred on white: grid cells line up whatever the shape."""
    width = height * 4 // 3
    scale = min(height / rgb.shape[0], width / rgb.shape[1])
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    box = np.full((height, width, 3), 255, np.uint8)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    box[top : top + small.shape[0], left : left + small.shape[1]] = small
    return box


def stack_sections(sections: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """Sheets one under the other, each under its own heading, padded with white to the widest."""
    width = max(sheet.shape[1] for _, sheet in sections)
    parts = []
    for heading, sheet in sections:
        parts.append(_title(heading, width))
        parts.append(np.pad(sheet, ((0, 0), (0, width - sheet.shape[1]), (0, 0)), constant_values=255))
    return np.vstack(parts)
