"""`celflow stylize` as a user types it: a folder of mixed photos, one bad file, no Prefect anywhere."""

from __future__ import annotations

import re

import cv2
import numpy as np
import skimage.data
from PIL import Image
from typer.testing import CliRunner

from celflow.cli import app
from celflow.core.defaults import STILL_MAX_SIDE
from tests.cli_process import run_celflow
from tests.conftest import save_rgb

from .conftest import redness


def mixed_photos(folder, hopper, obama) -> dict[str, tuple[int, int]]:
    """Photos with and without faces in several formats, one broken: name → (height, width) it shows."""
    save_rgb(folder / "hopper.jpg", hopper)
    save_rgb(folder / "people" / "obama.png", obama[:, :400])
    Image.fromarray(skimage.data.coffee()).convert("CMYK").save(folder / "coffee.jpg")
    Image.fromarray(skimage.data.rocket()).convert("L").save(folder / "rocket.tif")
    cv2.imwrite(str(folder / "deep.png"), cv2.cvtColor(hopper, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)
    (folder / "broken.jpg").write_bytes((folder / "hopper.jpg").read_bytes()[:2000])
    return {
        "hopper.png": hopper.shape[:2],
        "people/obama.png": (obama.shape[0], 400),
        "coffee.png": skimage.data.coffee().shape[:2],
        "rocket.png": skimage.data.rocket().shape[:2],
        "deep.png": hopper.shape[:2],
    }


def test_a_folder_of_mixed_photos_converts_without_starting_prefect(characters, hopper, obama, tmp_path, monkeypatch):
    shows = mixed_photos(tmp_path / "photos", hopper, obama)
    out = tmp_path / "webtoon"
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")  # every module the command imports, listed on stderr

    result = run_celflow(["stylize", str(tmp_path / "photos"), "-o", str(out), "--model", str(characters["red"])],
                         tmp_path / "prefect-home")

    assert result.returncode == 0, result.stdout
    imported = re.findall(r"^import time:.*\|\s+(\S+)$", result.stdout, re.MULTILINE)
    assert "onnxruntime" in imported and not [name for name in imported if name.split(".")[0] == "prefect"]
    # stdout and stderr interleave in the pipe, so each message is looked for whole, not as a line of its own
    assert f"wrote 5 webtoon images to {out} (1 skipped)" in result.stdout
    assert result.stdout.count(f"skipped {tmp_path}") == 1
    assert f"skipped {tmp_path / 'photos' / 'broken.jpg'}: truncated or corrupt image" in result.stdout
    assert "stylize: 100%|" in result.stdout  # the progress bar
    for name, (height, width) in shows.items():
        webtoon = cv2.imread(str(out / name))
        assert webtoon.shape == (height, width, 3), name
        assert redness(cv2.cvtColor(webtoon, cv2.COLOR_BGR2RGB)) > 60, name


def test_nothing_converted_is_an_error(characters, tmp_path):
    (tmp_path / "a.jpg").write_text("not a photo")

    result = CliRunner().invoke(app, ["stylize", str(tmp_path / "a.jpg"), "-o", str(tmp_path / "out"),
                                      "--model", str(characters["red"])])

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-2:] == [
        f"skipped {tmp_path / 'a.jpg'}: not an image file",
        "celflow: error: nothing converted: every photo was skipped (1 skipped)",
    ]


def test_one_photo_to_a_file_name_writes_that_file(characters, hopper, tmp_path):
    photo = save_rgb(tmp_path / "a.jpg", hopper)
    out = tmp_path / "drawn.png"
    out.write_bytes(b"an earlier result")  # a rerun overwrites the file it wrote

    result = CliRunner().invoke(app, ["stylize", str(photo), "-o", str(out), "--model", str(characters["red"])])

    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"wrote 1 webtoon image to {out}"
    webtoon = cv2.imread(str(out))
    assert webtoon.shape == (*hopper.shape[:2], 3)
    assert redness(cv2.cvtColor(webtoon, cv2.COLOR_BGR2RGB)) > 60


def test_a_character_without_a_student_is_one_line_naming_the_command_that_makes_it(hopper, tmp_path):
    photo = save_rgb(tmp_path / "a.jpg", hopper)

    result = CliRunner().invoke(app, ["stylize", str(photo), "-o", str(tmp_path / "out"), "--character", "anna"])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        (
            "celflow: error: anna: no ONNX student at anna; a character's student is made by `celflow distill "
            "PHOTOS/ OUT/ --character PACK` (then give OUT/) or `celflow demo`"
        )
    ]


def test_strength_and_the_model_choice_are_checked_first(characters, hopper, tmp_path):
    photo = str(save_rgb(tmp_path / "a.jpg", hopper))
    common = ["stylize", photo, "-o", str(tmp_path / "out")]

    both = CliRunner().invoke(app, [*common, "--model", str(characters["red"]), "--character", "default"])
    too_strong = CliRunner().invoke(app, [*common, "--model", str(characters["red"]), "--strength", "2"])

    assert both.exit_code == 1 and "celflow: error: give --model or --character, not both" in both.output
    assert too_strong.exit_code == 1 and "celflow: error: --strength 2.0: must be between 0" in too_strong.output
    assert not (tmp_path / "out").exists()


def test_help_teaches_with_examples():
    result = CliRunner().invoke(app, ["stylize", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "celflow stylize portrait.jpg -o webtoon/ --model celflow-demo/student.onnx" in result.output
    assert "the exit code is 1 only when nothing was converted" in result.output


def test_without_a_model_or_a_character_the_shipped_base_student_draws(hopper, tmp_path):
    """A first try needs no trained student: `celflow stylize photo.jpg -o out/` uses the shipped `default`."""
    photo = save_rgb(tmp_path / "a.jpg", hopper)

    result = CliRunner().invoke(app, ["stylize", str(photo), "-o", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.png").is_file()


def test_a_large_photo_is_drawn_at_the_default_side_unless_full_is_asked(characters, hopper, tmp_path):
    """A phone's photo drawn at its own size takes gigabytes: by default it is shrunk to STILL_MAX_SIDE first."""
    scale = (STILL_MAX_SIDE + 200) / max(hopper.shape[:2])
    photo = save_rgb(tmp_path / "big.jpg", cv2.resize(hopper, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    height, width = cv2.imread(str(photo)).shape[:2]
    common = ["stylize", str(photo), "--model", str(characters["red"])]

    default = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "default")])
    full = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "full"), "--max-side", "full"])
    wrong = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "wrong"), "--max-side", "auto"])

    assert default.exit_code == 0 and full.exit_code == 0, default.output + full.output
    assert max(cv2.imread(str(tmp_path / "default" / "big.png")).shape[:2]) == STILL_MAX_SIDE
    assert f"(1 drawn {STILL_MAX_SIDE} px long, --max-side)" in default.output
    assert "px long" not in full.output
    assert cv2.imread(str(tmp_path / "full" / "big.png")).shape[:2] == (height, width)
    assert wrong.exit_code == 1 and "celflow: error: --max-side auto:" in wrong.output
