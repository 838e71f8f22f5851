"""The shared evaluation data beside the project (../shared/eval), used to measure, never to tune."""

from __future__ import annotations

import json
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
POSTMORTEM_FILES = ("dfds_postmortems.jsonl", "posthog_postmortems.jsonl", "chia_postmortems.jsonl")


def postmortems() -> list[str]:
    """The 300 real postmortem paragraphs."""
    return [
        json.loads(line)["text"]
        for name in POSTMORTEM_FILES
        for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
