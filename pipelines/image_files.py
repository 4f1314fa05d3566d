"""Writing images at the pipeline's edge: RGB or grey arrays to PNG/JPEG, atomically, failing loudly."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from celflow.atomic import atomic_path


def write_image(path: Path, image: np.ndarray) -> None:
    """Write H×W×3 RGB or H×W grey uint8 to `path` (format from its suffix) via a temporary file."""
    bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    with atomic_path(Path(path)) as tmp:  # the temporary name keeps the suffix that imwrite needs
        if not cv2.imwrite(str(tmp), bgr):
            raise OSError(f"{path}: could not write image")
