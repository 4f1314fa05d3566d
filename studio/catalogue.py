"""What the studio can stylise with: the character packs installed, and the students trained for them.

Packs are the built-in ones and those under ROOT/characters/; students are the base students shipped with
celflow and every folder under ROOT/runs/ that holds one (a `celflow distill` output: the studio's distill
button writes ROOT/runs/PACK). Each student comes with its model card: the records written beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from celflow.core.base_students import BASE_STUDENTS, base_student_folder
from celflow.core.character import BUILTIN_CHARACTERS, CHARACTER_FILE
from celflow.core.defaults import STUDENT_ONNX_FILE
from celflow.realtime.characters import find_student
from celflow.studio.root import StudioRoot, check_name

# Records that say what a student is and how well it draws, in the order a reader wants them.
CARD_FILES = ("model_card.md", "distill_summary.json", "train_report.json", "student.json")
CARD_FILE_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Pack:
    name: str
    folder: Path
    built_in: bool


@dataclass(frozen=True)
class Student:
    """A student the studio can open: `name` is what the page shows and sends back; `pack` the character it draws."""

    name: str
    location: Path
    pack: str | None
    card: dict[str, object] = field(default_factory=dict)


def list_packs(root: StudioRoot) -> list[Pack]:
    """Built-in packs, then the root's own, each by name; a folder without character.yaml is not a pack yet."""
    packs = [Pack(folder.name, folder, True) for folder in sorted(BUILTIN_CHARACTERS.iterdir())
             if (folder / CHARACTER_FILE).is_file()]
    if root.characters.is_dir():
        packs += [Pack(folder.name, folder, False) for folder in sorted(root.characters.iterdir())
                  if (folder / CHARACTER_FILE).is_file()]
    return packs


def find_pack(root: StudioRoot, name: str) -> Pack:
    """The pack called `name`: the root's own before a built-in one of the same name."""
    check_name(name, "character")
    for pack in reversed(list_packs(root)):
        if pack.name == name:
            return pack
    raise FileNotFoundError(f"character {name!r}: no such pack in the studio")


def model_card(location: Path) -> dict[str, object]:
    """The records beside a student (its own folder, and the distill output above it), JSON parsed."""
    folders = [location.parent if location.is_file() else location]
    if folders[0].parent.name == "student":  # ROOT/runs/NAME/student/<fingerprint>/student.onnx
        folders.append(folders[0].parent.parent)
    card: dict[str, object] = {}
    for name in CARD_FILES:
        for folder in folders:
            path = folder / name
            if path.is_file() and path.stat().st_size <= CARD_FILE_LIMIT and name not in card:
                text = path.read_text(encoding="utf-8", errors="replace")
                try:
                    card[name] = json.loads(text) if name.endswith(".json") else text
                except json.JSONDecodeError:
                    card[name] = text
    return card


def _run_student(folder: Path) -> Path | None:
    student = find_student(folder)
    return student if student.is_file() and student.name == STUDENT_ONNX_FILE else None


def list_students(root: StudioRoot) -> list[Student]:
    """Every student the studio can open: the shipped base students, then the root's runs (a run named after a
    pack draws that pack); a run called like a base student takes its place."""
    packs = {pack.name for pack in list_packs(root)}
    runs = {}
    if root.runs.is_dir():
        for folder in sorted(root.runs.iterdir()):
            student = _run_student(folder) if folder.is_dir() else None
            if student is not None:
                runs[folder.name] = Student(folder.name, student, folder.name if folder.name in packs else None,
                                            model_card(student))
    shipped = []
    if BASE_STUDENTS.is_dir():
        for folder in sorted(BASE_STUDENTS.iterdir()):
            if folder.name not in runs and base_student_folder(folder.name) is not None:
                shipped.append(Student(folder.name, folder, folder.name if folder.name in packs else None,
                                       model_card(folder)))
    return shipped + list(runs.values())


def find_student_named(root: StudioRoot, name: str) -> Student:
    check_name(name, "student")
    for student in list_students(root):
        if student.name == name:
            return student
    raise FileNotFoundError(
        f"student {name!r}: not in the studio; train one from the Characters tab (distill) or put a "
        f"`celflow distill` output folder at {root.runs}/{name}"
    )
