"""The diffusion blocks of character.yaml: pack-relative paths, hashes that follow the weights, clear errors."""

from __future__ import annotations

import pytest

from celflow.core.character import CharacterPackError, load_character
from tests.generators.diffusion.conftest import write_pack


@pytest.fixture
def base_model(tmp_path):
    """A folder standing in for a base model: the spec checks that it exists, not what is in it."""
    folder = tmp_path / "models" / "sd15"
    folder.mkdir(parents=True)
    return folder


def test_lora_path_is_relative_to_the_pack_folder(tmp_path, base_model, monkeypatch):
    pack = write_pack(
        tmp_path / "pack", {"kind": "diffusion", "base_model": str(base_model), "lora": "mina.safetensors"}
    )
    (pack / "mina.safetensors").write_bytes(b"weights v1")
    monkeypatch.chdir(tmp_path)  # not the pack folder
    teacher = load_character(pack).teacher
    assert teacher.kind == "diffusion"
    assert teacher.resolve(teacher.lora) == pack / "mina.safetensors"


def test_character_hash_changes_when_the_lora_is_retrained(tmp_path, base_model):
    pack = write_pack(tmp_path / "pack", {"kind": "diffusion", "base_model": str(base_model), "lora": "lora"})
    (pack / "lora").mkdir()
    (pack / "lora" / "pytorch_lora_weights.safetensors").write_bytes(b"weights v1")
    before = load_character(pack).sha256
    assert load_character(pack).sha256 == before
    (pack / "lora" / "pytorch_lora_weights.safetensors").write_bytes(b"weights v2")
    assert load_character(pack).sha256 != before


def test_hash_does_not_depend_on_where_the_pack_lives(tmp_path, base_model):
    packs = [
        write_pack(tmp_path / where, {"kind": "diffusion", "base_model": str(base_model), "lora": "l.safetensors"})
        for where in "ab"
    ]
    for pack in packs:
        (pack / "l.safetensors").write_bytes(b"same weights")
    assert load_character(packs[0]).sha256 == load_character(packs[1]).sha256


@pytest.mark.parametrize(
    ("teacher", "message"),
    [
        ({"lora": "missing.safetensors"}, r"character\.yaml: teacher: .*lora: .*missing\.safetensors not found"),
        (
            {"controlnet": {"model": "./controlnet-canny"}},
            r"teacher: .*controlnet\.model: .*controlnet-canny not found",
        ),
        ({"base_model": "./no-such-model"}, r"teacher: .*base_model: .*no-such-model not found"),
        ({"person": {"strength": 0.01}}, r"teacher: .*person\.strength: 0\.01 × 4 steps is less than one step"),
        ({"steps": 0}, r"teacher\.steps: Input should be greater than or equal to 1"),
        ({"kind": "dall-e"}, r"teacher: .*kind must be one of procedural, diffusion, instruct-pix2pix"),
    ],
)
def test_bad_diffusion_pack_names_the_file_and_the_field(tmp_path, base_model, teacher, message):
    pack = write_pack(tmp_path / "pack", {"kind": "diffusion", "base_model": str(base_model), **teacher})
    with pytest.raises(CharacterPackError, match=message):
        load_character(pack)


def test_hub_id_base_model_is_accepted_without_touching_the_network(tmp_path):
    pack = write_pack(
        tmp_path / "pack",
        {"kind": "instruct-pix2pix", "base_model": "timbrooks/instruct-pix2pix", "instruction": "make the jacket red"},
    )
    teacher = load_character(pack).teacher
    assert teacher.model_source(teacher.base_model) == "timbrooks/instruct-pix2pix"


def test_pack_without_teacher_kind_is_still_procedural(tmp_path):
    (tmp_path / "character.yaml").write_text("name: old\nteacher:\n  palette: ['#000000', '#ffffff']\n")
    assert load_character(tmp_path).teacher.kind == "procedural"
