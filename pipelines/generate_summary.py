"""What one generate run did: photos in, pairs out, rejections counted by reason, and whether too many failed.

A quality rejection (no face, face too small…) is the filter doing its job; a *failure* is a photo that could
not be processed at all (unreadable, teacher crashed after its retries). Only failures count towards the
share that fails the run.
"""

from __future__ import annotations

from collections import Counter
from statistics import median

from pydantic import BaseModel, ConfigDict, Field

from celflow.core.pair_folder import PairRecord, Rejection
from celflow.generators.quality import TEACHER_FAILED
from celflow.pipelines.artifacts import markdown_table
from celflow.pipelines.look_report import LookSummary

UNREADABLE = "unreadable photo"
PAIR_TASK_CRASHED = "pair task crashed"
FAILURE_REASONS = frozenset({UNREADABLE, TEACHER_FAILED, PAIR_TASK_CRASHED})
LISTED_REJECTIONS = 50


class TooManyFailures(RuntimeError):
    """More photos failed than the run allows: the photos or the teacher need a look before the next run."""


class GenerateSummary(BaseModel):
    """Counts of one run (only the photos it was given), written as summary.json and as a Prefect artifact."""

    model_config = ConfigDict(frozen=True)

    character: str
    photos: int
    pairs: int
    rejected_by_reason: dict[str, int]
    failed: int
    max_failed_share: float = Field(ge=0.0, le=1.0)
    teacher_ms_median: float | None
    seconds: float
    rejected: list[Rejection]
    look: LookSummary | None = None  # the teacher's look on up to LOOK_SAMPLE of this run's pairs

    @property
    def failed_share(self) -> float:
        return self.failed / self.photos if self.photos else 0.0

    @property
    def too_many_failures(self) -> bool:
        return self.failed_share > self.max_failed_share

    def failure_message(self) -> str:
        reasons = ", ".join(f"{reason} × {n}" for reason, n in self.rejected_by_reason.items() if reason in FAILURE_REASONS)
        return (
            f"{self.failed} of {self.photos} photos failed ({self.failed_share:.0%}, allowed "
            f"{self.max_failed_share:.0%}): {reasons}"
        )

    def as_markdown(self) -> str:
        counts = markdown_table(
            [
                ("photos", self.photos),
                ("pairs made", self.pairs),
                ("photos rejected", len(self.rejected)),
                ("failed (unreadable / teacher crashed)", f"{self.failed} ({self.failed_share:.0%}, allowed {self.max_failed_share:.0%})"),
                ("teacher ms per photo (median)", "-" if self.teacher_ms_median is None else f"{self.teacher_ms_median:.1f}"),
                ("wall clock", f"{self.seconds:.1f} s"),
                *(self.look.rows(f"teacher on {self.look.images} pairs") if self.look else []),
            ],
            header=(f"generate · {self.character}", ""),
        )
        reasons = markdown_table(sorted(self.rejected_by_reason.items()), header=("reason", "photos"))
        listed = [f"- `{r.source}`: **{r.reason}** {r.detail}" for r in self.rejected[:LISTED_REJECTIONS]]
        more = len(self.rejected) - LISTED_REJECTIONS
        if more > 0:
            listed.append(f"- … and {more} more (see manifest.json)")
        verdict = f"**Run failed:** {self.failure_message()}\n\n" if self.too_many_failures else ""
        return "\n\n".join(part for part in (verdict + counts, reasons, "\n".join(listed)) if part)


def summarise_run(
    character: str,
    records: list[PairRecord],
    rejected: list[Rejection],
    photos: int,
    seconds: float,
    max_failed_share: float,
) -> GenerateSummary:
    by_reason = Counter(r.reason for r in rejected)
    return GenerateSummary(
        character=character,
        photos=photos,
        pairs=len(records),
        rejected_by_reason=dict(sorted(by_reason.items())),
        failed=sum(n for reason, n in by_reason.items() if reason in FAILURE_REASONS),
        max_failed_share=max_failed_share,
        teacher_ms_median=median(r.teacher_ms for r in records) if records else None,
        seconds=round(seconds, 2),
        rejected=rejected,
    )
