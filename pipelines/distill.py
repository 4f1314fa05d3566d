"""The `distill` flow: one character, photos → pairs → student → ONNX → scores, each stage cached.

Every stage is a Prefect task whose key is what decides its result: the pairs' fingerprint (photo hashes and
character) for training, the training report for export and evaluation. Rerunning with unchanged inputs
recomputes nothing; changing one photo remakes that photo's pair and retrains into a new model folder.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import INPUTS
from pydantic import BaseModel, ConfigDict

from celflow.core.atomic import write_text_atomic
from celflow.core.defaults import DEFAULT_CHARACTER, STUDENT_ONNX_FILE
from celflow.export.onnx_export import ExportReport
from celflow.pipelines.artifacts import artifact_key, markdown_table, publish_run_summary
from celflow.pipelines.caching import CACHE_FOLDER, pairs_fingerprint, result_storage
from celflow.pipelines.evaluate import Evaluation, evaluate_flow
from celflow.pipelines.export import export_flow
from celflow.pipelines.generate import DEFAULT_MAX_FAILED_SHARE, DEFAULT_MAX_SIDE, generate_flow
from celflow.pipelines.generate_report import CONTACT_SHEET
from celflow.pipelines.runners import RunnerSpec, with_runner
from celflow.pipelines.train import train_flow
from celflow.student.train import TrainConfig, TrainReport

SUMMARY_JSON = "distill_summary.json"
SUMMARY_MARKDOWN = "distill_summary.md"


class DistillSummary(BaseModel):
    """One character's distillation: data, training, export and held-out scores, with where each file is."""

    model_config = ConfigDict(frozen=True)

    character: str
    pairs: int
    rejected: int
    pairs_fingerprint: str
    trained: TrainReport
    exported: ExportReport
    evaluation: Evaluation
    evaluated_on: str

    def as_markdown(self) -> str:
        return markdown_table(
            [
                ("pairs (rejected photos)", f"{self.pairs} ({self.rejected})"),
                ("pairs fingerprint", f"`{self.pairs_fingerprint[:12]}`"),
                ("training", f"{self.trained.steps} steps in {self.trained.seconds:.0f} s, loss {self.trained.final_loss:.4f}"),
                ("ONNX", f"{self.exported.size_bytes / 1e6:.2f} MB, max abs diff vs torch {self.exported.max_abs_diff:.1e}"),
                (
                    f"PSNR / SSIM vs teacher ({self.evaluated_on})",
                    f"{self.evaluation.heldout.psnr:.2f} dB / {self.evaluation.heldout.ssim:.3f} "
                    f"({self.evaluation.heldout.pairs} pairs)",
                ),
                ("model", f"`{self.exported.onnx_path}`"),
            ],
            header=(f"distill · {self.character}", ""),
        )


# Stage tasks around the stages' own flows: INPUTS keys hold the pairs' fingerprint (or the training report,
# which changes whenever the student is retrained), so unchanged data is a cache hit, not a rerun.
@task(name="train-stage", cache_policy=INPUTS, persist_result=True)
def train_stage(pairs_fingerprint: str, pairs_dir: Path, model_dir: Path, config: TrainConfig) -> TrainReport:
    return train_flow(pairs_dir, model_dir, config)


@task(name="export-stage", cache_policy=INPUTS, persist_result=True)
def export_stage(trained: TrainReport, onnx_path: Path) -> ExportReport:
    return export_flow(trained.model_dir, onnx_path)


@task(name="evaluate-stage", cache_policy=INPUTS, persist_result=True)
def evaluate_stage(trained: TrainReport, pairs_fingerprint: str, pairs_dir: Path, character: str) -> Evaluation:
    return evaluate_flow(trained.model_dir, pairs_dir, trained.model_dir / "evaluation", character=character)


@flow(name="distill")
def distill_flow(
    photos_dir: Path,
    out_dir: Path,
    character: str = DEFAULT_CHARACTER,
    train: TrainConfig = TrainConfig(),
    heldout_photos_dir: Path | None = None,
    max_side: int = DEFAULT_MAX_SIDE,
    runner: RunnerSpec = RunnerSpec(),
    max_failed_share: float = DEFAULT_MAX_FAILED_SHARE,
    progress: bool = True,
) -> DistillSummary:
    """generate → train → export → evaluate for one character, everything under `out_dir`.

    The student goes to `out_dir/student/<pairs fingerprint>/`: new pairs train a new student, the same pairs
    reuse the one made before. Scores are on held-out photos when given, else on the training pairs.
    """
    logger = get_run_logger()
    out_dir = Path(out_dir)
    storage = result_storage(out_dir / CACHE_FOLDER)
    generate = with_runner(generate_flow, runner)
    common = dict(character=character, max_side=max_side, max_failed_share=max_failed_share, progress=progress)
    manifest = generate(photos_dir, out_dir / "pairs", **common)
    fingerprint = pairs_fingerprint(manifest)
    model_dir = out_dir / "student" / fingerprint[:12]
    trained = train_stage.with_options(result_storage=storage)(fingerprint, out_dir / "pairs", model_dir, train)
    exported = export_stage.with_options(result_storage=storage)(trained, model_dir / STUDENT_ONNX_FILE)
    if heldout_photos_dir is not None:
        eval_pairs, evaluated_on = out_dir / "heldout_pairs", "held-out photos"
        eval_fingerprint = pairs_fingerprint(generate(heldout_photos_dir, eval_pairs, **common))
    else:
        eval_pairs, evaluated_on, eval_fingerprint = out_dir / "pairs", "training pairs", fingerprint
    evaluation = evaluate_stage.with_options(result_storage=storage)(trained, eval_fingerprint, eval_pairs, character)
    summary = DistillSummary(
        character=manifest.character,
        pairs=len(manifest.pairs),
        rejected=len(manifest.rejected),
        pairs_fingerprint=fingerprint,
        trained=trained,
        exported=exported,
        evaluation=evaluation,
        evaluated_on=evaluated_on,
    )
    write_text_atomic(out_dir / SUMMARY_JSON, summary.model_dump_json(indent=2))
    write_text_atomic(out_dir / SUMMARY_MARKDOWN, summary.as_markdown() + "\n")
    files = {
        "onnx model": exported.onnx_path,
        "student folder": model_dir,
        "pairs contact sheet": out_dir / "pairs" / CONTACT_SHEET,
        **{f"evaluation {name}": Path(path) for name, path in evaluation.files.items() if name != "model"},
        "summary": out_dir / SUMMARY_MARKDOWN,
    }
    publish_run_summary(artifact_key("distill", manifest.character), summary.as_markdown(), files)
    logger.info("student for %s: %s", manifest.character, exported.onnx_path)
    return summary
