"""Deployments that `celflow serve` serves: per character pack, a cron watch-folder run and an on-demand distill.

Both write under `<out>/<character>/`, so distill finds the pairs the nightly runs made already in the cache.
For work pools instead of a long-running `serve`, see prefect.yaml at the repository root.
"""

from __future__ import annotations

from pathlib import Path

from prefect.deployments.runner import RunnerDeployment

from celflow.core.character import load_character
from celflow.pipelines.distill import distill_flow
from celflow.pipelines.runners import RunnerSpec
from celflow.pipelines.watch_folder import watch_folder_flow
from celflow.student.train import TrainConfig

DEFAULT_CRON = "0 2 * * *"  # every night at 02:00


def build_deployments(
    watch_dir: Path,
    out_dir: Path,
    characters: list[str],
    cron: str = DEFAULT_CRON,
    runner: RunnerSpec = RunnerSpec(),
    train: TrainConfig = TrainConfig(),
) -> list[RunnerDeployment]:
    """`watch-<name>` on `cron` and `distill-<name>` (run from the UI or `prefect deployment run`) per pack."""
    watch_dir, out_dir = Path(watch_dir).resolve(), Path(out_dir).resolve()
    deployments = []
    for ref in characters:
        pack = load_character(ref)  # a bad pack fails now, not at 02:00
        pack_ref = str(Path(ref).resolve()) if Path(ref).exists() else str(ref)  # served from any working folder
        common = {"character": pack_ref, "runner": runner.model_dump(mode="json")}
        character_out = str(out_dir / pack.name)
        deployments.append(
            watch_folder_flow.to_deployment(
                name=f"watch-{pack.name}",
                cron=cron,
                parameters={"watch_dir": str(watch_dir), "out_dir": character_out, **common},
                tags=["celflow", pack.name],
            )
        )
        deployments.append(
            distill_flow.to_deployment(
                name=f"distill-{pack.name}",
                parameters={
                    "photos_dir": str(watch_dir),
                    "out_dir": character_out,
                    "train": train.model_dump(mode="json"),
                    "progress": False,
                    **common,
                },
                tags=["celflow", pack.name],
            )
        )
    return deployments
