"""`celflow live` and `celflow convert` as a user types them."""

from __future__ import annotations

import av
import numpy as np
from typer.testing import CliRunner

from celflow.cli import app
from celflow.export.backends import AUTO_ORDER, Backend, availability, choose_backend
from celflow.realtime.video import read_frames

from .conftest import CODEC_ERROR, mean_error, redness, sliding_crops, write_clip


def run(*args: str):
    return CliRunner().invoke(app, [str(arg) for arg in args])


def test_live_on_a_video_file_runs_to_its_end_and_says_so(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:12]])
    recording = tmp_path / "recorded.mp4"

    result = run("live", "--source", clip, "--characters", f"red={characters['red']},blue={characters['blue']}",
                 "--preview-port", 0, "--no-window", "--record", recording)

    assert result.exit_code == 0, result.output
    assert "crossing.mp4: end of file. 12 frames at" in result.output
    with av.open(str(recording)) as container:
        assert container.streams.video[0].frames == 12


def test_live_stops_after_max_frames(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:12]])

    result = run("live", "--source", clip, "--characters", characters["red"], "--preview-port", 0, "--no-window",
                 "--max-frames", 4, "--mode", "full-frame")

    assert result.exit_code == 0, result.output
    assert " 4 frames at" in result.output


def test_live_says_which_backend_it_chose_and_refuses_one_that_is_not_here(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:4]])
    common = ("live", "--source", clip, "--characters", characters["red"], "--preview-port", 0, "--no-window")

    chosen = run(*common, "--backend", "auto")
    assert chosen.exit_code == 0, chosen.output
    assert "backend auto: chose " in chosen.output
    skipped = AUTO_ORDER[: AUTO_ORDER.index(choose_backend("auto"))]
    assert not any(f"skipped {backend.value}: " in chosen.output for backend in skipped)  # the reasons: with -v
    verbose = run("-v", *common, "--backend", "auto")
    assert verbose.exit_code == 0, verbose.output
    assert all(f"skipped {backend.value}: {availability(backend).reason}" in verbose.output for backend in skipped)

    if availability(Backend.TENSORRT).available:
        return  # a TensorRT machine: nothing is missing to refuse
    missing = run(*common, "--backend", "tensorrt")
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines()[-1].startswith("celflow: error: backend tensorrt: not available here (")


def test_live_errors_are_one_line(characters, tmp_path):
    result = run("live", "--source", tmp_path / "gone.mp4", "--characters", characters["red"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"celflow: error: {tmp_path / 'gone.mp4'}: no such file, folder, camera index or stream URL"
    ]
    result = run("live", "--source", "0", "--characters", characters["red"], "--mode", "cartoon")
    assert result.exit_code == 1 and "--mode cartoon: expected one of" in result.output


def test_convert_per_person_with_two_characters(prefect_server, crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:20]], "aac")
    out = tmp_path / "out.mp4"

    result = run("convert", clip, out, "--mode", "per-person", "--characters",
                 f"red={characters['red']},blue={characters['blue']}", "--segment-seconds", 0.5)

    assert result.exit_code == 0, result.output
    assert "20 frames" in result.output and "audio copied" in result.output
    frames = list(read_frames(out))
    assert len(frames) == 20
    last = frames[-1]
    faces = [last[round(y0) : round(y1), round(x0) : round(x1)] for x0, y0, x1, y1 in crossing[19].faces.values()]
    # round-robin: one person got red (like the background), the other blue
    assert sorted(redness(face) > 0 for face in faces) == [False, True]
    assert min(redness(face) for face in faces) < -60
    assert redness(last[:40]) > 60


def test_convert_takes_at_most_one_of_model_and_characters(aac_clip, characters, tmp_path):
    result = run("convert", aac_clip, tmp_path / "out.mp4", "--model", characters["red"], "--characters", "default")
    assert result.exit_code == 1 and "give --model or --characters, not both" in result.output


def test_convert_strength_zero_gives_back_the_video_and_a_half_is_a_lighter_stylisation(
    prefect_server, silent_clip, characters, tmp_path
):
    source = list(read_frames(silent_clip))
    redder = {}
    for strength in ("0", "0.5", "1"):
        out = tmp_path / f"strength-{strength}.mp4"
        result = run("convert", silent_clip, out, "--model", characters["red"], "--strength", strength)
        assert result.exit_code == 0, result.output
        converted = list(read_frames(out))
        redder[strength] = np.mean([redness(after) - redness(before) for before, after in zip(source, converted)])
        if strength == "0":
            assert max(mean_error(after, before) for before, after in zip(source, converted)) < CODEC_ERROR

    assert abs(redder["0"]) < 5 < redder["0.5"] < redder["1"] - 5


def test_convert_refuses_a_strength_above_one(aac_clip, characters, tmp_path):
    result = run("convert", aac_clip, tmp_path / "out.mp4", "--model", characters["red"], "--strength", "1.2")

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "celflow: error: --strength 1.2: must be between 0 (the photo) and 1 (the student's picture)"
    ]


def test_convert_draws_frames_at_its_max_side_and_writes_them_at_the_videos_size(astronaut, characters, tmp_path,
                                                                                 monkeypatch):
    from celflow.realtime.modes import FrameRenderer

    drawn_at = []
    finish = FrameRenderer.finish

    def recording(self, rgb, *args, **kwargs):  # the real line-art stage, noting the size it draws at
        drawn_at.append(rgb.shape[:2])
        return finish(self, rgb, *args, **kwargs)

    monkeypatch.setattr(FrameRenderer, "finish", recording)
    clip, out = write_clip(tmp_path / "clip.mp4", sliding_crops(astronaut, 160, 120, frames=4)), tmp_path / "out.mp4"

    result = run("convert", clip, out, "--model", characters["red"], "--max-side", 80)

    assert result.exit_code == 0, result.output
    assert "160×120 (drawn 80 px long, --max-side)" in result.output
    assert drawn_at and set(drawn_at) == {(60, 80)}
    assert {frame.shape[:2] for frame in read_frames(out)} == {(120, 160)}


def test_convert_max_side_auto_is_refused_in_one_line(aac_clip, characters, tmp_path):
    result = run("convert", aac_clip, tmp_path / "out.mp4", "--model", characters["red"], "--max-side", "auto")

    assert result.exit_code == 1
    assert "--max-side auto: only live picks a size as it runs" in result.output
    assert not (tmp_path / "out.mp4").exists()
