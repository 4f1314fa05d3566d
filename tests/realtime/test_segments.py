"""Conversion in segments: the same video as in one piece, resumable after an error or a kill."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import av
import numpy as np
import pytest

from celflow.realtime.offline import convert_video
from celflow.realtime.segments import save_state
from celflow.realtime.video import read_frames

from .conftest import CODEC_ERROR, FRAMES, RATE, mean_error, sliding_crops, write_clip
from .test_offline import ONE_AAC_FRAME, audio_seconds, last_frame_seconds
from .test_sources import corrupt_middle_frame

SEGMENT = 0.25  # seconds: the 16-frame, 0.8 s clips make four segments


def invert(rgb: np.ndarray) -> np.ndarray:
    return 255 - rgb


def test_segments_join_into_one_video_with_every_frame_its_timing_and_sound(aac_clip, tmp_path):
    report = convert_video(aac_clip, tmp_path / "out.mp4", invert, progress=False, segment_seconds=SEGMENT)

    assert report.frames == FRAMES
    for before, after in zip(read_frames(aac_clip), read_frames(report.output), strict=True):
        assert mean_error(after, 255 - before) < CODEC_ERROR
    with av.open(str(report.output)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.frames) == ("h264", FRAMES)
        times = [frame.time for frame in container.decode(stream)]
    assert times == pytest.approx([i / RATE for i in range(FRAMES)], abs=1e-3)
    assert audio_seconds(report.output) == pytest.approx(audio_seconds(aac_clip), abs=ONE_AAC_FRAME)
    assert [path.name for path in tmp_path.iterdir()] == ["out.mp4"]  # the segments are cleaned up


def test_a_rerun_after_a_failure_stylizes_only_the_missing_segments(aac_clip, tmp_path):
    def crash_at_frame_ten(rgb: np.ndarray) -> np.ndarray:
        crash_at_frame_ten.calls += 1
        if crash_at_frame_ten.calls == 10:
            raise RuntimeError("power cut")
        return invert(rgb)

    crash_at_frame_ten.calls = 0
    with pytest.raises(RuntimeError, match="power cut"):
        convert_video(aac_clip, tmp_path / "out.mp4", crash_at_frame_ten, progress=False, segment_seconds=SEGMENT)
    assert not (tmp_path / "out.mp4").exists()

    report = convert_video(aac_clip, tmp_path / "out.mp4", invert, progress=False, segment_seconds=SEGMENT)

    assert (report.resumed_frames, report.frames) == (5, FRAMES - 5)  # 2 finished segments: frames 0–4
    converted = list(read_frames(report.output))
    assert len(converted) == FRAMES
    for before, after in zip(read_frames(aac_clip), converted):
        assert mean_error(after, 255 - before) < CODEC_ERROR


def test_a_killed_conversion_resumes(tmp_path, astronaut):
    """SIGKILL mid-run, as a crashed machine would: no half segment is kept, the rerun finishes the job."""
    clip = write_clip(tmp_path / "long.mp4", sliding_crops(astronaut, 64, 48, frames=60), "aac")
    dst = tmp_path / "out.mp4"
    script = textwrap.dedent(f"""
        import time
        from celflow.realtime.offline import convert_video
        def slow_invert(rgb):
            time.sleep(0.05)
            return 255 - rgb
        convert_video({str(clip)!r}, {str(dst)!r}, slow_invert, progress=False, segment_seconds=0.5)
    """)
    child = subprocess.Popen([sys.executable, "-c", script])
    segments = tmp_path / ".out.mp4.segments"
    deadline = time.monotonic() + 60
    while len(list(segments.glob("0*.mp4"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    finished = sorted(path.name for path in segments.glob("0*.mp4"))
    assert len(finished) >= 2 and not dst.exists()

    report = convert_video(clip, dst, invert, progress=False, segment_seconds=0.5)

    assert report.resumed_frames >= 20 and report.resumed_frames + report.frames == 60
    assert len(list(read_frames(dst))) == 60
    assert audio_seconds(dst) == pytest.approx(audio_seconds(clip), abs=ONE_AAC_FRAME)
    assert last_frame_seconds(dst) == pytest.approx(59 / RATE, abs=1e-3)


def test_segments_of_another_source_are_not_reused(aac_clip, silent_clip, tmp_path):
    dst = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError):
        convert_video(aac_clip, dst, lambda rgb: (_ for _ in ()).throw(RuntimeError("stop")), progress=False)

    report = convert_video(silent_clip, dst, invert, progress=False, segment_seconds=SEGMENT)

    assert report.resumed_frames == 0 and report.audio == "none"


def test_a_corrupt_frame_mid_video_is_skipped_and_every_other_frame_kept(tmp_path, astronaut, caplog):
    crops = sliding_crops(astronaut, 64, 48)
    damaged = tmp_path / "damaged.avi"
    with av.open(str(damaged), "w") as output:
        stream = output.add_stream("mjpeg", rate=RATE)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuvj420p"
        for rgb in crops:
            output.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        output.mux(stream.encode(None))
    broken = corrupt_middle_frame(damaged)

    with caplog.at_level(logging.WARNING):
        report = convert_video(damaged, tmp_path / "out.mp4", invert, progress=False, segment_seconds=SEGMENT)

    assert report.frames == FRAMES - 1
    assert sum("skipped a corrupt frame" in message for message in caplog.messages) == 1
    kept = [crop for index, crop in enumerate(crops) if index != broken]
    for before, after in zip(kept, read_frames(report.output), strict=True):
        assert mean_error(after, 255 - before) < 2 * CODEC_ERROR  # MJPEG then H.264: two lossy steps


def test_progress_bar_shows_an_eta_and_counts_resumed_frames(aac_clip, tmp_path, capsys):
    convert_video(aac_clip, tmp_path / "out.mp4", invert, progress=True, segment_seconds=SEGMENT)

    err = capsys.readouterr().err
    assert f"{FRAMES}/{FRAMES}" in err and "<" in err  # tqdm prints elapsed<remaining


def test_segment_length_must_be_positive(aac_clip, tmp_path):
    with pytest.raises(ValueError, match="segment_seconds=0: must be positive"):
        convert_video(aac_clip, tmp_path / "out.mp4", invert, progress=False, segment_seconds=0)


def test_paths_are_accepted_as_strings(aac_clip, tmp_path):
    report = convert_video(str(aac_clip), str(tmp_path / "out.mp4"), invert, progress=False)

    assert report.output == Path(tmp_path / "out.mp4")


class RememberingInvert:
    """A `Resumable` stylize: inverts, and remembers how many frames it has seen (its state)."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.seen, self.fail_on = 0, fail_on

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        self.seen += 1
        if self.seen == self.fail_on:
            raise RuntimeError("power cut")
        return invert(rgb)

    def state(self) -> int:
        return self.seen

    def restore(self, state: int) -> None:
        self.seen = state


