"""`celflow convert` on an input it cannot use: one line that names the file, in its own process as a user sees it."""

from __future__ import annotations

from tests.cli_process import run_celflow


def test_a_file_that_is_not_a_video_gives_one_line_and_no_traceback(tmp_path, characters):
    not_a_video = tmp_path / "holiday.mp4"
    not_a_video.write_text("these bytes are no video")

    result = run_celflow(["convert", str(not_a_video), str(tmp_path / "out.mp4"), "--model", str(characters["red"])],
                         tmp_path / "prefect-home")

    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        f"celflow: error: {not_a_video}: not a readable video (Invalid data found when processing input)"
    ], result.stdout
