"""Browser preview: the newest frame as MJPEG over HTTP on 127.0.0.1 (stdlib server, one thread per viewer).

Two feeds: the picture with the overlay (speed, who is who) for the person at the camera, and the clean
picture for streaming software (an OBS browser source, a screen capture) to pass on as it is.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

BOUNDARY = "celflowframe"
OVERLAY, CLEAN = "overlay", "clean"
PAGE = b"""<!doctype html><html><head><title>celflow live</title>
<style>body{margin:0;background:#111}img{display:block;max-width:100vw;max-height:100vh;margin:auto}
a{position:fixed;right:8px;bottom:6px;font:12px sans-serif;color:#aaa}</style>
</head><body><img src="/stream.mjpg" alt="celflow live"><a href="/clean">clean feed (no overlay)</a></body></html>"""
CLEAN_PAGE = b"""<!doctype html><html><head><title>celflow live (clean)</title>
<style>html,body{margin:0;height:100%;overflow:hidden}img{width:100vw;height:100vh;object-fit:contain}</style>
</head><body><img src="/clean.mjpg" alt="celflow live"></body></html>"""
ROUTES = {  # path → (feed, what it sends)
    "/stream.mjpg": (OVERLAY, "stream"),
    "/frame.jpg": (OVERLAY, "frame"),
    "/clean.mjpg": (CLEAN, "stream"),
    "/clean.jpg": (CLEAN, "frame"),
}


class PreviewServer:
    """Serves `/` (a page), `/stream.mjpg` (every new frame) and `/frame.jpg` (the newest one), and the same without
    the overlay at `/clean`, `/clean.mjpg` and `/clean.jpg`.

    Frames are encoded as JPEG on the viewers' threads, once per feed and frame, and only for feeds someone
    watches: the loop that publishes them does not wait for the encoder.
    """

    def __init__(self, port: int = 0, quality: int = 80) -> None:
        self._quality = quality
        self._frames: dict[str, np.ndarray] = {}
        self._jpegs: dict[str, tuple[int, bytes]] = {}  # feed → (serial, JPEG) last encoded
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

    @property
    def clean_url(self) -> str:
        """The page without the overlay, e.g. for an OBS browser source."""
        return self.url + CLEAN

    def publish(self, rgb: np.ndarray, clean: np.ndarray | None = None) -> None:
        """Show `rgb` (with the overlay) and `clean` (without; default `rgb`) to every viewer; viewers that are
        behind skip to it."""
        with self._changed:
            self._frames = {OVERLAY: rgb, CLEAN: rgb if clean is None else clean}
            self._serial += 1
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def _next_jpeg(self, feed: str, seen: int, timeout: float) -> tuple[bytes | None, int]:
        with self._changed:
            self._changed.wait_for(lambda: self._serial != seen or self._closing, timeout)
            if self._closing or not self._frames:
                return None, seen
            serial, rgb = self._serial, self._frames[feed]
            encoded = self._jpegs.get(feed)
        if encoded is not None and encoded[0] == serial:
            return encoded[1], serial
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, self._quality])
        if not ok:
            raise ValueError(f"preview: cannot encode a {rgb.shape} frame as JPEG")
        encoded = (serial, jpeg.tobytes())
        with self._changed:
            self._jpegs[feed] = encoded
        return encoded[1], serial

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # one line per request would drown the console
                pass

            def do_GET(self) -> None:
                if self.path in ("/", f"/{CLEAN}"):
                    self._send(PAGE if self.path == "/" else CLEAN_PAGE, "text/html; charset=utf-8")
                elif self.path not in ROUTES:
                    self.send_error(HTTPStatus.NOT_FOUND)
                elif ROUTES[self.path][1] == "stream":
                    self._stream(ROUTES[self.path][0])
                else:
                    jpeg, _ = preview._next_jpeg(ROUTES[self.path][0], 0, timeout=5.0)
                    if jpeg is None:
                        self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "no frame yet")
                    else:
                        self._send(jpeg, "image/jpeg")

            def _send(self, body: bytes, content_type: str) -> None:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, feed: str) -> None:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                seen = 0
                try:
                    while True:
                        jpeg, serial = preview._next_jpeg(feed, seen, timeout=1.0)
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
