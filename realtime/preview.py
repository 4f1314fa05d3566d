"""Browser preview: the newest frame as MJPEG over HTTP on 127.0.0.1 (stdlib server, one thread per viewer)."""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

BOUNDARY = "celflowframe"
PAGE = b"""<!doctype html><html><head><title>celflow live</title>
<style>body{margin:0;background:#111}img{display:block;max-width:100vw;max-height:100vh;margin:auto}</style>
</head><body><img src="/stream.mjpg" alt="celflow live"></body></html>"""


class PreviewServer:
    """Serves `/` (a page), `/stream.mjpg` (every new frame) and `/frame.jpg` (the newest one)."""

    def __init__(self, port: int = 0, quality: int = 80) -> None:
        self._quality = quality
        self._jpeg: bytes | None = None
        self._serial = 0
        self._changed = threading.Condition()
        self._closing = False
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="preview", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def publish(self, rgb: np.ndarray) -> None:
        """Encode `rgb` once for every viewer; viewers that are behind skip to it."""
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, self._quality])
        if not ok:
            raise ValueError(f"preview: cannot encode a {rgb.shape} frame as JPEG")
        with self._changed:
            self._jpeg, self._serial = jpeg.tobytes(), self._serial + 1
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def _next_jpeg(self, seen: int, timeout: float) -> tuple[bytes | None, int]:
        with self._changed:
            self._changed.wait_for(lambda: self._serial != seen or self._closing, timeout)
            return (None, seen) if self._closing else (self._jpeg, self._serial)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # one line per request would drown the console
                pass

            def do_GET(self) -> None:
                if self.path == "/":
                    self._send(PAGE, "text/html; charset=utf-8")
                elif self.path == "/frame.jpg":
                    jpeg, _ = preview._next_jpeg(0, timeout=5.0)
                    if jpeg is None:
                        self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "no frame yet")
                    else:
                        self._send(jpeg, "image/jpeg")
                elif self.path == "/stream.mjpg":
                    self._stream()
                else:
                    self.send_error(HTTPStatus.NOT_FOUND)

            def _send(self, body: bytes, content_type: str) -> None:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def _stream(self) -> None:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                seen = 0
                try:
                    while True:
                        jpeg, serial = preview._next_jpeg(seen, timeout=1.0)
                        if jpeg is None and preview._closing:
                            return
                        if jpeg is None or serial == seen:
                            continue
                        seen = serial
                        header = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
                        self.wfile.write(header.encode() + jpeg + b"\r\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return  # the viewer closed the tab

        return Handler
