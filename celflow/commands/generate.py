"""`celflow generate`: photos → training pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli_support import CharacterOption, fail, user_errors

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
    except user_errors() as error:
        fail(error)
    from celflow.pipelines.generate import generate_flow

    typer.echo(f"generating pairs from {count} photos in {photos} → {pairs}")
    manifest = generate_flow(photos, pairs, character=character, max_side=max_side, max_faces=max_faces)
    typer.echo(f"{len(manifest.pairs)} pairs in {pairs}; {len(manifest.rejected)} photos rejected")
    for rejection in manifest.rejected:
        typer.echo(f"  rejected {rejection.source}: {rejection.reason} ({rejection.detail})")
