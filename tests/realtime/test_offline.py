"""convert_video: what a user opening the converted MP4 would notice."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from celflow.realtime.offline import convert_video
from celflow.realtime.video import VideoError, read_frames

from .conftest import CODEC_ERROR, FRAMES, RATE, SAMPLE_RATE, mean_error, tone

ONE_AAC_FRAME = 1024 / SAMPLE_RATE


def invert(rgb: np.ndarray) -> np.ndarray:
    return 255 - rgb


def identity(rgb: np.ndarray) -> np.ndarray:
    return rgb


def audio_seconds(path: Path) -> float:
    """How long the sound lasts when played: decoded samples, not container claims."""
    with av.open(str(path)) as container:
        return sum(frame.samples for frame in container.decode(audio=0)) / container.streams.audio[0].rate


def last_frame_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return max(frame.time for frame in container.decode(video=0))


def test_output_is_h264_mp4_with_the_inputs_frames_stylized(aac_clip, tmp_path):
    report = convert_video(aac_clip, tmp_path / "out.mp4", invert, progress=False)

    with av.open(str(report.output)) as container:
        assert container.format.name.startswith("mov,mp4")
        assert container.streams.video[0].codec_context.name == "h264"
    source, converted = list(read_frames(aac_clip)), list(read_frames(report.output))
    assert len(converted) == len(source) == FRAMES
    assert converted[0].shape == source[0].shape == (48, 64, 3)
    for before, after in zip(source, converted):
        assert mean_error(after, 255 - before) < CODEC_ERROR
        assert mean_error(after, before) > 10 * CODEC_ERROR


class InvertAsAStream:
    """A stylize that can only stream (a pipeline that overlaps its stages): one stream per segment."""

    def __init__(self) -> None:
        self.streams = 0

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        raise AssertionError("a stylize that streams is given the frames as a stream")

    def stream(self, rgbs):
        self.streams += 1
        return (255 - rgb for rgb in rgbs)


def test_a_stylize_that_streams_gets_each_segment_as_one_stream(aac_clip, tmp_path):
    stylize = InvertAsAStream()
    report = convert_video(aac_clip, tmp_path / "out.mp4", stylize, progress=False, segment_seconds=0.5)

    source, converted = list(read_frames(aac_clip)), list(read_frames(report.output))
    assert len(converted) == len(source) == FRAMES and stylize.streams > 1
    for before, after in zip(source, converted):
        assert mean_error(after, 255 - before) < CODEC_ERROR


def test_identity_gives_back_the_input_within_codec_error(silent_clip, tmp_path):
    report = convert_video(silent_clip, tmp_path / "out.mp4", identity, progress=False)

    for before, after in zip(read_frames(silent_clip), read_frames(report.output), strict=True):
        assert mean_error(after, before) < CODEC_ERROR


def test_report_says_what_was_written(aac_clip, tmp_path):
    report = convert_video(aac_clip, tmp_path / "out.mp4", identity, progress=False)

    assert report.output == tmp_path / "out.mp4"
    assert (report.frames, report.width, report.height, report.audio) == (FRAMES, 64, 48, "copied")
    assert report.seconds > 0
    assert report.fps == pytest.approx(report.frames / report.seconds)


def test_timing_is_kept(aac_clip, tmp_path):
    report = convert_video(aac_clip, tmp_path / "out.mp4", identity, progress=False)

    assert last_frame_seconds(report.output) == pytest.approx((FRAMES - 1) / RATE, abs=1e-3)


@pytest.mark.parametrize("clip_name", ["aac_clip", "mp3_clip"])
def test_sound_mp4_can_hold_is_copied_packet_for_packet(clip_name, request, tmp_path):
    clip = request.getfixturevalue(clip_name)
    report = convert_video(clip, tmp_path / "out.mp4", identity, progress=False)

    def payloads(path: Path) -> list[bytes]:
        with av.open(str(path)) as container:
            return [bytes(packet) for packet in container.demux(audio=0) if packet.size]

    assert report.audio == "copied"
    assert payloads(report.output) == payloads(clip)
    assert audio_seconds(report.output) == pytest.approx(audio_seconds(clip), abs=ONE_AAC_FRAME)


def test_pcm_sound_is_transcoded_to_aac_and_odd_size_cropped(odd_pcm_clip, tmp_path):
    report = convert_video(odd_pcm_clip, tmp_path / "out.mp4", identity, progress=False)

    assert (report.audio, report.width, report.height) == ("transcoded", 64, 48)
    with av.open(str(report.output)) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
    assert audio_seconds(report.output) == pytest.approx(audio_seconds(odd_pcm_clip), abs=ONE_AAC_FRAME)
    for before, after in zip(read_frames(odd_pcm_clip), read_frames(report.output), strict=True):
        assert after.shape == (48, 64, 3)
        assert mean_error(after, before[:48, :64]) < CODEC_ERROR


def test_silent_input_gives_silent_output(silent_clip, tmp_path):
    report = convert_video(silent_clip, tmp_path / "out.mp4", identity, progress=False)

    assert report.audio == "none"
    with av.open(str(report.output)) as container:
        assert not container.streams.audio


def test_phone_rotation_is_applied_before_stylizing(rotated_clip, tmp_path):
    shapes_seen = []

    def remember_shape(rgb: np.ndarray) -> np.ndarray:
        shapes_seen.append(rgb.shape)
        return rgb

    report = convert_video(rotated_clip, tmp_path / "out.mp4", remember_shape, progress=False)

    with av.open(str(rotated_clip)) as container:
        coded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert set(shapes_seen) == {(64, 48, 3)}
    assert (report.width, report.height) == (48, 64)
    for before, after in zip(coded, read_frames(report.output), strict=True):
        assert mean_error(after, np.rot90(before)) < CODEC_ERROR


def test_progress_bar_counts_to_a_total_from_duration_when_frames_are_unknown(odd_pcm_clip, tmp_path, capsys):
    convert_video(odd_pcm_clip, tmp_path / "out.mp4", identity, progress=True)

    assert f"{FRAMES}/{FRAMES}" in capsys.readouterr().err


def test_failed_stylize_leaves_dst_untouched(aac_clip, tmp_path):
    dst = tmp_path / "out.mp4"
    dst.write_bytes(b"previous conversion")

    def fail_midway(rgb: np.ndarray) -> np.ndarray:
        fail_midway.calls += 1
        if fail_midway.calls == FRAMES // 2:
            raise RuntimeError("model crashed")
        return rgb

    fail_midway.calls = 0
    with pytest.raises(RuntimeError, match="model crashed"):
        convert_video(aac_clip, dst, fail_midway, progress=False)
    assert dst.read_bytes() == b"previous conversion"
    # what stays behind is the resume folder, holding no half-written segment
    assert sorted(path.name for path in tmp_path.iterdir()) == [".out.mp4.segments", "out.mp4"]
    assert [path.name for path in (tmp_path / ".out.mp4.segments").iterdir()] == ["plan.json"]


def test_stylize_must_keep_the_frame_size(aac_clip, tmp_path):
    with pytest.raises(ValueError, match="stylize returned"):
        convert_video(aac_clip, tmp_path / "out.mp4", lambda rgb: rgb[:32], progress=False)
    assert not (tmp_path / "out.mp4").exists()


def test_missing_input_is_named(tmp_path):
    with pytest.raises(VideoError, match="nowhere.mp4: no such file"):
        convert_video(tmp_path / "nowhere.mp4", tmp_path / "out.mp4", identity, progress=False)


def test_text_file_named_mp4_is_not_a_video(tmp_path):
    garbage = tmp_path / "notes.mp4"
    garbage.write_text("these are not frames\n" * 50)

    with pytest.raises(VideoError, match="notes.mp4: not a readable video"):
        convert_video(garbage, tmp_path / "out.mp4", identity, progress=False)
    assert not (tmp_path / "out.mp4").exists()


def test_sound_only_file_has_no_video(tmp_path):
    sound = tmp_path / "voice.m4a"
    with av.open(str(sound), "w") as output:
        stream = output.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        for chunk in tone(0.5):
            output.mux(stream.encode(chunk))
        output.mux(stream.encode(None))

    with pytest.raises(VideoError, match="voice.m4a: has no video stream"):
        convert_video(sound, tmp_path / "out.mp4", identity, progress=False)


def test_output_must_be_mp4(aac_clip, tmp_path):
    with pytest.raises(VideoError, match=r"out.mkv: output must be an \.mp4 file"):
        convert_video(aac_clip, tmp_path / "out.mkv", identity, progress=False)


def test_output_must_not_be_the_input(aac_clip):
    with pytest.raises(VideoError, match="would overwrite its own input"):
        convert_video(aac_clip, aac_clip, identity, progress=False)


def test_real_carphone_clip(carphone, tmp_path):
    report = convert_video(carphone, tmp_path / "carphone.mp4", identity, progress=False)

    assert (report.frames, report.width, report.height, report.audio) == (120, 176, 144, "none")
    with av.open(str(report.output)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.frames) == ("h264", 120)
        assert stream.average_rate == Fraction(30000, 1001)
    assert last_frame_seconds(report.output) == pytest.approx(last_frame_seconds(carphone), abs=1e-3)



def _ts_clip(
    path: Path, width: int, height: int, colour: tuple[int, int, int], first_frame: int = 0, frames: int = 15
) -> bytes:
    """An MPEG-TS clip of flat frames, the first stamped `first_frame` / RATE: such streams are joined by putting
    one file after the other, and a recorder that changes the picture size midway writes one like it."""
    with av.open(str(path), "w", format="mpegts") as output:
        stream = output.add_stream("libx264", rate=RATE)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        picture = np.zeros((height, width, 3), np.uint8)
        picture[:] = colour
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = first_frame + index, Fraction(1, RATE)
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return path.read_bytes()


def test_a_video_whose_picture_size_changes_midway_is_written_at_its_first_size(tmp_path):
    """Every frame is written; those of the later size fitted inside the first without being stretched (their
    people keep their proportions)."""
    changing = tmp_path / "changing.ts"
    wide = _ts_clip(tmp_path / "wide.ts", 128, 72, (200, 40, 40))
    square = _ts_clip(tmp_path / "square.ts", 96, 96, (40, 200, 40), first_frame=15)
    changing.write_bytes(wide + square)
    report = convert_video(changing, tmp_path / "out.mp4", identity, progress=False)
    frames = list(read_frames(tmp_path / "out.mp4"))
    assert report.frames == len(frames) == 30
    assert {frame.shape for frame in frames} == {(72, 128, 3)}
    last = frames[-1].astype(int)
    assert abs(last[36, 64] - (40, 200, 40)).max() < 12  # the square picture in the middle
    assert last[36, 10].max() < 20 and last[36, -10].max() < 20  # black bars each side, nothing stretched


def test_recordings_joined_with_their_own_clocks_are_named_in_one_line(tmp_path):
    joined = tmp_path / "joined.ts"
    first, second = (_ts_clip(tmp_path / name, 64, 48, (200, 40, 40), frames=3 * RATE) for name in ("a.ts", "b.ts"))
    joined.write_bytes(first + second)
    with pytest.raises(VideoError, match=r"joined.ts: its clock starts again after 3\.[0-9] s"):
        convert_video(joined, tmp_path / "out.mp4", identity, progress=False)
    assert not (tmp_path / "out.mp4").exists()
