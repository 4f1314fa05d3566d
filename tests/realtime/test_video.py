"""Reading frames and probing a video before conversion."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from celflow.realtime.video import probe_video, read_frames

from .conftest import CODEC_ERROR, FRAMES, RATE, mean_error, sliding_crops


def test_frames_are_rgb_uint8_and_match_what_was_filmed(aac_clip, astronaut):
    frames = list(read_frames(aac_clip))

    assert len(frames) == FRAMES
    assert all(frame.dtype == np.uint8 and frame.shape == (48, 64, 3) for frame in frames)
    for frame, filmed in zip(frames, sliding_crops(astronaut, 64, 48), strict=True):
        assert mean_error(frame, filmed) < CODEC_ERROR


def test_probe_reads_size_rate_and_frame_count(aac_clip):
    info = probe_video(aac_clip)

    assert (info.width, info.height, info.rate, info.frames) == (64, 48, RATE, FRAMES)


def test_probe_counts_frames_from_duration_when_the_container_does_not_say(odd_pcm_clip):
    info = probe_video(odd_pcm_clip)

    assert (info.width, info.height, info.frames, info.time_base) == (65, 49, FRAMES, Fraction(1, 1000))


def test_probe_gives_the_upright_size_of_a_rotated_clip(rotated_clip):
    info = probe_video(rotated_clip)

    assert (info.width, info.height) == (48, 64)
