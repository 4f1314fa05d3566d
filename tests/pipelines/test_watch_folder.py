"""The scheduled watch-folder run: each photo processed once, however many times the schedule fires."""

from __future__ import annotations

import json

from celflow.core.pair_folder import read_manifest
from celflow.pipelines.watch_folder import STATE_FILE, watch_folder_flow
from tests.pipelines.photo_folders import pair_stamps, teacher_calls, write_face_photos


def test_photos_added_between_two_runs_are_each_processed_once(prefect_server, tmp_path, hopper, astronaut):
    watch, out = tmp_path / "incoming", tmp_path / "out"
    write_face_photos(watch, hopper, 2, prefix="monday-")

    first = watch_folder_flow(watch, out, max_side=192)
    assert first.new_photos == ["monday-00.jpg", "monday-01.jpg"] and first.pairs_total == 2
    after_first = pair_stamps(out / "pairs")

    write_face_photos(watch, hopper, 2, seed=7, prefix="tuesday-")
    second = watch_folder_flow(watch, out, max_side=192)
    assert second.new_photos == ["tuesday-00.jpg", "tuesday-01.jpg"]
    made = teacher_calls(after_first, pair_stamps(out / "pairs"))
    assert len(made) == 2 and all(name.startswith("tuesday-") for name in made), made
    assert len(read_manifest(out / "pairs").pairs) == second.pairs_total == 4

    third = watch_folder_flow(watch, out, max_side=192)
    assert third.new_photos == [] and third.pairs_total == 4
    assert teacher_calls(after_first, pair_stamps(out / "pairs")) == made
    assert sorted(json.loads((out / STATE_FILE).read_text())["processed"]) == sorted(p.name for p in watch.iterdir())
