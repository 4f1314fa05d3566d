"""Prefect artifacts: what a person checks in the UI after a run — a summary table and links to its files."""

from __future__ import annotations

import re
from pathlib import Path

from prefect.artifacts import create_link_artifact, create_markdown_artifact


def artifact_key(*parts: str) -> str:
    """Prefect keys allow lowercase letters, digits and dashes only; the UI groups runs by key."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def publish_run_summary(key: str, markdown: str, files: dict[str, Path]) -> None:
    """One markdown artifact (the table) and one link artifact per file that exists (contact sheet, model…)."""
    create_markdown_artifact(markdown, key=key, description=f"celflow {key}")
    for name, path in files.items():
        if Path(path).exists():
            create_link_artifact(Path(path).resolve().as_uri(), link_text=name, key=artifact_key(key, name))


def markdown_table(rows: list[tuple[str, object]], header: tuple[str, str] = ("", "")) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)
