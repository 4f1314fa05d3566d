"""`celflow generate`: photos → training pairs, and the scale-out options that `distill` and `serve` share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from celflow.cli.console import RUN_LOG_FILE, log_to_file
from celflow.cli.support import CharacterOption, fail, user_errors
from celflow.core.defaults import DEFAULT_CHARACTER

if TYPE_CHECKING:
    from celflow.core.character import Character
    from celflow.pipelines.runners import RunnerSpec

RunnerOption = Annotated[str, typer.Option(help="Where tasks run: threads | dask | ray (ray: pip install 'celflow\\[ray]').")]
AddressOption = Annotated[
    str | None, typer.Option(help="Address of a running Dask scheduler or Ray cluster (default: start a local one).")
]
WorkersOption = Annotated[
    int,
    typer.Option(
        help="Threads, or local Dask workers, making pairs at once (≥ a diffusion pack's batch_size to fill batches)."
    ),
]
MaxSideOption = Annotated[int, typer.Option(help="Shrink photos so their longer side is at most this.")]
FailedShareOption = Annotated[
    float, typer.Option(help="Fail the run when more than this share of photos is unreadable or crashes the teacher.")
]

SamCheckpointOption = Annotated[
    Path | None,
    typer.Option(help="Segment persons with Segment Anything from this checkpoint (default: mediapipe selfie segmentation)."),
]
SamModelOption = Annotated[str, typer.Option(help="SAM model type of --sam-checkpoint: vit_b | vit_l | vit_h.")]


def sam_settings(checkpoint: Path | None, model_type: str):
    """SamSettings for a checked checkpoint, or None for mediapipe; SamCheckpointError names the file and type."""
    if checkpoint is None:
        return None
    from celflow.generators.sam import SamSettings, read_sam_checkpoint

    settings = SamSettings(checkpoint.resolve(), model_type)
    read_sam_checkpoint(settings)
    return settings


def runner_spec(runner: str, address: str | None, workers: int) -> RunnerSpec:
    """The runner the user asked for, checked now (missing package, bad combination) rather than mid-run."""
    from celflow.pipelines.runners import RUNNER_KINDS, RunnerError, RunnerSpec

    if runner not in RUNNER_KINDS:
        fail(ValueError(f"--runner {runner}: choose one of {', '.join(RUNNER_KINDS)}"))
    spec = RunnerSpec(kind=runner, address=address, workers=workers)
    try:
        spec.task_runner()
    except RunnerError as error:
        fail(error)
    return spec


def warn_if_batches_cannot_fill(character: Character, workers: int) -> None:
    """A diffusion batch gathers photos from tasks running at once: fewer workers than batch_size cap it."""
    batch_size = getattr(character.teacher, "batch_size", 1)
    if workers < batch_size:
        message = f"warning: --workers {workers} < batch_size {batch_size}: batches hold at most {workers} photos"
        typer.echo(message, err=True)


def generate(
    photos: Annotated[Path, typer.Argument(help="Folder of photos (searched recursively).")],
    pairs: Annotated[Path, typer.Argument(help="Output folder for pairs and manifest.json.")],
    character: CharacterOption = DEFAULT_CHARACTER,
    max_side: MaxSideOption = 512,
    max_faces: Annotated[int, typer.Option(help="Most faces looked for in one photo.")] = 4,
    runner: RunnerOption = "threads",
    address: AddressOption = None,
    workers: WorkersOption = 2,
    retries: Annotated[int, typer.Option(help="Retries, with backoff, of a photo whose teacher crashed.")] = 2,
    max_failed_share: FailedShareOption = 0.5,
    cache_dir: Annotated[Path | None, typer.Option(help="Task cache folder (default: PAIRS/.prefect-cache).")] = None,
    sam_checkpoint: SamCheckpointOption = None,
    sam_model: SamModelOption = "vit_b",
) -> None:
    """Make (photo → webtoon) training pairs with the character's teacher. Cached: rerun to continue."""
    from celflow.core.character import load_character
    from celflow.core.image_files import list_photos

    try:
        count = len(list_photos(photos))
        pack = load_character(character)
        sam = sam_settings(sam_checkpoint, sam_model)
    except user_errors() as error:
        fail(error)
    spec = runner_spec(runner, address, workers)
    warn_if_batches_cannot_fill(pack, workers)
    from celflow.pipelines.generate import generate_flow
    from celflow.pipelines.generate_summary import TooManyFailures
    from celflow.pipelines.runners import with_runner

    typer.echo(f"generating pairs from {count} photos in {photos} → {pairs} ({runner})")
    try:
        with log_to_file(pairs / RUN_LOG_FILE):
            manifest = with_runner(generate_flow, spec)(
                photos, pairs, character=character, max_side=max_side, max_faces=max_faces,
                teacher_retries=retries, max_failed_share=max_failed_share, cache_dir=cache_dir, sam=sam,
            )
    except TooManyFailures as error:
        fail(error)
    typer.echo(f"{len(manifest.pairs)} pairs in {pairs}; {len(manifest.rejected)} photos rejected")
    for rejection in manifest.rejected:
        typer.echo(f"  rejected {rejection.source}: {rejection.reason} ({rejection.detail})")
