"""Distil the teacher's pairs into the student: one readable loop with checkpoint, resume and evaluation.

Runs as one process on CPU or GPU, or as one of several under torchrun (DistributedDataParallel, gloo on
CPU, NCCL on GPUs). Every random draw is a function of (seed, step, rank), so a resumed run computes the
weights a straight run does.
"""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Literal

import torch
from celflow.core.atomic import write_text_atomic
from celflow.core.defaults import DEFAULT_TRAIN_STEPS
from celflow.core.line_art import keep_line_art
from celflow.core.pair_folder import read_manifest
from celflow.student.checkpoint import (
    CHECKPOINT_FILE,
    TrainingCheckpoint,
    load_student,
    load_training_checkpoint,
    save_student,
    save_training_checkpoint,
)
from celflow.student.cpu import available_cores
from celflow.student.dataset import PairDataset, split_pair_ids
from celflow.student.distributed import (
    Process,
    any_process,
    join_process_group,
    wait_for_all,
)
from celflow.student.evaluate import EvaluationReport, evaluate_model
from celflow.student.loader import default_loader_workers, step_batches
from celflow.student.losses import (
    DistillationLoss,
    LossWeights,
    PatchDiscriminator,
    alpha_loss,
    anchor_penalty,
    critic_loss,
    fooling_loss,
)
from celflow.student.training_logs import (
    LOSS_CURVES_FILE,
    SAMPLES_FILE,
    TENSORBOARD_DIR,
    plot_loss_curves,
    sample_grid,
    write_png,
)
from celflow.student.unet import PRESETS, StudentConfig, StudentUNet
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.optim.swa_utils import AveragedModel
from torch.utils.tensorboard import SummaryWriter
from tqdm import tqdm

log = logging.getLogger(__name__)

REPORT_FILE = "train_report.json"
# How long to run and how often to report, not what is learnt: a resumed run may change these.
# `steps` is not among them: the learning-rate schedule spans it.
RUN_LENGTH_FIELDS = {"max_minutes", "checkpoint_every", "log_every"}
SAMPLE_ROWS = 4
CUT_SCHEDULE_WARNING = 0.1  # warn when a time limit stops training with the learning rate above this share of its peak
FORECAST_WARMUP = 100  # steps: pairs are decoded on first use, so the time-limit forecast times the 100 after these
FORECAST_SHARE = 0.8  # forecast a cut schedule below this share of its steps (cosine's rate is still ~10 % of peak there)


class TrainConfig(BaseModel):
    """Everything that decides the trained weights (with the pairs), saved in every checkpoint.

    `batch_size` is the global batch: under torchrun each of N processes draws batch_size / N pairs.
    """

    model_config = ConfigDict(frozen=True)

    steps: PositiveInt = DEFAULT_TRAIN_STEPS
    batch_size: PositiveInt = 8
    crop_size: PositiveInt = 128  # covers the small student's receptive field; 4× the steps of 256
    learning_rate: float = Field(default=2e-3, gt=0)
    weight_decay: float = Field(default=1e-4, ge=0)
    schedule: Literal["cosine", "one_cycle", "constant"] = "cosine"
    ema_decay: float = Field(default=0.999, ge=0, lt=1)  # 0 ships the raw weights
    seed: int = 0
    checkpoint_every: PositiveInt = 500
    log_every: PositiveInt = 50
    val_fraction: float = Field(default=0.1, ge=0, lt=1)
    max_minutes: float | None = Field(default=None, gt=0)
    loss: LossWeights = LossWeights()
    vgg_weights: Path | None = None  # a torchvision VGG16 state dict; needed when loss.perceptual > 0
    student: StudentConfig = PRESETS["small"]
    # A trained student folder whose weights a new run starts from (fine-tuning the shipped base student);
    # None trains from scratch. A resumed run continues from its checkpoint instead.
    init_from: Path | None = None

    @model_validator(mode="after")
    def _crop_fits_stride_and_losses_have_their_inputs(self) -> TrainConfig:
        if self.crop_size % self.student.stride:
            raise ValueError(f"crop_size={self.crop_size}: not a multiple of the student stride {self.student.stride}")
        if self.loss.perceptual > 0 and self.vgg_weights is None:
            raise ValueError("loss.perceptual > 0 needs vgg_weights: the path of a torchvision VGG16 state dict")
        return self


