"""The shared evaluation data beside the project (../shared/eval), used to measure, never to tune."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

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


def real_terms() -> list[list[str]]:
    """The 514 real IT terms (cncf/glossary, PagerDuty, it-acronyms), each as the forms it is written in:
    'Role-Based Access Control (RBAC)' -> ['Role-Based Access Control', 'RBAC']; 'Severity / Sev' -> both."""
    rows = [json.loads(line)["term"] for line in (EVAL_DIR / "real_terms.jsonl").read_text().splitlines() if line]
    forms = []
    for term in rows:
        bracketed = re.fullmatch(r"(.+?) \((.+)\)", term)
        parts = [bracketed.group(1), bracketed.group(2)] if bracketed else [term]
        forms.append([form for part in parts for form in part.split(" / ")])
    return forms


def score_module() -> ModuleType:
    """../shared/eval/score.py, imported as it is: its own measures (facts kept, jargon present,
    invented numbers, grade) are reused, never rewritten."""
    spec = importlib.util.spec_from_file_location("score", EVAL_DIR / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
