"""The device and dtype the diffusion teachers choose from what the machine has."""

from __future__ import annotations

import pytest

from celflow.generators.diffusion.device import DeviceChoice, choose_device


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [
        (True, False, DeviceChoice("cuda", "float16")),
        (True, True, DeviceChoice("cuda", "float16")),
        (False, True, DeviceChoice("mps", "float32")),
        (False, False, DeviceChoice("cpu", "float32")),
    ],
)
def test_auto_takes_the_fastest_device_with_its_dtype(cuda, mps, expected):
    assert choose_device("auto", cuda=cuda, mps=mps) == expected


def test_cpu_can_be_forced_on_a_gpu_machine():
    assert choose_device("cpu", cuda=True, mps=False) == DeviceChoice("cpu", "float32")


def test_asking_for_a_device_the_machine_lacks_is_a_clear_error():
    with pytest.raises(ValueError, match="device: cuda was asked for but this machine has none"):
        choose_device("cuda", cuda=False, mps=True)
