import pytest

from celflow.character import CharacterPackError, load_character


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


def test_bad_field_is_named_with_the_file(tmp_path):
    _pack(tmp_path, "name: x\nteacher:\n  kind: procedural\n  palette: ['#000000', '#ffffff']\n  shading_tones: 7\n")
    with pytest.raises(CharacterPackError, match=r"character\.yaml: teacher\.shading_tones: .*less than or equal to 3"):
        load_character(tmp_path)


def test_unknown_field_is_refused(tmp_path):
    _pack(tmp_path, "name: x\nteacher:\n  palette: ['#000000', '#ffffff']\ngeometry:\n  eye_scael: 1.2\n")
    with pytest.raises(CharacterPackError, match=r"geometry\.eye_scael"):
        load_character(tmp_path)


def test_bad_colour_is_refused(tmp_path):
    _pack(tmp_path, "name: x\nteacher:\n  palette: ['#000000', 'red']\n")
    with pytest.raises(CharacterPackError, match=r"teacher\.palette\.1"):
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
