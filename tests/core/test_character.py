import pytest

from celflow.core.character import CharacterPackError, load_character


def _pack(tmp_path, text):
    (tmp_path / "character.yaml").write_text(text)
    return tmp_path


def test_builtin_default_character_loads():
    character = load_character("default")
    assert character.name == "default"
    assert character.teacher.kind == "procedural"
    assert character.geometry.eye_scale > 1.0


def test_pack_folder_and_yaml_path_both_load(tmp_path):
    source = load_character().model_dump_json()
    import json

    import yaml

    _pack(tmp_path, yaml.safe_dump({**json.loads(source), "name": "mina"}))
    assert load_character(tmp_path).name == "mina"
    assert load_character(tmp_path / "character.yaml").name == "mina"


PALETTE = "teacher:\n  palette: ['#000000', '#ffffff']\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PALETTE + "  shading_tones: 7\n", r"character\.yaml: teacher\.shading_tones: .*less than or equal to 3"),
        (PALETTE + "geometry:\n  eye_scael: 1.2\n", r"character\.yaml: geometry\.eye_scael"),
        ("teacher:\n  palette: ['#000000', 'red']\n", r"character\.yaml: teacher\.palette\.1"),
        (PALETTE + "quality:\n  person_coverage: [0.9, 0.1]\n", r"character\.yaml: quality\.person_coverage: .*low < high"),
        (PALETTE + "group_photos: sometimes\n", r"character\.yaml: group_photos: .*crop_each"),
    ],
    ids=["out of range", "unknown field", "bad colour", "inverted coverage", "unknown group policy"],
)
def test_a_bad_pack_fails_naming_the_file_and_the_field(tmp_path, text, message):
    _pack(tmp_path, "name: x\n" + text)
    with pytest.raises(CharacterPackError, match=message):
        load_character(tmp_path)


def test_missing_pack_and_broken_yaml(tmp_path):
    with pytest.raises(CharacterPackError, match="no such character pack"):
        load_character("no-such-character")
    _pack(tmp_path, "name: [unclosed\n")
    with pytest.raises(CharacterPackError, match="not valid YAML"):
        load_character(tmp_path)


def test_hash_follows_settings_not_formatting():
    a = load_character()
    b = a.model_copy(update={"geometry": a.geometry.model_copy(update={"eye_scale": 1.0})})
    assert a.sha256 == load_character().sha256 and a.sha256 != b.sha256


def test_default_pack_sets_skin_background_quality_and_group_policy():
    character = load_character()
    assert character.skin is not None and character.background is not None
    assert character.group_photos in {"crop_each", "reject"}
    assert character.geometry.nose_scale != 1.0 and character.geometry.chin_length != 0.0
