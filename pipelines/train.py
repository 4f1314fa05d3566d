"""The `train` flow: a pairs folder → a trained student model folder, with a summary artifact in Prefect."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from celflow.student.checkpoint import WEIGHTS_FILE
from celflow.student.train import REPORT_FILE, TrainConfig, TrainReport, train_student
from celflow.student.training_logs import LOSS_CURVES_FILE, SAMPLES_FILE, TENSORBOARD_DIR


def train_markdown(report: TrainReport, config: TrainConfig) -> str:
    """The run at a glance: what was trained, how fast, how well, and where its files are."""
    student = config.student
    scores = (
        f"{report.val_psnr:.2f} dB / {report.val_ssim:.4f} ({report.val_pairs} pairs)"
        if report.val_ssim is not None
        else "no pairs held out"
    )
    rows = [
        "| celflow train | |",
        "|---|---|",
        f"| student | {student.blocks} blocks, widths {student.widths}, unshuffle {student.unshuffle}, alpha head {student.alpha_head} |",
        f"| steps | {report.steps} of {config.steps} in {report.seconds:.0f} s ({report.images_per_second:.1f} images/s, {report.processes} process(es)) |",
        f"| final loss | {report.final_loss:.4f} |",
        f"| held-out PSNR / SSIM vs teacher | {scores} |",
    ]
    if report.val_alpha_iou is not None:
        rows.append(f"| held-out alpha IoU | {report.val_alpha_iou:.4f} |")
    folder = report.model_dir
    files = {"model": WEIGHTS_FILE, "report": REPORT_FILE, "loss curves": LOSS_CURVES_FILE, "samples": SAMPLES_FILE}
    rows += [f"| {name} | [{folder / file}]({(folder / file).resolve().as_uri()}) |" for name, file in files.items()]
    rows.append(f"| TensorBoard | `tensorboard --logdir {folder / TENSORBOARD_DIR}` |")
    return "\n".join(rows)


@task(name="train-student")
def train_task(
    pairs_dir: Path, model_dir: Path, config: TrainConfig, val_pairs_dir: Path | None, loader_workers: int | None
) -> TrainReport:
    return train_student(pairs_dir, model_dir, config, val_pairs_dir=val_pairs_dir, loader_workers=loader_workers)


@flow(name="train")
def train_flow(
    pairs_dir: Path,
    model_dir: Path,
    config: TrainConfig = TrainConfig(),
    val_pairs_dir: Path | None = None,
    loader_workers: int | None = None,
) -> TrainReport:
    """Train (or resume training) the student on `pairs_dir`; held-out scores on `val_pairs_dir` if given.

    `loader_workers`: batch-drawing processes (default: none on CPU, up to 8 on a GPU).
    """
    report = train_task(
        Path(pairs_dir), Path(model_dir), config, Path(val_pairs_dir) if val_pairs_dir else None, loader_workers
    )
    create_markdown_artifact(key="student-training", markdown=train_markdown(report, config), description="celflow train")
    return report
