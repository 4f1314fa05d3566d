"""The diffusion teachers behind the real Prefect generate flow, exactly where the procedural one runs."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from celflow.cli import app
from celflow.core.pair_folder import TARGET_FILE
from tests.conftest import save_rgb
from tests.generators.diffusion.conftest import write_pack


@pytest.fixture(scope="module")
def photos(tmp_path_factory, hopper, astronaut):
    folder = tmp_path_factory.mktemp("photos")
    save_rgb(folder / "hopper.jpg", cv2.resize(hopper, (192, 192)))
    save_rgb(folder / "astronaut.jpg", cv2.resize(astronaut[0:300, 80:380], (192, 192)))  # a face over 48 px
    return folder


def _generate(photos, pairs, pack):
    from celflow.pipelines.generate import generate_flow

    manifest = generate_flow(photos, pairs, character=str(pack), max_side=192, progress=False)
    assert len(manifest.pairs) == 2 and not manifest.rejected, manifest
    return manifest, {r.pair_id: cv2.imread(str(pairs / r.pair_id / TARGET_FILE)) for r in manifest.pairs}


def test_trained_lora_changes_the_pairs_and_one_seed_repeats_them(
    prefect_server, tmp_path, tiny_sd, reference_images, photos
):
    pack = write_pack(tmp_path / "mina", {"kind": "diffusion", "base_model": str(tiny_sd), "trigger_word": "sks"})
    trained = CliRunner().invoke(
        app,
        [
            "character",
            "train",
            str(pack),
            "--images",
            str(reference_images),
            "--steps",
            "4",
            "--resolution",
            "64",
            "--lr",
            "1e-2",
            "--sample-every",
            "4",
            "--sample-steps",
            "2",
            "--no-progress",
        ],
    )
    assert trained.exit_code == 0, trained.output
    without_lora, plain = _generate(photos, tmp_path / "plain", pack)

    settings = yaml.safe_load((pack / "character.yaml").read_text())
    settings["teacher"]["lora"] = "lora"
    (pack / "character.yaml").write_text(yaml.safe_dump(settings))
    with_lora, styled = _generate(photos, tmp_path / "with_lora", pack)
    _, again = _generate(photos, tmp_path / "again", pack)

    assert without_lora.pairs[0].character_sha256 != with_lora.pairs[0].character_sha256
    for pair_id, target in styled.items():
        assert target.shape == (192, 192, 3)
        assert np.array_equal(target, again[pair_id])
        difference = np.abs(target.astype(int) - plain[pair_id]).mean()
        print(f"{pair_id}: LoRA changes the target by {difference:.2f} levels on average")
        assert difference > 1.0


def test_instruct_pix2pix_teacher_makes_pairs_through_the_generate_flow(
    prefect_server, tmp_path, tiny_instruct_pix2pix, photos
):
    pack = write_pack(
        tmp_path / "red-jacket",
        {"kind": "instruct-pix2pix", "base_model": str(tiny_instruct_pix2pix), "instruction": "make the jacket red"},
    )
    manifest, targets = _generate(photos, tmp_path / "pairs", pack)
    for record in manifest.pairs:
        photo = cv2.imread(str(photos / record.source.split("/")[-1]))
        assert targets[record.pair_id].shape == photo.shape
        assert not np.array_equal(targets[record.pair_id], photo)
