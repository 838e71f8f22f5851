"""All 300 real postmortem paragraphs in ../shared/eval: no crash, no fact lost, no number invented."""

from __future__ import annotations

import json
from pathlib import Path

from translator import translate
from translator.facts import numbers

FILES = ("dfds_postmortems.jsonl", "posthog_postmortems.jsonl", "chia_postmortems.jsonl")


def test_every_paragraph_translates_and_keeps_its_facts(eval_dir: Path) -> None:
    paragraphs = [json.loads(line)["text"] for name in FILES
                  for line in (eval_dir / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(paragraphs) == 300
    failures = []
    changed = 0
    for index, text in enumerate(paragraphs):
        result = translate(text)
        invented = numbers(result.text) - numbers(text)
        if result.facts.missing or result.facts.added or invented:
            failures.append((index, result.facts.missing, result.facts.added, sorted(invented)))
        changed += result.text != text
    assert failures == []
    assert changed >= 250, "the glossary should touch nearly every real postmortem paragraph"
