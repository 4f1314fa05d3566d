"""The files a generate run leaves beside its pairs for people: summary.json, summary.md, contact_sheet.png."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from celflow.core.atomic import write_text_atomic
from celflow.core.image_files import write_image
from celflow.core.pair_folder import INPUT_FILE, MASK_FILE, TARGET_FILE, PairRecord, Rejection
from celflow.generators.photo import PhotoError, decode_photo
from celflow.pipelines.contact_sheet import captioned_grid, contact_sheet, stack_sections
from celflow.pipelines.generate_summary import GenerateSummary

SUMMARY_JSON = "summary.json"
SUMMARY_MARKDOWN = "summary.md"
CONTACT_SHEET = "contact_sheet.png"
SHEET_PAIRS = 8
SHEET_REJECTED = 12
THUMBNAIL_SIDE = 320


def _read_rgb(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise OSError(f"{path}: could not read image")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _rejected_thumbnail(rejection: Rejection) -> np.ndarray:
    """The rejected photo itself, or a grey tile when it cannot be decoded (that is why it was rejected)."""
    try:
        return decode_photo(Path(rejection.source).read_bytes(), max_side=THUMBNAIL_SIDE)
    except (OSError, PhotoError):
        return np.full((120, 160, 3), 200, np.uint8)


def run_contact_sheet(pairs_dir: Path, records: list[PairRecord], rejected: list[Rejection]) -> np.ndarray | None:
    """Photo / teacher target / person mask for the first pairs, then the first rejected photos under their reason."""
    sections = []
    if records:
        rows = [
            tuple(_read_rgb(Path(pairs_dir) / r.pair_id / name) for name in (INPUT_FILE, TARGET_FILE, MASK_FILE))
            for r in records[:SHEET_PAIRS]
        ]
        sections.append((f"pairs ({len(records)})", contact_sheet(rows, ("photo", "teacher target", "person mask"), 192)))
    if rejected:
        shown = rejected[:SHEET_REJECTED]
        grid = captioned_grid([_rejected_thumbnail(r) for r in shown], [r.reason for r in shown])
        sections.append((f"rejected photos ({len(rejected)})", grid))
    return stack_sections(sections) if sections else None


def write_generate_report(
    pairs_dir: Path, summary: GenerateSummary, records: list[PairRecord]
) -> dict[str, Path]:
    """Write the run's summary (JSON and markdown) and contact sheet atomically; returns them by name."""
    pairs_dir = Path(pairs_dir)
    files = {"summary": pairs_dir / SUMMARY_MARKDOWN}
    write_text_atomic(pairs_dir / SUMMARY_JSON, summary.model_dump_json(indent=2))
    write_text_atomic(pairs_dir / SUMMARY_MARKDOWN, summary.as_markdown() + "\n")
    sheet = run_contact_sheet(pairs_dir, records, summary.rejected)
    if sheet is not None:
        write_image(pairs_dir / CONTACT_SHEET, sheet)
        files["contact sheet"] = pairs_dir / CONTACT_SHEET
    return files
