"""The whole live loop on a real crossing clip: every person keeps their character, sinks get every frame."""

from __future__ import annotations

import dataclasses
import threading
import time

import av
import numpy as np

from celflow.realtime.build import build_pipeline
from celflow.realtime.capture import Capture
from celflow.realtime.characters import CastMember
from celflow.realtime.engine import run_loop
from celflow.realtime.records import Frame, StylizedFrame
from celflow.realtime.sinks import Mp4Sink
from celflow.realtime.sources import VideoSource

from .conftest import redness, write_clip


class Recorder:
    """A sink that keeps what it was given (the sinks' interface, nothing skipped)."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.results: list[StylizedFrame] = []
        self.stop_after = stop_after
        self.closed = False

    def write(self, result: StylizedFrame, annotated: np.ndarray) -> bool:
        self.results.append(result)
        return self.stop_after is None or len(self.results) < self.stop_after

    def close(self) -> None:
        self.closed = True


def test_people_keep_their_character_through_the_crossing(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing])
    cast = [CastMember(name, path) for name, path in characters.items()]
    pipeline = build_pipeline(cast, "person-only", frame_rate=20)
    recorder = Recorder()
    recording = tmp_path / "recorded.mp4"

    report = run_loop(Capture(VideoSource(str(clip))), pipeline, [recorder, Mp4Sink(recording, 20)])

    assert report.frames == len(crossing) and not report.stopped_by_user
    assert 0 < report.latency_p50_ms <= report.latency_p95_ms
    assert len(report.stage_p50_ms) == 2 and min(report.stage_p50_ms) > 0  # painting, finishing
    assert recorder.closed
    worn = {}
    for result in recorder.results:
        for track in result.tracks:
            worn.setdefault(track.track_id, set()).add(track.character)
            x0, y0, x1, y1 = (round(v) for v in track.box)
            face = result.rgb[y0:y1, x0:x1]
            assert (redness(face) > 60) if track.character == "red" else (redness(face) < -60)
    assert (worn[1], worn[2]) == ({"red"}, {"blue"})
    with av.open(str(recording)) as container:
        assert container.streams.video[0].frames == len(crossing)


def test_a_sink_saying_stop_ends_the_loop(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:10]])
    pipeline = build_pipeline([CastMember("red", characters["red"])], "full-frame", track=False)
    capture = Capture(VideoSource(str(clip)))

    report = run_loop(capture, pipeline, [Recorder(stop_after=3)])
    capture.close()

    assert (report.frames, report.stopped_by_user) == (3, True)


def test_assign_one_names_the_first_person_the_overlay_labels_one(crossing, characters):
    """`--assign 1=blue`: person #1 on the overlay is the one who wears blue."""
    cast = [CastMember(name, path) for name, path in characters.items()]
    pipeline = build_pipeline(cast, "person-only", explicit={1: "blue"}, frame_rate=20)
    frames = [Frame(index, index / 20, shot.rgb, time.perf_counter()) for index, shot in enumerate(crossing[:6])]

    tracks = [pipeline(frame).tracks for frame in frames][-1]

    assert {(track.track_id, track.character) for track in tracks} == {(1, "blue"), (2, "red")}


def test_the_overlapped_loop_draws_what_the_pipeline_draws_frame_by_frame(crossing, characters):
    """Tracked and painted on one thread, finished on another: the same people, characters and pictures."""
    cast = [CastMember(name, path) for name, path in characters.items()]
    frames = [Frame(index, index / 20, shot.rgb, time.perf_counter()) for index, shot in enumerate(crossing[:12])]

    pipeline = build_pipeline(cast, "per-person", frame_rate=20)
    one_by_one = [pipeline(frame) for frame in frames]
    overlapped = list(build_pipeline(cast, "per-person", frame_rate=20).stream(frames))

    assert [r.frame.index for r in overlapped] == [frame.index for frame in frames]
    assert [r.tracks for r in overlapped] == [r.tracks for r in one_by_one]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(overlapped, one_by_one))


def test_read_ahead_draws_what_the_pipeline_draws_frame_by_frame(crossing, characters):
    """Read and tracked on a third thread (a file's frames): still the same people, characters and pictures."""
    cast = [CastMember(name, path) for name, path in characters.items()]
    frames = [Frame(index, index / 20, shot.rgb, time.perf_counter()) for index, shot in enumerate(crossing[:12])]

    pipeline = build_pipeline(cast, "per-person", frame_rate=20)
    one_by_one = [pipeline(frame) for frame in frames]
    read_ahead = list(build_pipeline(cast, "per-person", frame_rate=20).stream(frames, read_ahead=True))

    assert [r.frame.index for r in read_ahead] == [frame.index for frame in frames]
    assert [r.tracks for r in read_ahead] == [r.tracks for r in one_by_one]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(read_ahead, one_by_one))


def test_read_ahead_tracks_the_next_frame_while_this_one_is_painted(crossing, characters):
    """Reading and tracking a frame of a file no longer waits for the painting of the one before: the painting of
    each frame waits here for the next frame's tracking, which only a stage of its own can do meanwhile."""
    frames = [Frame(index, index / 20, shot.rgb, time.perf_counter()) for index, shot in enumerate(crossing[:4])]
    pipeline = build_pipeline([CastMember("red", characters["red"])], "per-person", frame_rate=20)
    tracked = {frame.index: threading.Event() for frame in frames}
    track, paint_tracked = pipeline.track, pipeline.paint_tracked

    def tracking(frame: Frame):
        result = track(frame)
        tracked[frame.index].set()
        return result

    def painting(frame):
        following = frame.frame.index + 1
        overlapped = following not in tracked or tracked[following].wait(timeout=10)
        return dataclasses.replace(paint_tracked(frame), painting_ms=0.0 if overlapped else -1.0)

    pipeline.track, pipeline.paint_tracked = tracking, painting
    results = list(pipeline.stream(frames, read_ahead=True))

    assert [r.frame.index for r in results] == [0, 1, 2, 3]
    assert all(r.stage_ms[0] == 0.0 for r in results), "a frame was painted before the next one could be tracked"
