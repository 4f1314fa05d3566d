"""StudentUNet: any stride-multiple size in, same size out in [0, 1], within the parameter budget."""

from __future__ import annotations

import pydantic
import pytest
import torch
from torch import nn

from celflow.student.unet import StudentConfig, StudentUNet, count_parameters
from tests.student.conftest import randomised_student

PARAMETER_BUDGET = 300_000


@pytest.mark.parametrize(("batch", "height", "width"), [(1, 8, 8), (2, 24, 40), (1, 56, 8), (3, 72, 104)])
def test_output_has_the_input_shape_and_stays_in_unit_range(batch: int, height: int, width: int) -> None:
    with torch.inference_mode():
        stylized = randomised_student()(torch.rand(batch, 3, height, width))

    assert stylized.shape == (batch, 3, height, width)
    assert stylized.min() >= 0.0 and stylized.max() <= 1.0


def test_an_untrained_student_returns_the_photo() -> None:
    photo = torch.rand(1, 3, 32, 48)
    with torch.inference_mode():
        torch.testing.assert_close(StudentUNet(StudentConfig())(photo), photo)


def test_sizes_off_the_stride_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="20×24 is not a multiple of stride 8"):
        StudentUNet(StudentConfig())(torch.rand(1, 3, 20, 24))


def test_stride_halves_once_per_level_below_the_first() -> None:
    assert StudentConfig(widths=(8, 16)).stride == 2
    assert StudentConfig(widths=(16, 32, 64, 128, 256)).stride == 16


def test_default_student_fits_the_budget_with_depthwise_separable_convs() -> None:
    model = StudentUNet(StudentConfig())
    spatial = [m for m in model.modules() if isinstance(m, nn.Conv2d) and m.kernel_size == (3, 3)]

    assert count_parameters(model) <= PARAMETER_BUDGET
    assert all(conv.groups == conv.in_channels for conv in spatial if conv is not model.stem[0])


def test_config_round_trips_through_json() -> None:
    config = StudentConfig(widths=(8, 16, 32))
    assert StudentConfig.model_validate_json(config.model_dump_json()) == config


def test_config_needs_two_levels_of_positive_width() -> None:
    with pytest.raises(pydantic.ValidationError, match="widths"):
        StudentConfig(widths=(16,))
    with pytest.raises(pydantic.ValidationError, match="widths"):
        StudentConfig(widths=(16, 0))
