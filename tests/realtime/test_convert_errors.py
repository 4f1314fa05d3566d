"""`celflow convert` in its own process as a user sees it: one line that names a file it cannot use, and no Prefect
server to wait for before the first frame."""

from __future__ import annotations

import pytest

from tests.cli_process import run_celflow


@pytest.mark.parametrize("name", ["holiday.mp4", "holiday.jpg"])  # FFmpeg opens .jpg by its name, fails to decode
def test_a_file_that_is_not_a_video_gives_one_line_and_no_traceback(tmp_path, characters, name):
    not_a_video = tmp_path / name
    not_a_video.write_text("these bytes are no video")

    result = run_celflow(["convert", str(not_a_video), str(tmp_path / "out.mp4"), "--model", str(characters["red"])],
                         tmp_path / "prefect-home")

    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        f"celflow: error: {not_a_video}: not a readable video (Invalid data found when processing input)"
    ], result.stdout


def test_convert_runs_in_process_without_starting_a_prefect_server(tmp_path, characters, aac_clip):
    prefect_home = tmp_path / "prefect-home"

    result = run_celflow(["convert", str(aac_clip), str(tmp_path / "out.mp4"), "--model", str(characters["red"])],
                         prefect_home)

    assert result.returncode == 0, result.stdout
    assert (tmp_path / "out.mp4").is_file()
    # a flow would have started Prefect's temporary server, which creates its database in the Prefect home
    assert not list(prefect_home.rglob("*.db")), sorted(p.name for p in prefect_home.rglob("*"))
