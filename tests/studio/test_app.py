"""The studio's routes, called as the page calls them: what each tab asks for and what it gets back."""

from __future__ import annotations

import io
import json
import time
import zipfile

import cv2
import numpy as np
import pytest
from celflow.core.character import FaceGeometry
from celflow.core.line_art import LineArt
from celflow.generators.photo import decode_photo
from celflow.realtime.video import probe_video, read_frames
from fastapi.testclient import TestClient

import celflow
from celflow.studio.app import create_app
from celflow.studio.students_open import OpenStudents
from tests.conftest import SAMPLES
from tests.realtime.conftest import TINTS, redness, tinted_student_onnx

PHOTO = (SAMPLES / "grace_hopper.jpg").read_bytes()


@pytest.fixture
def client(studio_root):
    with TestClient(create_app(studio_root)) as client:
        yield client


def image(response) -> np.ndarray:
    assert response.status_code == 200, response.text
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def test_the_students_of_the_root_are_listed_with_their_model_card(client, studio_root):
    (studio_root / "runs" / "red" / "distill_summary.json").write_text(json.dumps({"character": "red", "pairs": 12}))
    red = next(s for s in client.get("/api/students").json() if s["name"] == "red")
    assert red["card"] == {"distill_summary.json": {"character": "red", "pairs": 12}}


def test_the_strength_slider_reblends_the_students_picture(client, red_student):
    still = client.post("/api/stills?student=red&name=grace_hopper.jpg", content=PHOTO).json()
    photo = decode_photo(PHOTO)

    assert np.array_equal(image(client.get(f"/api/stills/{still['id']}/photo.png")), photo)
    assert np.array_equal(image(client.get(f"/api/stills/{still['id']}/result.png?strength=0")), photo)
    stylizer = celflow.load(red_student, strength=0.3)
    try:
        expected = stylizer(photo)
    finally:
        stylizer.close()
    assert np.array_equal(image(client.get(f"/api/stills/{still['id']}/result.png?strength=0.3")), expected)


def test_the_slider_mixes_a_picture_in_the_character_s_proportions_as_the_python_api_does(tmp_path):
    """A student whose faces are warped at run time: the slider's photo takes the same warp (no double eyes)."""
    lines = LineArt(ink=(40, 25, 25), line_weight=1.6, line_darkness=0.9, geometry=FaceGeometry(eye_scale=1.3),
                    warp_at_run_time=True)
    run = tmp_path / "root" / "runs" / "big-eyes"
    run.mkdir(parents=True)
    model = tinted_student_onnx(run, TINTS["red"], lines)
    photo = decode_photo(PHOTO)
    stylizer = celflow.load(model, strength=0.3)
    try:
        expected = stylizer(photo)
    finally:
        stylizer.close()
    with TestClient(create_app(tmp_path / "root")) as client:
        still = client.post("/api/stills?student=big-eyes&name=grace_hopper.jpg", content=PHOTO).json()

        assert np.array_equal(image(client.get(f"/api/stills/{still['id']}/result.png?strength=0.3")), expected)
        assert np.array_equal(image(client.get(f"/api/stills/{still['id']}/result.png?strength=0")), photo)


def test_moving_the_slider_does_not_run_the_student_again(studio_root, monkeypatch):
    runs = []
    draw = OpenStudents.draw
    monkeypatch.setattr(OpenStudents, "draw", lambda self, *args: runs.append(args) or draw(self, *args))
    with TestClient(create_app(studio_root)) as client:
        still = client.post("/api/stills?student=red&name=grace_hopper.jpg", content=PHOTO).json()
        for strength in (0.2, 0.5, 0.9):
            image(client.get(f"/api/stills/{still['id']}/result.png?strength={strength}"))
        client.post(f"/api/stills/{still['id']}/keep?strength=0.7")
    assert len(runs) == 1


