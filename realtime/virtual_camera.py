"""The stylised feed as a camera that video-call and streaming programs (Zoom, Meet, OBS) can pick.

pyvirtualcam sends the frames: to a v4l2loopback device on Linux, to OBS Studio's virtual camera on Windows
and macOS. Neither is installed with celflow, so what is missing is said in one line, naming the fix.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np

from celflow.realtime.records import StylizedFrame

log = logging.getLogger(__name__)

INSTALL_PYVIRTUALCAM = "pip install pyvirtualcam (or pip install 'celflow[virtualcam]')"
# v4l2loopback's devices have no hardware parent, so the kernel lists them here and nowhere else
LOOPBACK_DEVICES = Path("/sys/devices/virtual/video4linux")
LOAD_LOOPBACK = "sudo modprobe v4l2loopback (Debian and Ubuntu: sudo apt install v4l2loopback-dkms first)"
OBS_CAMERA = "install OBS Studio and start its virtual camera once"


class VirtualCameraError(Exception):
    """No virtual camera can be opened; the message names what to install."""


def _pyvirtualcam():
    """pyvirtualcam, imported only by those who stream: it is an optional extra."""
    try:
        import pyvirtualcam
    except ImportError as error:
        raise VirtualCameraError(f"--virtual-camera: pyvirtualcam is not installed; {INSTALL_PYVIRTUALCAM}") from error
    return pyvirtualcam


def _how_to_get_a_camera() -> str:
    return LOAD_LOOPBACK if sys.platform.startswith("linux") else OBS_CAMERA


def check_virtual_camera(loopback_devices: Path = LOOPBACK_DEVICES) -> None:
    """Raise VirtualCameraError now, before a camera or a model is opened, when pyvirtualcam or (on Linux) a
    v4l2loopback device is missing."""
    _pyvirtualcam()
    if sys.platform.startswith("linux") and not any(loopback_devices.glob("video*")):
        raise VirtualCameraError(f"--virtual-camera: no v4l2loopback camera device on this machine; {LOAD_LOOPBACK}")


class VirtualCameraSink:
    """Clean frames (never the overlay) to a virtual camera, opened at the first frame's size.

    `backend` is pyvirtualcam's backend name (None: the first that opens).
    """

    def __init__(self, rate: float, backend: str | None = None) -> None:
        self._rate = rate
        self._backend = backend
        self._camera = None

    def write(self, result: StylizedFrame, annotated: np.ndarray) -> bool:
        if self._camera is None:
            height, width = result.rgb.shape[:2]
            self._camera = self._open(width, height)
        self._camera.send(np.ascontiguousarray(result.rgb))
        return True

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()

    def _open(self, width: int, height: int):
        pyvirtualcam = _pyvirtualcam()
        try:
            camera = pyvirtualcam.Camera(
                width, height, self._rate, fmt=pyvirtualcam.PixelFormat.RGB, backend=self._backend
            )
        except RuntimeError as error:  # pyvirtualcam says why each backend failed, one per line
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise VirtualCameraError(f"--virtual-camera: cannot open one ({reason}); {_how_to_get_a_camera()}") from error
        log.info("virtual camera: %s (%d×%d), clean feed", camera.device, width, height)
        return camera
