"""Character packs made and shared in the studio: a new pack from the default one with the user's colours,
and a pack folder as a zip to send to someone, or to take in from someone.

A pack written here is loaded back with `load_character` before it counts, so a pack the studio saves is one
every celflow command accepts. A zip is taken in only when each of its entries stays inside the new pack.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import yaml

from celflow.core.character import (
    CHARACTER_FILE,
    CharacterPackError,
    load_character,
)
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.studio.root import check_name, inside

PACK_FILES_LIMIT = 2000  # entries in one pack zip; a pack is a yaml, a few references and a LoRA


def write_new_pack(characters: Path, name: str, palette: list[str], skin_tone: str | None, description: str = "") -> Path:
    """ROOT/characters/NAME/character.yaml: the default pack with `palette` as its teacher's palette and
    `skin_tone` as its skin tone; files already in the folder (its references) are kept."""
    folder = inside(characters, check_name(name, "character"))
    base = load_character(DEFAULT_CHARACTER).model_dump(mode="json")
    base["name"] = name
    base["description"] = description or f"{name}: colours from its reference pictures"
    base["teacher"]["palette"] = list(palette)
    if skin_tone is not None:
        base["skin"]["tone"] = skin_tone
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CHARACTER_FILE
    previous = path.read_bytes() if path.is_file() else None
    path.write_text(yaml.safe_dump(base, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        load_character(folder)
    except CharacterPackError:
        if previous is None:
            path.unlink()
        else:
            path.write_bytes(previous)
        raise
    return folder


def pack_zip(folder: Path) -> bytes:
    """The pack folder as a zip whose entries sit in one folder named after the pack; hidden files left out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not path.is_symlink() and not any(part.startswith(".") for part in relative.parts):
                archive.write(path, f"{folder.name}/{relative.as_posix()}")
    return buffer.getvalue()


def _pack_entries(archive: zipfile.ZipFile) -> tuple[str, list[zipfile.ZipInfo]]:
    """The top folder every entry lies in ('' for none) and the file entries; ValueError for any unsafe entry."""
    infos = archive.infolist()
    if len(infos) > PACK_FILES_LIMIT:
        raise ValueError(f"pack zip: {len(infos)} entries; a pack holds at most {PACK_FILES_LIMIT}")
    files = []
    for info in infos:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in info.filename or ":" in info.filename:
            raise ValueError(f"pack zip: entry {info.filename!r} would be written outside the pack")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ValueError(f"pack zip: entry {info.filename!r} is a symbolic link")
        if not info.is_dir():
            files.append(info)
    tops = {PurePosixPath(info.filename).parts[0] for info in files}
    top = tops.pop() if len(tops) == 1 and all(len(PurePosixPath(i.filename).parts) > 1 for i in files) else ""
    if not any(info.filename == f"{top}/{CHARACTER_FILE}".lstrip("/") for info in files):
        raise ValueError(f"pack zip: no {CHARACTER_FILE} at its top (a pack folder zipped, as the studio exports it)")
    return top, files


def import_pack_zip(data: bytes, characters: Path, unpack_limit: int) -> Path:
    """Unpack a pack zip into ROOT/characters/NAME, NAME being the pack's own name; refuses to replace a pack.

    It is unpacked into a hidden folder first and loaded with `load_character`; only a valid pack is moved in.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError("pack zip: not a zip file") from error
    with archive:
        top, files = _pack_entries(archive)
        if sum(info.file_size for info in files) > unpack_limit:
            raise ValueError(f"pack zip: unpacks to more than {unpack_limit // (1024 * 1024)} MB")
        characters.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".import-", dir=characters) as staging:
            unpacked = Path(staging) / "pack"
            for info in files:
                relative = PurePosixPath(info.filename).relative_to(top) if top else PurePosixPath(info.filename)
                target = unpacked.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink)
            name = check_name(load_character(unpacked).name, "character")
            destination = inside(characters, name)
            if destination.exists():
                raise FileExistsError(f"character {name!r}: a pack of that name is already in the studio")
            unpacked.rename(destination)
    return destination