def test_a_kept_result_is_in_the_gallery_and_downloads_as_a_png_attachment(client, studio_root):
    still = client.post("/api/stills?student=red&name=grace_hopper.jpg", content=PHOTO).json()
    kept = client.post(f"/api/stills/{still['id']}/keep?strength=0.5").json()

    assert [item["name"] for item in client.get("/api/gallery").json()] == [kept["name"]]
    download = client.get(f"/api/gallery/{kept['name']}?download=true")
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.content == (studio_root / "gallery" / kept["name"]).read_bytes()
    with TestClient(create_app(studio_root)) as restarted:
        assert [item["name"] for item in restarted.get("/api/gallery").json()] == [kept["name"]]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"<html>a web page</html>", 400, "holiday.jpg: not an image file"),
        (b"", 400, "holiday.jpg: empty file"),
        (b"\xff" * (20 * 1024 * 1024 + 1), 413, "holiday.jpg: larger than 20 MB"),
    ],
)
def test_an_upload_that_is_not_a_photo_gets_one_clear_error(client, body, status, message):
    answer = client.post("/api/stills?student=red&name=holiday.jpg", content=body)
    assert answer.status_code == status
    assert answer.json()["error"].startswith(message)


def test_an_unknown_student_or_an_unsafe_name_is_refused(client):
    assert client.post("/api/stills?student=nobody", content=PHOTO).status_code == 404
    assert client.post("/api/stills?student=..%2F..", content=PHOTO).status_code == 400
    answer = client.get("/api/gallery/..%2F..%2Fruns%2Fred%2Fstudent.onnx")
    assert answer.status_code in (400, 404)
    assert answer.headers["content-type"].startswith("application/json")


def test_a_webcam_frame_comes_back_stylised_at_the_strength_asked(client, hopper):
    _, frame = cv2.imencode(".jpg", cv2.cvtColor(hopper, cv2.COLOR_RGB2BGR))
    out = image(client.post("/api/webcam?student=red&strength=1", content=frame.tobytes()))
    same = image(client.post("/api/webcam?student=red&strength=0", content=frame.tobytes()))
    assert out.shape == hopper.shape
    assert redness(out) > redness(same) + 60


def test_a_video_is_converted_in_the_background_into_the_gallery(client, silent_clip, studio_root):
    job = client.post("/api/videos?student=red&strength=1&name=clip.mp4", content=silent_clip.read_bytes()).json()
    deadline = time.monotonic() + 60
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job['id']}").json()

    assert job["state"] == "done", job["message"]
    assert job["progress"] == 1.0
    result = studio_root / "gallery" / job["result"]
    assert probe_video(result).frames == probe_video(silent_clip).frames
    assert redness(next(read_frames(result))) > redness(next(read_frames(silent_clip))) + 60
    assert not list((studio_root / "uploads").iterdir())  # the upload is not kept


def test_a_photo_is_refused_as_a_video(client):
    answer = client.post("/api/videos?student=red&name=clip.mp4", content=PHOTO)
    assert answer.status_code == 400
    assert "clip.mp4: not a video" in answer.json()["error"]


def test_a_character_is_made_from_references_and_shared_as_a_zip(client, studio_root, tmp_path):
    uploaded = client.post("/api/characters/anna/references?filename=look.jpg", content=PHOTO).json()
    assert uploaded["count"] == 1
    colours = client.get("/api/characters/anna/suggested").json()
    assert len(colours["palette"]) == 8 and colours["skin_tone"].startswith("#")

    edited = ["#112233", *colours["palette"][1:]]
    assert client.post("/api/characters/anna", json={"palette": edited, "skin_tone": "#c68e6c"}).status_code == 200
    anna = next(p for p in client.get("/api/packs").json() if p["name"] == "anna")
    assert anna["palette"] == edited and anna["skin_tone"] == "#c68e6c" and not anna["built_in"]

    exported = client.get("/api/characters/anna/pack.zip")
    assert sorted(zipfile.ZipFile(io.BytesIO(exported.content)).namelist()) == [
        "anna/character.yaml", "anna/references/look.png"]
    assert client.post("/api/characters/import", content=exported.content).status_code == 409
    with TestClient(create_app(tmp_path / "elsewhere")) as other:
        assert other.post("/api/characters/import", content=exported.content).json() == {"name": "anna"}
        assert "anna" in [p["name"] for p in other.get("/api/packs").json()]


def test_a_new_pack_cannot_take_a_built_in_name(client):
    answer = client.post("/api/characters/default", json={"palette": ["#000000", "#ffffff"]})
    assert answer.status_code == 409
    assert "built-in" in answer.json()["error"]


def test_distilling_without_photos_says_what_to_upload(client):
    answer = client.post("/api/characters/default/distill?minutes=1")
    assert answer.status_code == 404
    assert "upload the photos to distill from first" in answer.json()["error"]
