"""Pure image operations around diffusion: the size SD works at, and the mask composition of two passes."""

from __future__ import annotations

import cv2
import numpy as np

LATENT_STEP = 8  # the VAE halves the image three times: sides must be multiples of 8


def diffusion_size(height: int, width: int, resolution: int) -> tuple[int, int]:
    """(height, width) with the longer side at `resolution`, both multiples of 8."""
    scale = resolution / max(height, width)
    return tuple(max(LATENT_STEP, round(side * scale / LATENT_STEP) * LATENT_STEP) for side in (height, width))


def resize_rgb(rgb: np.ndarray, height: int, width: int) -> np.ndarray:
    shrinking = height * width < rgb.shape[0] * rgb.shape[1]
    return cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)


def compose_with_mask(person: np.ndarray, background: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """person where the mask is 1, background where it is 0, blended between; mask-0 pixels are exactly `background`."""
    alpha = person_mask.astype(np.float32)[..., None]
    blended = person.astype(np.float32) * alpha + background.astype(np.float32) * (1.0 - alpha)
    return np.clip(np.round(blended), 0, 255).astype(np.uint8)


def float_image_to_uint8(image: np.ndarray) -> np.ndarray:
    """diffusers' `output_type="np"` (float in [0, 1]) → uint8."""
    return np.clip(np.round(image * 255), 0, 255).astype(np.uint8)
