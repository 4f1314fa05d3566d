"""Characters at run time, and which tracked person wears which.

A character is a name bound to an exported student: `--characters anna=anna.onnx,ben=models/ben` where
each value is an ONNX file, a folder holding `student.onnx` (what `celflow export` and `celflow demo` write),
a `celflow distill` output folder (its newest `student/*/student.onnx`) or a student folder from `celflow
train` (run on PyTorch), or the bare name of a character whose base student ships with celflow (`default`);
without `name=` the name is the file's stem (or the folder's name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from celflow.core.base_students import base_student_folder
from celflow.core.defaults import STUDENT_ONNX_FILE

DISTILLED_MODELS = f"student/*/{STUDENT_ONNX_FILE}"  # `celflow distill` trains each new set of pairs into its own folder
Assignment = Literal["round-robin", "one-for-all"]


@dataclass(frozen=True)
class CastMember:
    """A character in the cast of a video: its name bound to the student that draws it."""

    name: str
    model: Path


def find_student(location: Path) -> Path:
    """The student a path names: an ONNX file, a folder's `student.onnx`, the newest student of a `celflow distill`
    output folder, or else the folder itself as a student folder (opening it says what it lacks)."""
    if not location.is_dir():
        return location
    if (location / STUDENT_ONNX_FILE).is_file():
        return location / STUDENT_ONNX_FILE
    distilled = sorted(location.glob(DISTILLED_MODELS), key=lambda path: path.stat().st_mtime)
    return distilled[-1] if distilled else location


def character_at(path: Path, name: str = "") -> CastMember:
    """The character whose student `path` names (see `find_student`), called `name` or after the file or folder."""
    shipped = base_student_folder(str(path)) if not path.exists() and len(path.parts) == 1 else None
    if shipped is not None:  # a bare character name whose base student ships with celflow, as ONNX beside it
        return CastMember(name or str(path), find_student(shipped))
    if not path.exists():
        raise FileNotFoundError(
            f"{f'{name}=' if name else ''}{path}: no ONNX student at {path}; a character's student is made by "
            f"`celflow distill PHOTOS/ OUT/ --character PACK` (then give OUT/) or `celflow demo`"
        )
    return CastMember(name or (path.name if path.is_dir() else path.stem), find_student(path))


def find_character(spec: str) -> CastMember:
    """`name=path` or `path` → the character and its student; a one-line error naming `spec` otherwise."""
    name, _, location = spec.rpartition("=")
    return character_at(Path(location), name)


def parse_characters(spec: str) -> list[CastMember]:
    """`a=x.onnx,b=dir` or `x.onnx,dir` → characters, each model found on disk; one-line errors name the part."""
    characters = [find_character(part) for part in filter(None, (p.strip() for p in spec.split(",")))]
    if not characters:
        raise ValueError(f"--characters {spec!r}: name at least one ONNX student")
    names = [c.name for c in characters]
    if len(set(names)) != len(names):
        raise ValueError(f"--characters {spec!r}: two characters share a name; write name=path for each")
    return characters


def parse_track_map(spec: str, names: list[str]) -> dict[int, str]:
    """`1=anna,2=ben` → {track id: character name}, every name checked against the loaded characters."""
    mapping = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        track_id, _, name = part.partition("=")
        if not track_id.strip().isdigit() or name not in names:
            raise ValueError(f"--assign {part!r}: expected TRACK_ID=NAME with NAME one of {', '.join(names)}")
        if int(track_id) < 1:
            raise ValueError(f"--assign {part!r}: people are numbered from 1, as the overlay labels them")
        mapping[int(track_id)] = name
    return mapping


@dataclass
class CharacterAssigner:
    """Gives each new track id a character and keeps it for the whole video, even after the person leaves."""

    names: list[str]
    policy: Assignment = "round-robin"
    explicit: dict[int, str] = field(default_factory=dict)
    _given: dict[int, str] = field(default_factory=dict)

    def __call__(self, track_id: int) -> str:
        if track_id not in self._given:
            if track_id in self.explicit:
                self._given[track_id] = self.explicit[track_id]
            elif self.policy == "one-for-all":
                self._given[track_id] = self.names[0]
            else:  # in order of appearance, skipping nobody: the n-th new person gets character n mod k
                automatic = len(self._given.keys() - self.explicit.keys())
                self._given[track_id] = self.names[automatic % len(self.names)]
        return self._given[track_id]

    def state(self) -> dict[int, str]:
        """The character each person seen so far wears."""
        return dict(self._given)

    def restore(self, given: dict[int, str]) -> None:
        """Take over what an earlier run gave; a character no longer loaded is given afresh on the next sighting."""
        self._given = {track_id: name for track_id, name in given.items() if name in self.names}