class TrainReport(BaseModel):
    """What a training run reached; val metrics are None when no pairs were held out."""

    model_config = ConfigDict(frozen=True)

    steps: int
    seconds: float
    final_loss: float
    val_psnr: float | None
    val_ssim: float | None
    val_pairs: int
    images_per_second: float
    model_dir: Path
    val_alpha_iou: float | None = None
    processes: int = 1


class _StudentWithMatte(nn.Module):
    """The student's training forward (stylised image, matte logits or None) as one call, so DDP sees it."""

    def __init__(self, student: StudentUNet) -> None:
        super().__init__()
        self.student = student

    def forward(self, photos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.student.config.alpha_head:
            return self.student.stylize_and_matte(photos)
        return self.student(photos), None


def train_student(
    pairs_dir: Path,
    model_dir: Path,
    config: TrainConfig,
    val_pairs_dir: Path | None = None,
    progress: bool = True,
    threads: int | None = None,
    loader_workers: int | None = None,
) -> TrainReport:
    """Train (or continue training) a student into `model_dir`, then evaluate and save it for export.

    `threads`: CPU threads per process (default: this process's share of the cores it may use).
    `loader_workers`: processes drawing batches ahead (default: none on CPU, up to 8 on a GPU); the weights
    do not depend on it.
    """
    process = join_process_group()
    if config.batch_size % process.world_size:
        raise ValueError(f"batch_size={config.batch_size}: not divisible by the {process.world_size} processes")
    torch.set_num_threads(threads or max(1, available_cores() // process.world_size))
    model_dir = Path(model_dir)
    train_dirs, val_dirs = _train_and_val_dirs(Path(pairs_dir), val_pairs_dir, config.val_fraction)
    device, on_gpu = process.device, process.device.type == "cuda"

    torch.manual_seed(config.seed)
    # channels_last: faster training steps on CPU than the default layout (and it suits tensor cores).
    model = StudentUNet(config.student).to(device, memory_format=torch.channels_last)
    critic = PatchDiscriminator().to(device) if config.loss.adversarial > 0 else None
    loss_terms = DistillationLoss(config.loss, config.vgg_weights).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    critic_optimizer = torch.optim.AdamW(critic.parameters(), lr=config.learning_rate, betas=(0.5, 0.999)) if critic else None
    scheduler = _schedule(optimizer, config)
    ema = AveragedModel(model, multi_avg_fn=_ema_with_warmup(config.ema_decay)) if config.ema_decay else None
    step, seconds_before, loss_value, history = 0, 0.0, float("nan"), {}
    checkpoint_path = model_dir / CHECKPOINT_FILE
    if checkpoint_path.exists():
        saved = load_training_checkpoint(checkpoint_path)
        _check_same_training(checkpoint_path, TrainConfig.model_validate_json(saved.train_config_json), config)
        model.load_state_dict(saved.model)
        optimizer.load_state_dict(saved.optimizer)
        scheduler.load_state_dict(saved.scheduler)
        if ema is not None:
            ema.load_state_dict(saved.ema)
        if critic is not None:
            critic.load_state_dict(saved.critic)
            critic_optimizer.load_state_dict(saved.critic_optimizer)
        step, seconds_before, loss_value, history = saved.step, saved.seconds, saved.loss, saved.history
    elif config.init_from is not None:
        _start_from(model, config.init_from, config.student)
        if ema is not None:
            ema.module.load_state_dict(model.state_dict())
    start = _starting_weights(config, device) if config.loss.anchor and config.init_from is not None else None
    trained = DistributedDataParallel(_StudentWithMatte(model)) if process.distributed else _StudentWithMatte(model)
    if critic is not None and process.distributed:
        critic = DistributedDataParallel(critic)
    writer = SummaryWriter(model_dir / TENSORBOARD_DIR, purge_step=step) if process.is_main else None
    preview = _preview_batch(val_dirs or train_dirs, config.crop_size)

    started = time.monotonic()
    deadline = started + 60.0 * config.max_minutes if config.max_minutes is not None else float("inf")
    # bfloat16 autocast on GPUs only: on CPU it is slower than float32 for these small convolutions.
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if on_gpu else contextlib.nullcontext()

    def save_checkpoint() -> None:
        if not process.is_main:
            return
        state = TrainingCheckpoint(
            model=model.state_dict(),
            optimizer=optimizer.state_dict(),
            step=step,
            seconds=seconds_before + time.monotonic() - started,
            loss=loss_value,
            train_config_json=config.model_dump_json(),
            scheduler=scheduler.state_dict(),
            ema=ema.state_dict() if ema is not None else None,
            critic=_unwrapped(critic).state_dict() if critic is not None else None,
            critic_optimizer=critic_optimizer.state_dict() if critic_optimizer is not None else None,
            history=history,
        )
        save_training_checkpoint(checkpoint_path, state)
        _log_samples(writer, model_dir, ema.module if ema is not None else model, preview, step)

    trained.train()
    bar = tqdm(total=config.steps, initial=step, desc="train student", unit="step", disable=not (progress and process.is_main))
    workers = default_loader_workers(on_gpu, process.world_size) if loader_workers is None else loader_workers
    batches = step_batches(
        train_dirs, config.crop_size, config.batch_size // process.world_size, config.seed, process.rank,
        first_step=step, steps=config.steps, workers=workers, pin_memory=on_gpu,
    )
    first_step, warmed_up = step, started
    for batch in batches:
        photos, targets, masks = (t.to(device, non_blocking=True) for t in batch)
        with autocast:
            stylized, matte_logits = trained(photos.contiguous(memory_format=torch.channels_last))
            terms = loss_terms(stylized, targets)
            if matte_logits is not None and config.loss.alpha:
                terms["alpha"] = config.loss.alpha * alpha_loss(matte_logits.float(), masks)
            if critic is not None:
                terms["adversarial"] = config.loss.adversarial * fooling_loss(critic, stylized.float())
        if start is not None:
            terms["anchor"] = config.loss.anchor * anchor_penalty(list(model.parameters()), start)
        loss = sum(terms.values())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        if critic is not None:
            with autocast:
                critic_terms = critic_loss(critic, targets, stylized.float())
            critic_optimizer.zero_grad(set_to_none=True)
            critic_terms.backward()
            critic_optimizer.step()
        if ema is not None:
            ema.update_parameters(model)
        step += 1
        loss_value = loss.item()
        for name, value in terms.items():
            history.setdefault(name, []).append(value.item())
        if writer is not None and step % config.log_every == 0:
            for name, value in terms.items():
                writer.add_scalar(f"loss/{name}", value.item(), step)
            writer.add_scalar("loss/total", loss_value, step)
            writer.add_scalar("learning_rate", scheduler.get_last_lr()[0], step)
        bar.update()
        bar.set_postfix(loss=f"{loss_value:.4f}")
        if step % config.checkpoint_every == 0:
            save_checkpoint()
        if step - first_step == FORECAST_WARMUP:
            warmed_up = time.monotonic()
        elif step - first_step == 2 * FORECAST_WARMUP and process.is_main:
            bar.clear()  # a log line printed over the bar's line would share it
            _warn_if_time_runs_out(step, (time.monotonic() - warmed_up) / FORECAST_WARMUP, deadline, config)
            bar.refresh()
        if any_process(time.monotonic() >= deadline, process):
            break
    bar.close()
    if step < config.steps and process.is_main:
        _warn_if_schedule_cut(step, config, scheduler.get_last_lr()[0])
    if step % config.checkpoint_every:
        save_checkpoint()  # the run ended between checkpoints: keep its last steps for the next run
    seconds = seconds_before + time.monotonic() - started
    shipped = (ema.module if ema is not None else model).to("cpu", memory_format=torch.contiguous_format)

    validation = None
    if process.is_main:
        validation = evaluate_model(shipped, val_dirs) if val_dirs else None
        save_student(shipped, config.student, model_dir)
        keep_line_art(model_dir, read_manifest(pairs_dir).line_art)
        plot_loss_curves(history, model_dir / LOSS_CURVES_FILE)
        writer.close()
    wait_for_all(process)
    report = _report(step, seconds, loss_value, validation, len(val_dirs), config, model_dir, process)
    if process.is_main:
        write_text_atomic(model_dir / REPORT_FILE, report.model_dump_json(indent=2))
    return report


def _report(
    step: int,
    seconds: float,
    loss_value: float,
    validation: EvaluationReport | None,
    val_pairs: int,
    config: TrainConfig,
    model_dir: Path,
    process: Process,
) -> TrainReport:
    return TrainReport(
        steps=step,
        seconds=seconds,
        final_loss=loss_value,
        val_psnr=validation.psnr if validation else None,
        val_ssim=validation.ssim if validation else None,
        val_alpha_iou=validation.alpha_iou if validation else None,
        val_pairs=val_pairs,
        images_per_second=step * config.batch_size / seconds if seconds > 0 else 0.0,
        model_dir=model_dir,
        processes=process.world_size,
    )


def _warn_if_time_runs_out(step: int, seconds_per_step: float, deadline: float, config: TrainConfig) -> None:
    """Say near the start, not when the time is up, that the limit will stop a decaying schedule early."""
    if config.schedule == "constant" or deadline == float("inf"):
        return
    reachable = step + int((deadline - time.monotonic()) / seconds_per_step)
    if reachable < FORECAST_SHARE * config.steps:
        log.warning(
            "at %.1f steps/s the %g-minute limit will stop training near step %d of %d, with the %s schedule's "
            "learning rate still high: for a finished schedule in that time, start a new run with %d steps",
            1 / seconds_per_step, config.max_minutes, reachable, config.steps, config.schedule, reachable,
        )


def _warn_if_schedule_cut(step: int, config: TrainConfig, learning_rate: float) -> None:
    """The time limit ended training while a decaying schedule was still far from its end: the weights were
    shipped at a high learning rate, which costs quality the user can win back by resuming or by fewer steps."""
    if config.schedule == "constant" or learning_rate <= CUT_SCHEDULE_WARNING * config.learning_rate:
        return
    log.warning(
        "stopped by the %g-minute limit at step %d of %d, learning rate still %.0f%% of its peak: rerun the same "
        "command to continue, or choose fewer steps so the %s schedule ends in time",
        config.max_minutes, step, config.steps, 100 * learning_rate / config.learning_rate, config.schedule,
    )


def _schedule(optimizer: torch.optim.Optimizer, config: TrainConfig) -> torch.optim.lr_scheduler.LRScheduler:
    """Cosine decay to 1 % of the rate, one-cycle (warm-up then anneal), or a constant rate, over `steps`."""
    if config.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.steps, eta_min=config.learning_rate / 100)
    if config.schedule == "one_cycle":
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.learning_rate, total_steps=config.steps)
    return torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)


