"""The demo's held-out photos show people the student never trained on, light and dark skin."""

from __future__ import annotations

from pathlib import Path

from celflow.pipelines.demo_photos import write_demo_photos


def people_in(folder: Path) -> set[str]:
    """Demo photos are named PERSON__…: the person each photo shows."""
    return {photo.name.split("__")[0] for photo in folder.glob("*.jpg")}


def test_no_held_out_person_appears_in_the_training_photos(tmp_path):
    photos = write_demo_photos(tmp_path, variants_per_portrait=2, clip_every=40)

    trained_on, held_out = people_in(tmp_path / "train"), people_in(tmp_path / "heldout")
    assert held_out == {"hopper", "obama"}
    assert trained_on == {"astronaut", "carphone"}
    assert photos.heldout_count == len(list((tmp_path / "heldout").glob("*.jpg"))) >= 3
