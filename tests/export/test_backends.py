"""Backend choice: `auto` takes the fastest backend present and says why; absent GPU libraries are a log line."""

from __future__ import annotations

import importlib.util
import logging
import re
import subprocess
import sys

import onnxruntime as ort
import pytest

from celflow.export.onnx_export import ExportReport
from celflow.export.quantize import VariantReport

from celflow.export.backends import (
    AUTO_ORDER,
    ORT_PROVIDERS,
    Backend,
    availability,
    available_backends,
    choose_backend,
    cuda_device_name,
    graph_refusal,
)

NO_GPU = cuda_device_name() is None
needs_no_gpu = pytest.mark.skipif(not NO_GPU, reason="describes a machine without a CUDA GPU; this one has one")


def test_auto_picks_the_first_available_backend_in_speed_order(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="celflow.export.backends"):
        chosen = choose_backend("auto")

    expected = next(b for b in AUTO_ORDER if availability(b).available)
    assert chosen is expected
    assert f"backend auto: chose {chosen.value}" in caplog.text


@needs_no_gpu
def test_without_a_gpu_auto_falls_back_to_the_cpu_and_logs_each_reason(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="celflow.export.backends"):  # the reasons: `-v`
        assert choose_backend("auto") is Backend.CPU

    for skipped in (Backend.TENSORRT, Backend.TENSORRT_EP, Backend.CUDA_EP):
        reason = availability(skipped).reason
        assert reason and f"skipped {skipped.value}: {reason}" in caplog.text
    assert available_backends() == [Backend.CPU, Backend.TORCH]


@needs_no_gpu
@pytest.mark.parametrize("backend", ["tensorrt", "tensorrt-ep", "cuda-ep"])
def test_asking_for_an_absent_gpu_backend_is_a_one_line_error(backend: str) -> None:
    reason = availability(Backend(backend)).reason
    with pytest.raises(ValueError, match=rf"^backend {backend}: not available here \({re.escape(reason)}\)$"):
        choose_backend(backend)


def test_without_gpu_libraries_auto_does_not_import_torch() -> None:
    """A live process stays small: torch is asked about a GPU only when a GPU library is there to use it."""
    probe = "import sys; from celflow.export.backends import choose_backend; choose_backend('auto'); print('torch' in sys.modules)"
    has_gpu_library = importlib.util.find_spec("tensorrt") is not None or any(
        ORT_PROVIDERS[b] in ort.get_available_providers() for b in (Backend.TENSORRT_EP, Backend.CUDA_EP)
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert imported == str(has_gpu_library)


def test_an_unknown_backend_name_is_refused() -> None:
    with pytest.raises(ValueError, match="'vulkan' is not a valid Backend"):
        choose_backend("vulkan")


TENSORRT_BACKENDS = (Backend.TENSORRT, Backend.TENSORRT_EP)
TENSORRT_RUNS_HERE = {backend: availability(backend).available for backend in TENSORRT_BACKENDS}


def test_tensorrt_cannot_build_the_cpu_int8_variant(int8: VariantReport) -> None:
    refusal = graph_refusal(int8.onnx_path)

    assert refusal is not None and refusal.startswith(f"{int8.onnx_path.name}: TensorRT cannot build this graph: ")


def test_tensorrt_can_build_the_float_export(exported: ExportReport) -> None:
    assert graph_refusal(exported.onnx_path) is None


@pytest.mark.parametrize("backend", TENSORRT_BACKENDS)
def test_tensorrt_is_never_offered_the_cpu_int8_variant(backend: Backend, int8: VariantReport) -> None:
    found = availability(backend, int8.onnx_path)

    assert not found.available
    # where TensorRT runs, the graph is why; elsewhere the machine is, and the graph is never read
    expected = graph_refusal(int8.onnx_path) if TENSORRT_RUNS_HERE[backend] else availability(backend).reason
    assert found.reason == expected


@pytest.mark.parametrize("backend", TENSORRT_BACKENDS)
def test_a_graph_tensorrt_builds_is_left_to_the_machine(backend: Backend, exported: ExportReport) -> None:
    assert availability(backend, exported.onnx_path) == availability(backend)


def test_auto_skips_tensorrt_for_the_cpu_int8_variant_and_says_why(int8: VariantReport, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="celflow.export.backends"):  # the reasons: `-v`
        chosen = choose_backend("auto", int8.onnx_path)

    assert chosen not in TENSORRT_BACKENDS
    for backend in TENSORRT_BACKENDS:
        assert f"skipped {backend.value}: {availability(backend, int8.onnx_path).reason}" in caplog.text


def test_asking_tensorrt_for_the_cpu_int8_variant_is_a_one_line_error(int8: VariantReport) -> None:
    reason = re.escape(availability(Backend.TENSORRT, int8.onnx_path).reason)
    with pytest.raises(ValueError, match=rf"^backend tensorrt: not available here \({reason}\)$"):
        choose_backend("tensorrt", int8.onnx_path)


def test_without_gpu_libraries_auto_does_not_read_the_graph(exported: ExportReport) -> None:
    """`stylize`, `convert` and `live` start sooner: onnx (seconds to import) is loaded only where TensorRT
    could run the graph it would check."""
    probe = (
        "import sys; from pathlib import Path; from celflow.export.backends import choose_backend; "
        f"choose_backend('auto', Path({str(exported.onnx_path)!r})); print('onnx' in sys.modules)"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert imported == str(any(TENSORRT_RUNS_HERE.values()))


def test_auto_says_its_choice_and_what_it_skipped_in_one_short_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="celflow.export.backends"):
        chosen = choose_backend("auto")
    assert len(caplog.records) == 1 and caplog.records[0].getMessage().startswith("backend auto: chose ")
    line = caplog.records[0].getMessage()
    assert len(line) <= 100, line  # a console line, not a paragraph
    skipped = AUTO_ORDER[: AUTO_ORDER.index(chosen)]
    assert all(backend.value in line for backend in skipped)

