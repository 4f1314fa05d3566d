"""New training photos from one real photo: framing, light, white balance, skin tone, camera noise and JPEG.

Applied before the teacher, so the teacher draws the changed photo and each pair stays consistent, while the
student meets light, cameras and skin tones that a few real photos do not show. Without this, a student
trained on a handful of light-skinned faces in soft light learns that faces are light and lit from the front.
"""

from __future__ import annotations

import albumentations as A
import cv2
import numpy as np

# Linear-light gain on skin-like pixels, drawn log-uniformly: from a much darker skin to a lighter one.
SKIN_GAIN_RANGE = (0.2, 1.8)
SKIN_CHANGE_SHARE = 0.6  # of variants whose skin tone changes; the rest keep the person's own
# A soft YCrCb box around skin colours of every tone (Chai & Ngan's Cr 133–173, Cb 77–127, widened for warm
# photos and ruddy skin), so lips and shadows change with the cheeks and the face stays one person.
SKIN_CR, SKIN_CB, SKIN_EDGE = (130.0, 190.0), (70.0, 132.0), 8.0


def skin_likeness(rgb: np.ndarray) -> np.ndarray:
    """H×W float32 in [0, 1]: how skin-coloured each pixel is, smoothed so a change has no hard edge."""
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb).astype(np.float32)

    def inside(values: np.ndarray, low: float, high: float) -> np.ndarray:
        return np.clip(np.minimum(values - low, high - values) / SKIN_EDGE + 0.5, 0.0, 1.0)

    likeness = inside(ycrcb[..., 1], *SKIN_CR) * inside(ycrcb[..., 2], *SKIN_CB)
    sigma = max(rgb.shape[:2]) / 200.0
    return cv2.GaussianBlur(likeness, (0, 0), sigma) if sigma >= 0.5 else likeness


def change_skin_tone(rgb: np.ndarray, gain: float) -> np.ndarray:
    """The photo with its skin-coloured pixels made darker (gain < 1) or lighter (gain > 1) in linear light.

    Darker is a plain gain in linear light (less light reflected, as darker skin does); lighter follows
    x·g / (1 + x·(g − 1)), which has slope g in the shadows but keeps white white, so highlights do not clip.
    """
    linear = (rgb.astype(np.float32) / 255.0) ** 2.2
    changed = linear * gain if gain <= 1.0 else linear * gain / (1.0 + linear * (gain - 1.0))
    weight = skin_likeness(rgb)[..., None]
    mixed = linear + weight * (changed - linear)
    return np.round(np.clip(mixed, 0.0, 1.0) ** (1 / 2.2) * 255.0).astype(np.uint8)


def variant_transform(side: int, seed: int) -> A.Compose:
    """Framing (zoom, small rotation, shift, flip) to side×side, then light, white balance, noise and JPEG."""
    return A.Compose(
        [
            A.Affine(scale=(0.8, 1.15), rotate=(-12, 12), translate_percent=(-0.08, 0.08), border_mode=cv2.BORDER_REFLECT_101, p=1.0),
            A.RandomResizedCrop(size=(side, side), scale=(0.45, 1.0), ratio=(0.8, 1.25), p=1.0),
            A.HorizontalFlip(p=0.5),
            A.Illumination(mode="linear", intensity_range=(0.05, 0.2), effect_type="both", p=0.4),  # light from one side
            A.PlanckianJitter(mode="blackbody", temperature_limit=(4000, 8000), p=0.4),  # white balance
            A.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.6),
            A.RandomGamma(gamma_limit=(75, 130), p=0.3),
            A.HueSaturationValue(hue_shift_limit=5, sat_shift_limit=15, val_shift_limit=0, p=0.4),
            A.GaussNoise(std_range=(0.01, 0.04), p=0.3),
            A.ImageCompression(quality_range=(45, 95), p=0.4),
        ],
        seed=seed,
    )


def photo_variants(rgb: np.ndarray, count: int, seed: int, side: int) -> list[np.ndarray]:
    """`count` new side×side photos from one RGB photo, a function of `seed` alone."""
    rng = np.random.default_rng(seed)
    transform = variant_transform(side, seed)
    low, high = np.log(SKIN_GAIN_RANGE)
    variants = []
    for _ in range(count):
        photo = rgb
        if rng.random() < SKIN_CHANGE_SHARE:
            photo = change_skin_tone(photo, float(np.exp(rng.uniform(low, high))))
        variants.append(transform(image=photo)["image"])
    return variants
