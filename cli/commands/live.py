"""`celflow live`: a webcam, stream, video or image folder stylized live, with a browser preview."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from celflow.cli.commands.convert import ASSIGN_HELP, CHARACTERS_HELP
from celflow.cli.support import (
    STRENGTH_HELP,
    BackendOption,
    LineArtOption,
    fail,
    show_celflow_logs,
    user_errors,
)
from celflow.core.defaults import AUTO_BACKEND, DEFAULT_CHARACTER

if TYPE_CHECKING:
    from celflow.realtime.microphone import Microphone

DETECT_EVERY_HELP = (
    "Run face detection every N frames (and whenever a person is new or lost), or auto: every frame while "
    "people move, up to every 4th while they keep still."
)
LIVE_MAX_SIDE_HELP = (
    "Draw frames at most this long a side, then scale them back to the camera's size: auto (the largest that "
    "keeps up with the camera, picked as it runs: an HD webcam at 30 FPS on two cores), full, or pixels."
)
MICROPHONE_HELP = (
    "Sound for --record: an input device's name or number (`python -m sounddevice` lists them), `default` or "
    "`none`. Unset: the default microphone with a webcam, no sound with other sources."
)


def open_microphone(choice: str | None, camera: bool) -> Microphone | None:
    """The `--microphone` to record, or None, saying in one line why there will be no sound when it was wanted."""
    from celflow.realtime.microphone import Microphone, MicrophoneError

    if choice == "none":
        return None
    if choice is None and not camera:
        typer.echo("recording without sound: the microphone goes with a webcam only; add --microphone default")
        return None
    try:
        device = None if choice in (None, "default") else int(choice) if choice.isdigit() else choice
        return Microphone(device)
    except MicrophoneError as error:
        typer.echo(f"recording without sound: {error}")
        return None


def live(
    source: Annotated[str, typer.Option("--source", help="Webcam index (0), video file, rtsp:// or http:// URL, or image folder.")],
    characters: Annotated[str, typer.Option("--characters", help=CHARACTERS_HELP)] = DEFAULT_CHARACTER,
    mode: Annotated[str, typer.Option(help="full-frame, per-person or person-only.")] = "per-person",
    assign: Annotated[str, typer.Option(help=ASSIGN_HELP)] = "",
    one_for_all: Annotated[bool, typer.Option(help="Every person gets the first character.")] = False,
    detect_every: Annotated[str, typer.Option(help=DETECT_EVERY_HELP)] = "auto",
    smoothing: Annotated[float, typer.Option(help="Temporal smoothing strength in [0, 1); 0 is off.")] = 0.0,
    max_side: Annotated[str, typer.Option(help=LIVE_MAX_SIDE_HELP)] = "auto",
    preview_port: Annotated[int, typer.Option(help="Browser preview on http://127.0.0.1:PORT/ (0: off).")] = 8765,
    window: Annotated[bool, typer.Option(help="Show an OpenCV window when a display exists.")] = True,
    record: Annotated[Path | None, typer.Option(help="Also write the stylized stream to this MP4.")] = None,
    microphone: Annotated[str | None, typer.Option(help=MICROPHONE_HELP)] = None,
    max_frames: Annotated[int | None, typer.Option(help="Stop after this many frames.")] = None,
    strength: Annotated[float, typer.Option(help=STRENGTH_HELP + " Keys \\[ and ] change it in the window.")] = 1.0,
    virtual_camera: Annotated[
        bool,
        typer.Option(help="Also send the clean feed to a virtual camera for Zoom, Meet or OBS (pip install pyvirtualcam)."),
    ] = False,
    overlay: Annotated[bool, typer.Option(help="Draw speed and who is who on the window and the preview.")] = True,
    backend: BackendOption = AUTO_BACKEND,
    line_art: LineArtOption = True,
) -> None:
    """Stylize a live source until it ends, `q` is pressed in the window, or Ctrl-C.

    In the window, \\[ and ] lower and raise the style strength and c switches to the next character."""
    from celflow.realtime.build import build_pipeline
    from celflow.realtime.capture import Capture
    from celflow.realtime.characters import parse_characters, parse_track_map
    from celflow.realtime.engine import run_loop
    from celflow.realtime.live_keys import KEYS_HELP, LiveKeys
    from celflow.realtime.modes import MODES
    from celflow.realtime.sinks import Mp4Sink, PreviewSink, WindowSink, has_display
    from celflow.realtime.sources import CameraSource, SourceError, open_source
    from celflow.realtime.strength import check_strength
    from celflow.realtime.tracking import parse_detect_every
    from celflow.realtime.virtual_camera import (
        VirtualCameraError,
        VirtualCameraSink,
        check_virtual_camera,
    )
    from celflow.realtime.working_size import parse_max_side

    show_celflow_logs()
    try:
        if virtual_camera:
            check_virtual_camera()
        check_strength(strength)
        if mode not in MODES:
            raise ValueError(f"--mode {mode}: expected one of {', '.join(MODES)}")
        cast = parse_characters(characters)
        explicit = parse_track_map(assign, [c.name for c in cast])
        opened = open_source(source)
        pipeline = build_pipeline(
            cast,
            mode,  # type: ignore[arg-type]
            "one-for-all" if one_for_all else "round-robin",
            explicit,
            detect_every=parse_detect_every(detect_every),
            smoothing=smoothing,
            frame_rate=opened.rate,
            working_side=parse_max_side(max_side),
            backend=backend,
            strength=strength,
            line_art=line_art,
        )
    except (SourceError, VirtualCameraError, *user_errors()) as error:
        fail(error)
    sinks = []
    try:
        if preview_port:
            sinks.append(PreviewSink(preview_port))
            typer.echo(f"preview: {sinks[-1].server.url} (clean feed, e.g. for an OBS browser source: "
                       f"{sinks[-1].server.clean_url})")
    except OSError as error:  # the port is taken
        fail(OSError(f"--preview-port {preview_port}: cannot listen on 127.0.0.1 ({error.strerror})"))
    if window and has_display():
        sinks.append(WindowSink(on_key=LiveKeys(pipeline)))
        typer.echo(KEYS_HELP)
    if virtual_camera:
        sinks.append(VirtualCameraSink(opened.rate))
    if record is not None:
        sound = open_microphone(microphone, camera=isinstance(opened, CameraSource))
        sinks.append(Mp4Sink(record, opened.rate, sound))
    capture = Capture(opened)
    try:
        report = run_loop(capture, pipeline, sinks, max_frames, overlay)
    except KeyboardInterrupt:
        typer.echo("stopped (Ctrl-C)")
        return
    except VirtualCameraError as error:
        fail(error)
    finally:
        capture.close()
    why = "stopped by the user" if report.stopped_by_user else (opened.end_reason or "stopped")
    stages = ""
    if report.stage_p50_ms:
        paint, finish = report.stage_p50_ms
        stages = f" (each frame: tracked and painted {paint:.0f} ms, line art and the rest {finish:.0f} ms, overlapped)"
    drawn_at = pipeline.working_size.drawn_at if pipeline.working_size is not None else None
    if drawn_at is not None:
        stages += f", drawn {drawn_at} px long (--max-side {max_side})"
    typer.echo(f"{opened.name}: {why}. {report.frames} frames at {report.fps:.1f} FPS, latency p50 "
               f"{report.latency_p50_ms:.0f} ms / p95 {report.latency_p95_ms:.0f} ms{stages}, "
               f"{capture.dropped} stale frames dropped")