def test_a_resumable_stylize_resumes_with_the_state_saved_after_the_last_finished_segment(aac_clip, tmp_path):
    dst = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="power cut"):
        convert_video(aac_clip, dst, RememberingInvert(fail_on=12), progress=False, segment_seconds=SEGMENT)

    resumed = RememberingInvert()
    report = convert_video(aac_clip, dst, resumed, progress=False, segment_seconds=SEGMENT)

    assert report.resumed_frames == 10 and resumed.seen == FRAMES  # as if it had seen every frame itself


def test_a_segment_whose_state_was_not_saved_is_written_again(aac_clip, tmp_path):
    """A kill between a segment's file and its state: the state is of the segment before, so that one is redone."""
    dst = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="power cut"):
        convert_video(aac_clip, dst, RememberingInvert(fail_on=12), progress=False, segment_seconds=SEGMENT)
    save_state(tmp_path / ".out.mp4.segments", 0, 5)

    resumed = RememberingInvert()
    report = convert_video(aac_clip, dst, resumed, progress=False, segment_seconds=SEGMENT)

    assert report.resumed_frames == 5 and resumed.seen == FRAMES


def test_a_state_that_cannot_be_read_starts_the_conversion_over(aac_clip, tmp_path, caplog):
    dst = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="power cut"):
        convert_video(aac_clip, dst, RememberingInvert(fail_on=12), progress=False, segment_seconds=SEGMENT)
    (tmp_path / ".out.mp4.segments" / "state.pickle").write_bytes(b"\x80\x04truncated")

    with caplog.at_level(logging.WARNING):
        report = convert_video(aac_clip, dst, RememberingInvert(), progress=False, segment_seconds=SEGMENT)

    assert report.resumed_frames == 0 and any("converting from the first segment again" in m for m in caplog.messages)
