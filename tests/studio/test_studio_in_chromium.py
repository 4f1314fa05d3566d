"""The studio end to end, as a person uses it, in a real headless Chromium: `celflow studio` started as a
command, a real photo uploaded, the strength slider moved with the keyboard, the PNG downloaded; the download
equals what `celflow.load` draws from the same photo at the same strength. And the webcam tab on Chromium's
fake camera."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import cv2
import numpy as np
import pytest
from celflow.generators.photo import decode_photo

import celflow
from tests.conftest import SAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")

PHOTO = SAMPLES / "grace_hopper.jpg"
SLIDER_STEPS_DOWN = 40  # from 1.00 to 0.60, one arrow key press per hundredth


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def studio_url(studio_root):
    """`celflow studio` on a free port, its root holding the `red` student; stopped after the test."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "celflow", "studio", "--port", str(port), "--root", str(studio_root)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the studio did not start: {server.communicate()[0]}")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def page():
    with playwright.sync_playwright() as driver:
        try:
            browser = driver.chromium.launch(
                executable_path=CHROMIUM,
                # a fake camera (a moving test pattern) that the page may use without asking
                args=["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
            )
        except playwright.Error as error:
            pytest.skip(reason=f"Chromium does not start here: {error.message.splitlines()[0]}")
        context = browser.new_context(accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_a_photo_stylised_in_the_browser_downloads_as_celflow_load_draws_it(studio_url, page, red_student, tmp_path):
    page.set_default_timeout(30_000)
    page.goto(studio_url)
    page.wait_for_selector("#student option[value=red]", state="attached")
    page.select_option("#student", "red")

    page.set_input_files("#photo", str(PHOTO))
    page.wait_for_selector("#download:enabled")
    page.focus("#strength")
    for _ in range(SLIDER_STEPS_DOWN):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.getElementById('after').dataset.strength === '0.60'")
    assert page.inner_text("#strength-value") == "0.60"
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    downloaded = cv2.cvtColor(cv2.imread(str(saved)), cv2.COLOR_BGR2RGB)
    stylizer = celflow.load(red_student, strength=0.6)
    try:
        expected = stylizer(decode_photo(PHOTO.read_bytes()))
    finally:
        stylizer.close()
    assert downloaded.shape == expected.shape
    assert np.abs(downloaded.astype(int) - expected.astype(int)).max() <= 1
    assert np.abs(downloaded.astype(int) - decode_photo(PHOTO.read_bytes()).astype(int)).mean() > 5  # stylised

    page.click("button[data-tab=gallery]")
    page.wait_for_selector(f"#gallery-items a:has-text('{saved.name}')")
    assert saved.name.endswith("-grace_hopper-red-s60.png")


def test_the_webcam_tab_shows_the_camera_stylised(studio_url, page):
    page.set_default_timeout(30_000)
    page.goto(studio_url)
    page.wait_for_selector("#student option[value=red]", state="attached")
    page.click("button[data-tab=webcam]")
    page.click("#webcam-start")
    page.wait_for_function("document.getElementById('webcam-out').naturalWidth > 0")
    page.wait_for_function("document.getElementById('webcam-fps').textContent.endsWith('frames/s')")
    assert page.inner_text("#error") == ""
    page.click("#webcam-stop")