def _ema_with_warmup(decay: float):
    """EMA whose decay grows as (1 + n) / (10 + n) up to `decay`, so short runs are not stuck near the start.

    All tensors in one call, so the step count is read once per step: read per tensor, it made a GPU wait for
    its queue to drain once per parameter tensor.
    """

    @torch.no_grad()
    def average(averaged: list[torch.Tensor], current: list[torch.Tensor], count: torch.Tensor) -> None:
        rate = min(decay, (1.0 + float(count)) / (10.0 + float(count)))
        for averaged_tensor, current_tensor in zip(averaged, current, strict=True):
            averaged_tensor.lerp_(current_tensor, 1.0 - rate)

    return average


def _start_from(model: StudentUNet, init_from: Path, student: StudentConfig) -> None:
    """Copy a trained student's weights into `model`; its architecture must be the one being trained.

    A gated head may go on as a gated_local one: the same weights, but the paint's learnt colour forgotten,
    since the old head painted colour from scratch and the new one paints a shift from the photo's local mean.
    """
    trained, trained_config = load_student(init_from)
    forget_paint = trained_config.head == "gated" and student.head == "gated_local"
    if forget_paint:
        trained_config = trained_config.model_copy(update={"head": "gated_local"})
    if trained_config.model_copy(update={"alpha_head": student.alpha_head}) != student:
        raise ValueError(
            f"{init_from}: a student with widths={trained_config.widths}, unshuffle={trained_config.unshuffle}, "
            f"blocks={trained_config.blocks}, head={trained_config.head}; this run trains widths={student.widths}, "
            f"unshuffle={student.unshuffle}, blocks={student.blocks}, head={student.head} (choose its preset, or "
            "--from-scratch)"
        )
    missing = model.load_state_dict(trained.state_dict(), strict=False).missing_keys
    if any(not name.startswith("alpha.") for name in missing):
        raise ValueError(f"{init_from}: weights missing for {missing[0]}")
    if forget_paint:
        with torch.no_grad():
            model.head.weight[: 3 * student.unshuffle**2] = 0.0
            model.head.bias[: 3 * student.unshuffle**2] = 0.0


