"""The whole product at tiny sizes: real photos → pairs → student → ONNX → stylised video, through real flows."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from celflow.core.pair_folder import read_manifest
from celflow.pipelines.demo import DemoSettings, demo_flow
from celflow.pipelines.demo_photos import demo_clip_path
from celflow.realtime.video import probe_video, read_frames
from celflow.student.train import TrainConfig


def test_demo_runs_every_stage_and_writes_every_artefact(prefect_server, tmp_path, caplog):
    out = tmp_path / "demo"
    settings = DemoSettings(
        variants_per_portrait=3,
        clip_every=20,
        max_side=160,
        train=TrainConfig(steps=6, batch_size=2, crop_size=64, checkpoint_every=3),
        sheet_rows=2,
        progress=False,
    )
    with caplog.at_level(logging.INFO, logger="celflow.export.backends"):
        summary = demo_flow(out, settings)
    # the backend is chosen once and said once, though the comparison and the clip both open the student
    assert sum(r.getMessage().startswith("backend auto: chose ") for r in caplog.records) == 1

    manifest = read_manifest(out / "pairs")
    assert summary.pairs == len(manifest.pairs) >= 6
    assert summary.heldout_pairs >= 2 and summary.training_steps == 6
    assert summary.heldout_people == ("hopper", "obama")
    markdown = (out / "summary.md").read_text()
    assert "photos of hopper and obama, people never trained on" in markdown
    assert "student: identity distance, median" in markdown and "teacher: skin ΔITA° vs photo" in markdown
    assert 0 <= summary.closer_to_teacher <= summary.heldout_pairs and 0.0 <= summary.line_f1_vs_teacher <= 1.0
    assert 0.0 < summary.ssim_vs_teacher <= 1.0 and summary.teacher_ms_per_frame > 0
    assert summary.onnx_max_abs_diff <= 1e-3
    for name in ("onnx model", "contact sheet", "stylised video", "student checkpoint"):
        assert Path(summary.files[name]).exists(), name
    assert json.loads((out / "summary.json").read_text())["pairs"] == summary.pairs

    clip = demo_clip_path()
    source, stylised = probe_video(clip), probe_video(out / "demo_clip_webtoon.mp4")
    assert (stylised.width, stylised.height) == (source.width, source.height)
    assert summary.video_frames == stylised.frames == source.frames
    first_in, first_out = next(read_frames(clip)), next(read_frames(out / "demo_clip_webtoon.mp4"))
    assert np.abs(first_in.astype(int) - first_out.astype(int)).mean() > 2.0
