"""The `celflow` command line: one command per stage, plus `demo` that chains them all.

Heavy libraries (torch, mediapipe, prefect) are imported inside each command so `celflow --help` is instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    help="celflow: make photo→webtoon pairs with a slow teacher, distil them into a real-time student, ship it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
character_app = typer.Typer(help="Inspect and validate character packs.", no_args_is_help=True)
app.add_typer(character_app, name="character")

CharacterOption = Annotated[
    str, typer.Option("--character", "-c", help="Character pack folder, its character.yaml, or a built-in name.")
]


def _fail(error: Exception) -> NoReturn:
    typer.echo(f"celflow: error: {error}", err=True)
    raise typer.Exit(code=1)


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors that mean 'your input is wrong': shown as one line, never as a traceback."""
    from celflow.character import CharacterPackError
    from celflow.pipelines.pair_store import PhotoFolderError

    return (CharacterPackError, PhotoFolderError, FileNotFoundError, ValueError)


def _require_file(path: Path, what: str) -> None:
    if not path.is_file():
        _fail(FileNotFoundError(f"{path}: {what} not found"))


@app.command()
def generate(
    photos: Annotated[Path, typer.Argument(help="Folder of photos (searched recursively).")],
    pairs: Annotated[Path, typer.Argument(help="Output folder for pairs and manifest.json.")],
    character: CharacterOption = "default",
    max_side: Annotated[int, typer.Option(help="Shrink photos so their longer side is at most this.")] = 512,
    max_faces: Annotated[int, typer.Option(help="Most faces looked for in one photo.")] = 4,
) -> None:
    """Make (photo → webtoon) training pairs with the character's teacher. Resumable: rerun to continue."""
    from celflow.character import load_character
    from celflow.pipelines.pair_store import list_photos

    try:
        count = len(list_photos(photos))
        load_character(character)
    except _user_errors() as error:
        _fail(error)
    from celflow.pipelines.generate import generate_flow

    typer.echo(f"generating pairs from {count} photos in {photos} → {pairs}")
    manifest = generate_flow(photos, pairs, character=character, max_side=max_side, max_faces=max_faces)
    typer.echo(f"{len(manifest.pairs)} pairs in {pairs}; {len(manifest.rejected)} photos rejected")
    for rejection in manifest.rejected:
        typer.echo(f"  rejected {rejection.source}: {rejection.reason} ({rejection.detail})")


@app.command()
def train(
    pairs: Annotated[Path, typer.Argument(help="Pairs folder made by `celflow generate`.")],
    model_dir: Annotated[Path, typer.Argument(help="Output folder for the student (resumes if it holds a checkpoint).")],
    steps: Annotated[int, typer.Option(help="Optimisation steps.")] = 3000,
    minutes: Annotated[float | None, typer.Option(help="Stop after this many minutes even if steps remain.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Pairs per step [default: TrainConfig's].")] = None,
    crop: Annotated[int | None, typer.Option(help="Training crop in pixels, a multiple of the stride [default: TrainConfig's].")] = None,
    val_pairs: Annotated[Path | None, typer.Option(help="Held-out pairs folder for the final scores.")] = None,
) -> None:
    """Train the compact U-Net student on pairs (L1 + SSIM), with checkpoints and held-out PSNR/SSIM."""
    from celflow.records import read_manifest
    from celflow.student.train import TrainConfig

    try:
        read_manifest(pairs)
        if val_pairs is not None:
            read_manifest(val_pairs)
        chosen = {"batch_size": batch_size, "crop_size": crop}
        config = TrainConfig(steps=steps, max_minutes=minutes, **{k: v for k, v in chosen.items() if v is not None})
    except _user_errors() as error:
        _fail(error)
    from celflow.pipelines.train import train_flow

    report = train_flow(pairs, model_dir, config, val_pairs)
    scores = (
        f"held-out PSNR {report.val_psnr:.2f} dB, SSIM {report.val_ssim:.3f} ({report.val_pairs} pairs)"
        if report.val_ssim is not None
        else "no pairs held out"
    )
    typer.echo(f"trained {report.steps} steps in {report.seconds:.0f} s; {scores} → {model_dir}")


@app.command()
def export(
    model_dir: Annotated[Path, typer.Argument(help="Student folder made by `celflow train`.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="ONNX file (default: MODEL_DIR/student.onnx).")] = None,
) -> None:
    """Export the student to ONNX (dynamic size) and check it against torch; fails above 1e-3."""
    from celflow.student.checkpoint import load_student

    try:
        load_student(model_dir)
    except _user_errors() as error:
        _fail(error)
    from celflow.pipelines.export import export_flow

    report = export_flow(model_dir, output or model_dir / "student.onnx")
    typer.echo(f"wrote {report.onnx_path} ({report.size_bytes / 1e6:.2f} MB); max abs diff vs torch {report.max_abs_diff:.1e}")


@app.command()
def convert(
    src: Annotated[Path, typer.Argument(help="Input video.")],
    dst: Annotated[Path, typer.Argument(help="Output MP4 (H.264; the input's sound is kept).")],
    model: Annotated[Path, typer.Option("--model", "-m", help="ONNX student made by `celflow export`.")],
) -> None:
    """Stylise every frame of a video with an ONNX student; audio is copied across."""
    _require_file(src, "input video")
    _require_file(model, "ONNX model")
    from celflow.pipelines.convert import convert_flow
    from celflow.realtime.video import VideoError

    try:
        report = convert_flow(src, dst, model)
    except VideoError as error:
        _fail(error)
    typer.echo(f"wrote {report.output}: {report.frames} frames, {report.width}×{report.height}, "
               f"{report.fps:.1f} frames/s, audio {report.audio}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for everything the demo makes.")] = Path("celflow-demo"),
    minutes: Annotated[float | None, typer.Option(help="Training time budget in minutes [default: 7].")] = None,
) -> None:
    """Run the whole pipeline offline on real photos and a real clip: pairs, student, ONNX, video, report."""
    from celflow.pipelines.demo import DemoSettings, demo_flow

    settings = DemoSettings()
    if minutes is not None:
        settings = settings.model_copy(update={"train": settings.train.model_copy(update={"max_minutes": minutes})})
    summary = demo_flow(out, settings)
    typer.echo(summary.as_markdown())


@character_app.command("show")
def character_show(ref: Annotated[str, typer.Argument(help="Pack folder, character.yaml, or built-in name.")] = "default") -> None:
    """Validate a character pack and print its settings."""
    import yaml

    from celflow.character import CharacterPackError, load_character

    try:
        character = load_character(ref)
    except CharacterPackError as error:
        _fail(error)
    typer.echo(yaml.safe_dump(character.model_dump(), sort_keys=False).rstrip())


def main() -> None:
    app(prog_name="celflow")


if __name__ == "__main__":
    sys.exit(main())
