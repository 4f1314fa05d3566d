"""Tiny random-weight diffusion models saved once per session, and character packs that use them."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
import yaml

from tests.conftest import save_rgb
from tests.generators.diffusion.tiny_models import (
    save_tiny_controlnet,
    save_tiny_instruct_pix2pix,
    save_tiny_stable_diffusion,
)

TINY_SETTINGS = {"resolution": 64, "steps": 4, "guidance_scale": 5.0}


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory) -> Path:
    return save_tiny_stable_diffusion(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture(scope="session")
def tiny_instruct_pix2pix(tmp_path_factory) -> Path:
    return save_tiny_instruct_pix2pix(tmp_path_factory.mktemp("models") / "tiny-ip2p")


@pytest.fixture(scope="session")
def tiny_controlnet(tiny_sd, tmp_path_factory) -> Path:
    return save_tiny_controlnet(tiny_sd, tmp_path_factory.mktemp("models") / "tiny-controlnet")


def write_pack(folder: Path, teacher: dict, name: str = "mina") -> Path:
    """A character pack folder whose teacher block is `teacher` (tiny sizes unless it says otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    tiny = TINY_SETTINGS if teacher.get("kind") != "procedural" else {}
    pack = {"name": name, "teacher": {**tiny, **teacher}}
    (folder / "character.yaml").write_text(yaml.safe_dump(pack, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def reference_images(tmp_path_factory, astronaut, hopper) -> Path:
    """Four reference crops of real portraits, one with its own caption file."""
    folder = tmp_path_factory.mktemp("references")
    crops = [astronaut[0:300, 100:400], astronaut[20:280, 150:410], hopper[40:340, 100:400], hopper[0:400, 56:456]]
    for index, crop in enumerate(crops):
        save_rgb(folder / f"ref{index}.png", cv2.resize(crop, (96, 96)))
    (folder / "ref0.txt").write_text("sks person in a white space suit\n", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny models gain nothing from intra-op threads; on a shared 2-core machine spinning threads cost 5×."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
