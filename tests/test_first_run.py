"""The first flow command on a fresh machine: an empty Prefect home, no server, no database yet."""

from __future__ import annotations

from tests.cli_process import run_celflow
from tests.pipelines.photo_folders import write_face_photos


def test_a_flow_command_on_an_empty_prefect_home_succeeds_at_the_first_attempt(tmp_path, hopper):
    photos = tmp_path / "photos"
    write_face_photos(photos, hopper, 1)
    prefect_home = tmp_path / "prefect-home"

    result = run_celflow(["generate", str(photos), str(tmp_path / "pairs"), "--max-side", "192"], prefect_home)

    assert "Timed out while attempting to connect" not in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout
    assert any(prefect_home.glob("*.db")), "the command did not create its Prefect database"
    assert (tmp_path / "pairs" / "manifest.json").is_file()
