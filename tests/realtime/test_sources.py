"""Sources and the capture thread: every frame of a file, the newest frame of a live stream, clean endings."""

from __future__ import annotations

import functools
import http.server
import logging
import os
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from celflow.realtime.capture import Capture
from celflow.realtime.sources import ImageFolderSource, SourceError, VideoSource, open_source
from celflow.realtime.video import read_frames

from .conftest import FRAMES, RATE, save_rgb_frames, sliding_crops


def corrupt_middle_frame(path: Path) -> int:
    """Overwrite the inside of the middle video packet with 0xFF bytes, as a damaged disk would; its index."""
    with av.open(str(path)) as container:
        packets = [(packet.pos, packet.size) for packet in container.demux(video=0) if packet.size]
    middle = len(packets) // 2
    position, size = packets[middle]
    data = bytearray(path.read_bytes())
    data[position + 20 : position + size - 20] = b"\xff" * (size - 40)
    path.write_bytes(bytes(data))
    return middle


@pytest.fixture
def corrupt_avi(tmp_path, astronaut) -> Path:
    """A Motion-JPEG AVI (each frame its own JPEG) whose middle frame is damaged."""
    path = tmp_path / "damaged.avi"
    with av.open(str(path), "w") as output:
        stream = output.add_stream("mjpeg", rate=RATE)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuvj420p"
        for rgb in sliding_crops(astronaut, 64, 48):
            output.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        output.mux(stream.encode(None))
    corrupt_middle_frame(path)
    return path


def test_a_file_gives_every_frame_in_order_with_its_time(aac_clip):
    source = open_source(str(aac_clip))
    frames = list(Capture(source))

    assert not source.live
    assert [frame.index for frame in frames] == list(range(FRAMES))
    assert [frame.time for frame in frames] == pytest.approx([i / RATE for i in range(FRAMES)])
    assert source.end_reason == "end of file"


def test_a_slow_consumer_of_a_file_loses_nothing(aac_clip):
    capture = Capture(open_source(str(aac_clip)))
    seen = []
    for frame in capture:
        time.sleep(0.01)  # slower than decoding: the reader must wait, not drop
        seen.append(frame.index)

    assert seen == list(range(FRAMES)) and capture.dropped == 0


def test_live_mode_drops_stale_frames_and_keeps_the_newest(aac_clip):
    capture = Capture(VideoSource(str(aac_clip)), live=True)
    seen = []
    for frame in capture:
        time.sleep(0.05)
        seen.append(frame.index)

    assert capture.dropped > 0
    assert len(seen) + capture.dropped == FRAMES
    assert seen == sorted(seen) and seen[-1] == FRAMES - 1


def test_a_corrupt_frame_is_skipped_with_a_log_line(corrupt_avi, caplog):
    with caplog.at_level(logging.WARNING):
        frames = list(Capture(open_source(str(corrupt_avi))))

    assert len(frames) == FRAMES - 1
    assert any("damaged.avi: skipped a corrupt frame at 0.400 s" in message for message in caplog.messages)
    assert len(list(read_frames(corrupt_avi))) == FRAMES - 1


def test_image_folder_in_name_order_skipping_unreadable_files(tmp_path, astronaut, caplog):
    crops = sliding_crops(astronaut, 64, 48, frames=3)
    save_rgb_frames(tmp_path, crops)
    (tmp_path / "001b.png").write_bytes(b"not a png")
    with caplog.at_level(logging.WARNING):
        frames = list(Capture(open_source(str(tmp_path))))

    assert len(frames) == 3
    assert all(np.array_equal(frame.rgb, crop) for frame, crop in zip(frames, crops))
    assert any("001b.png: skipped, not a readable image" in message for message in caplog.messages)


def test_an_http_stream_is_live_and_ends_cleanly_when_the_server_cuts_it(tmp_path, astronaut):
    """A stream that disappears mid-way: the loop gets what arrived, then ends with a message."""
    clip = tmp_path / "clip.ts"
    with av.open(str(clip), "w", format="mpegts") as output:
        stream = output.add_stream("libx264", rate=RATE)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for rgb in sliding_crops(astronaut, 64, 48, frames=40):
            output.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        output.mux(stream.encode(None))
    cut = tmp_path / "cut.ts"
    cut.write_bytes(clip.read_bytes()[: os.path.getsize(clip) // 2])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = open_source(f"http://127.0.0.1:{server.server_address[1]}/cut.ts")
        frames = [frame for frame in Capture(source, live=False)]
    finally:
        server.shutdown()
        server.server_close()

    assert source.live
    assert 5 < len(frames) < 40
    assert source.end_reason == "the stream ended" or source.end_reason.startswith("read failed (")


def test_bad_sources_are_named(tmp_path):
    with pytest.raises(SourceError, match="nowhere.mp4: no such file, folder, camera index or stream URL"):
        open_source(str(tmp_path / "nowhere.mp4"))
    with pytest.raises(SourceError, match="holds no images"):
        ImageFolderSource(tmp_path)
    with pytest.raises(SourceError, match="camera 99: cannot be opened"):
        open_source("99")
    (tmp_path / "notes.mp4").write_text("not a video\n" * 50)
    with pytest.raises(SourceError, match="notes.mp4: not a readable video"):
        open_source(str(tmp_path / "notes.mp4"))


def test_a_file_ffmpeg_opens_by_its_name_but_cannot_decode_is_named_at_once(tmp_path):
    """Text saved as .jpg: FFmpeg's image reader opens it and fails only on its first frame, which `live` read
    as a corrupt frame and a clean end of zero frames."""
    (tmp_path / "notes.jpg").write_text("not an image\n")
    with pytest.raises(SourceError, match="notes.jpg: not a readable video"):
        open_source(str(tmp_path / "notes.jpg"))


def test_a_camera_that_cannot_be_opened_says_so_without_opencvs_own_log_lines(capfd):
    with pytest.raises(SourceError, match="camera 99: cannot be opened"):
        open_source("99")
    printed = capfd.readouterr().err
    assert "[ERROR" not in printed and "[ WARN" not in printed, printed
