"""Backend choice: `auto` takes the fastest backend present and says why; absent GPU libraries are a log line."""

from __future__ import annotations

import logging

import pytest

from celflow.export.backends import AUTO_ORDER, Backend, availability, available_backends, choose_backend, cuda_device_name

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
    with caplog.at_level(logging.INFO, logger="celflow.export.backends"):
        assert choose_backend("auto") is Backend.CPU

    for skipped in ("tensorrt", "tensorrt-ep", "cuda-ep"):
        assert f"backend auto: skipped {skipped}: no CUDA GPU visible to torch" in caplog.text
    assert available_backends() == [Backend.CPU, Backend.TORCH]


@needs_no_gpu
@pytest.mark.parametrize("backend", ["tensorrt", "tensorrt-ep", "cuda-ep"])
def test_asking_for_an_absent_gpu_backend_is_a_one_line_error(backend: str) -> None:
    with pytest.raises(ValueError, match=rf"backend {backend}: not available here \(no CUDA GPU visible to torch\)"):
        choose_backend(backend)


def test_an_unknown_backend_name_is_refused() -> None:
    with pytest.raises(ValueError, match="'vulkan' is not a valid Backend"):
        choose_backend("vulkan")