def _starting_weights(config: TrainConfig, device: torch.device) -> list[torch.Tensor]:
    """The parameters of the student a fine-tuning started from (config.init_from), in the model's order: read
    again from its folder, so that a resumed run is pulled towards the same point."""
    start = StudentUNet(config.student)
    _start_from(start, config.init_from, config.student)
    return [weight.detach().to(device) for weight in start.parameters()]


def _unwrapped(module: nn.Module) -> nn.Module:
    return module.module if isinstance(module, DistributedDataParallel) else module


def _preview_batch(pair_dirs: list[Path], crop_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Centre crops of the first few pairs, the same at every checkpoint, so sample grids compare over time."""
    dataset = PairDataset(pair_dirs[:SAMPLE_ROWS], crop_size, augment=False)
    photos, targets, _ = zip(*(dataset[index] for index in range(len(dataset))))
    return torch.stack(photos), torch.stack(targets)


def _log_samples(
    writer: SummaryWriter, model_dir: Path, model: StudentUNet, preview: tuple[torch.Tensor, torch.Tensor], step: int
) -> None:
    photos, targets = preview
    was_training = model.training
    with torch.inference_mode():
        stylized = model.eval()(photos.to(next(model.parameters()).device)).cpu()
    model.train(was_training)
    grid = sample_grid(photos, targets, stylized)
    writer.add_image("samples/photo_teacher_student", grid, step, dataformats="HWC")
    write_png(model_dir / SAMPLES_FILE, grid)


def _train_and_val_dirs(
    pairs_dir: Path, val_pairs_dir: Path | None, val_fraction: float
) -> tuple[list[Path], list[Path]]:
    """All of `pairs_dir` when a separate validation folder is given, else its hash split."""
    manifest = read_manifest(pairs_dir)
    if val_pairs_dir is not None:
        return manifest.pair_dirs(pairs_dir), read_manifest(val_pairs_dir).pair_dirs(Path(val_pairs_dir))
    train_ids, val_ids = split_pair_ids([record.pair_id for record in manifest.pairs], val_fraction)
    return [pairs_dir / pair_id for pair_id in train_ids], [pairs_dir / pair_id for pair_id in val_ids]


def _check_same_training(checkpoint_path: Path, saved: TrainConfig, config: TrainConfig) -> None:
    """Refuse to continue a run whose weights were learnt under other settings: the result would be neither."""
    before, now = saved.model_dump(exclude=RUN_LENGTH_FIELDS), config.model_dump(exclude=RUN_LENGTH_FIELDS)
    changed = [f"{name} {before[name]!r} → {now[name]!r}" for name in now if before[name] != now[name]]
    if changed:
        raise ValueError(
            f"{checkpoint_path}: saved under a different TrainConfig ({'; '.join(changed)}); "
            "use the same settings or a new model_dir"
        )
