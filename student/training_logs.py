"""What a training run shows people: TensorBoard scalars and sample grids, and a PNG of the loss curves."""

from __future__ import annotations

import cv2
import matplotlib

matplotlib.use("Agg")  # files only: training runs on servers without a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torchvision.utils import make_grid  # noqa: E402

from celflow.core.atomic import atomic_path  # noqa: E402

LOSS_CURVES_FILE = "loss_curves.png"
SAMPLES_FILE = "samples.png"
TENSORBOARD_DIR = "tensorboard"


def sample_grid(photos: torch.Tensor, targets: torch.Tensor, stylized: torch.Tensor) -> np.ndarray:
    """One H×W×3 uint8 image: a row per sample, columns photo | teacher | student."""
    rows = torch.stack([photos, targets, stylized], dim=1).flatten(0, 1).float().cpu()
    grid = make_grid(rows.clamp(0, 1), nrow=3, padding=2, pad_value=1.0)
    return (grid.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)


def write_png(path, rgb: np.ndarray) -> None:
    """RGB → PNG, atomically (the temporary file keeps the .png suffix OpenCV needs)."""
    with atomic_path(path) as tmp:
        if not cv2.imwrite(str(tmp), np.ascontiguousarray(rgb[..., ::-1])):
            raise OSError(f"{path}: could not write PNG")


def plot_loss_curves(history: dict[str, list[float]], path) -> None:
    """Each loss term against the step, smoothed by a moving median so trends show through batch noise."""
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    for name, values in history.items():
        if not values:
            continue
        window = max(1, len(values) // 50)
        smoothed = [float(np.median(values[max(0, i - window + 1) : i + 1])) for i in range(len(values))]
        axes.plot(range(1, len(values) + 1), smoothed, label=name)
    axes.set(xlabel="step", ylabel="weighted loss", yscale="log", title="student training loss")
    axes.legend(loc="upper right")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
