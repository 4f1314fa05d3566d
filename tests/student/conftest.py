"""A tiny real pairs folder: astronaut crops of 64–96 px, each with a deterministic posterising 'teacher'."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from torch import nn

from celflow.core.pair_folder import (
    INPUT_FILE,
    MASK_FILE,
    PAIR_RECORD_FILE,
    TARGET_FILE,
    Manifest,
    PairRecord,
    write_manifest,
)
from celflow.student.unet import StudentConfig, StudentUNet
from tests.conftest import save_rgb

# (top, left, side) of a square in the 512² astronaut, and the (height, width) it is resized to.
# Some sizes are not multiples of the student's stride, so evaluation has to pad.
CROPS = [
    ((0, 0, 512), (96, 96)),
    ((40, 120, 256), (64, 88)),
    ((200, 0, 300), (75, 93)),
    ((100, 180, 320), (88, 64)),
    ((256, 256, 256), (80, 80)),
    ((0, 256, 256), (72, 96)),
    ((150, 150, 200), (96, 71)),
    ((300, 100, 200), (64, 64)),
]


def randomised_student(config: StudentConfig = StudentConfig()) -> StudentUNet:
    """A seeded student whose head is not zero, so its output depends on every layer (an untrained one copies)."""
    torch.manual_seed(0)
    model = StudentUNet(config).eval()
    nn.init.normal_(model.head.weight, std=0.5)
    return model


def posterize_teacher(rgb: np.ndarray) -> np.ndarray:
    """Smooth, then four levels a channel: flat colour regions like a cel-shaded target, fully deterministic."""
    smooth = cv2.bilateralFilter(rgb, d=5, sigmaColor=40, sigmaSpace=5)
    return (smooth // 64 * 64 + 32).astype(np.uint8)


def write_pair(
    pairs_dir: Path, pair_id: str, photo: np.ndarray, target: np.ndarray, mask: np.ndarray | None = None
) -> PairRecord:
    """One pair folder in the celflow.core.pair_folder layout (without `mask`, the mask covers the whole photo)."""
    pair_dir = pairs_dir / pair_id
    save_rgb(pair_dir / INPUT_FILE, photo)
    save_rgb(pair_dir / TARGET_FILE, target)
    cv2.imwrite(str(pair_dir / MASK_FILE), np.full(photo.shape[:2], 255, np.uint8) if mask is None else mask)
    record = PairRecord(
        pair_id=pair_id,
        source=f"astronaut-{pair_id}",
        source_sha256="0" * 64,
        character="posterize",
        character_sha256="0" * 64,
        width=photo.shape[1],
        height=photo.shape[0],
        faces=1,
        person_coverage=1.0,
        teacher_ms=1.0,
    )
    (pair_dir / PAIR_RECORD_FILE).write_text(record.model_dump_json(), encoding="utf-8")
    return record


def write_pairs_folder(
    pairs_dir: Path, photos: list[np.ndarray], targets: list[np.ndarray], masks: list[np.ndarray] | None = None
) -> Path:
    records = [
        write_pair(pairs_dir, f"pair-{index:02d}", photo, target, masks[index] if masks else None)
        for index, (photo, target) in enumerate(zip(photos, targets, strict=True))
    ]
    write_manifest(pairs_dir, Manifest(character="posterize", pairs=records, rejected=[]))
    return pairs_dir


def astronaut_crops(astronaut: np.ndarray) -> list[np.ndarray]:
    return [
        cv2.resize(astronaut[top : top + side, left : left + side], (width, height), interpolation=cv2.INTER_AREA)
        for (top, left, side), (height, width) in CROPS
    ]


@pytest.fixture(scope="session")
def pairs_dir(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> Path:
    """Eight astronaut pairs whose target is `posterize_teacher(input)`."""
    photos = astronaut_crops(astronaut)
    return write_pairs_folder(tmp_path_factory.mktemp("pairs"), photos, [posterize_teacher(p) for p in photos])


@pytest.fixture(scope="session")
def inverted_pairs_dir(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> Path:
    """Pairs whose target is 255 − input: any geometric mismatch between the two sides breaks that identity."""
    photos = astronaut_crops(astronaut)
    return write_pairs_folder(tmp_path_factory.mktemp("inverted"), photos, [255 - photo for photo in photos])


def bright_mask(rgb: np.ndarray) -> np.ndarray:
    """A stand-in 'person' mask the photo itself decides (its bright blobs): learnable by a tiny alpha head."""
    blurred = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (0, 0), 4)
    return np.where(blurred > 110, 255, 0).astype(np.uint8)


@pytest.fixture(scope="session")
def masked_pairs_dir(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> Path:
    """The posterised pairs with `bright_mask` as their person mask."""
    photos = astronaut_crops(astronaut)
    targets, masks = [posterize_teacher(p) for p in photos], [bright_mask(p) for p in photos]
    return write_pairs_folder(tmp_path_factory.mktemp("masked"), photos, targets, masks)
