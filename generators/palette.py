"""Colour helpers shared by teachers: hex palettes to RGB and Lab."""

from __future__ import annotations

import cv2
import numpy as np


def hex_to_rgb(colours: list[str]) -> np.ndarray:
    """['#rrggbb', …] → N×3 uint8 RGB."""
    return np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours], dtype=np.uint8)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (any leading shape, last axis 3) → float32 Lab in OpenCV's 8-bit scaling (L, a, b in 0..255)."""
    flat = rgb.reshape(-1, 1, 3).astype(np.uint8)
    return cv2.cvtColor(flat, cv2.COLOR_RGB2LAB).astype(np.float32).reshape(rgb.shape)


def rgb_to_cie_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB → float32 CIE Lab in its own units (L 0..100, a and b signed), where skin tone and colour
    differences are read; rgb_to_lab is OpenCV's 8-bit scaling."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """float Lab in OpenCV's 8-bit scaling → uint8 RGB."""
    return cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)
