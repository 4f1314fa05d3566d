"""`celflow studio`: the local web app (stylise photos, videos and the webcam, a gallery, characters)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from celflow.cli.support import BackendOption, fail, show_celflow_logs
from celflow.core.defaults import AUTO_BACKEND
from celflow.studio.limits import MEGABYTE, PHOTO_LIMIT, VIDEO_LIMIT

EXAMPLES = f"""Example:

  celflow studio --root ~/celflow-studio          (then open http://127.0.0.1:7860)

Stylise: photos up to {PHOTO_LIMIT // MEGABYTE} MB, before and after with a strength slider, PNG download. Video: up to {VIDEO_LIMIT // MEGABYTE} MB, converted in the background to an MP4. Webcam: your browser's camera. Gallery: every result, kept in ROOT/gallery. Characters: packs from reference pictures, distill in the background, pack zips in and out.

Every file the studio writes goes under ROOT. It listens on 127.0.0.1 only unless --host says otherwise (--host 0.0.0.0 lets every computer on your network use it and fill ROOT)."""


def check_port_free(host: str, port: int) -> None:
    """A one-line error now when another program holds the port, not a traceback from the web server."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a port just freed is free
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ValueError(f"--port {port}: already in use on {host} (another studio?); pass another --port") from error
            raise ValueError(f"--host {host}: cannot listen there ({error.strerror or error})") from error


def studio(
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps the studio to this computer.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the page: http://HOST:PORT.")] = 7860,
    root: Annotated[Path, typer.Option(help="Folder for everything the studio keeps: gallery, packs, runs.")] = Path(
        "celflow-studio"
    ),
    backend: BackendOption = AUTO_BACKEND,
) -> None:
    """Open the celflow studio in your browser: photos, videos and the webcam through your characters."""
    show_celflow_logs()
    try:
        if not 1 <= port <= 65535:
            raise ValueError(f"--port {port}: must be between 1 and 65535")
        if root.exists() and not root.is_dir():
            raise ValueError(f"--root {root}: is a file, not a folder")
        check_port_free(host, port)
    except ValueError as error:
        fail(error)
    import uvicorn

    from celflow.studio.app import create_app

    typer.echo(f"celflow studio: http://{host}:{port}  (root {root.resolve()}; Ctrl+C stops it)")
    uvicorn.run(create_app(root, backend), host=host, port=port, log_level="warning")
