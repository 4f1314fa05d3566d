"""The one way to open a student, for every command: an ONNX file or a student folder, on the backend asked
for or the fastest this machine has (`auto`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from celflow.core.defaults import AUTO_BACKEND
from celflow.core.line_art import (
    LINE_ART_METADATA_KEY,
    LineArt,
    parse_line_art,
    read_line_art,
)
from celflow.export.backends import Backend, choose_backend
from celflow.export.stylizer import Stylizer

if TYPE_CHECKING:
    from celflow.export.runtime import AlphaStylizer

log = logging.getLogger(__name__)


def open_stylizer(
    model: Path,
    backend: Backend | str = AUTO_BACKEND,
    threads: int | None = None,
    fp16: bool = False,
    spin: bool = True,
    with_alpha: bool = False,
) -> Stylizer | AlphaStylizer:
    """`model` is an ONNX file, or a student folder for the torch backend; `auto` logs what it chose and why.

    `spin` is onnxruntime's busy-waiting between runs (see `open_session`); the realtime loop turns it off, as
    the detector, the segmenter, the codec and other characters' sessions share the cores. `with_alpha` gives an
    `AlphaStylizer` when the ONNX student has an alpha head; its alpha is read through onnxruntime, so a native
    TensorRT engine gives the picture only."""
    model = Path(model)
    if model.is_dir():
        if backend not in (AUTO_BACKEND, Backend.TORCH, Backend.TORCH.value):
            raise ValueError(f"{model}: a student folder runs on the torch backend only; export it for {backend}")
        log.info("%s: a student folder runs on PyTorch eager", model)
        from celflow.export.torch_stylizer import TorchStylizer

        return TorchStylizer(model)
    chosen = choose_backend(backend, model)
    if chosen is Backend.TORCH:
        raise ValueError(f"{model}: the torch backend needs the student folder, not an ONNX file")
    if chosen is Backend.TENSORRT:
        from celflow.export.tensorrt_engine import TensorRTStylizer

        return TensorRTStylizer(model, fp16=fp16)
    from celflow.export.runtime import ALPHA_OUTPUT, AlphaStylizer, OnnxStylizer

    stylizer = OnnxStylizer(model, threads, chosen, fp16=fp16, spin=spin)
    if with_alpha and any(output.name == ALPHA_OUTPUT for output in stylizer.session.get_outputs()):
        return AlphaStylizer(stylizer)
    return stylizer


def read_student_line_art(model: Path) -> LineArt | None:
    """The line art a student carries (see core/line_art.py): from a student folder's file or an ONNX
    file's metadata; None for a student made without it."""
    model = Path(model)
    if model.is_dir():
        return read_line_art(model)
    import onnxruntime as ort  # its session reads the metadata without importing onnx, which costs a second

    metadata = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map
    text = metadata.get(LINE_ART_METADATA_KEY)
    return parse_line_art(text, f"{model}: metadata {LINE_ART_METADATA_KEY}") if text else None
