"""The polisher's corpus: drafts from the deterministic pipeline, a fact lint, a fixed held-out split.

The raw corpus (``corpus/*.jsonl``, written by the team) holds ``id, direction, category, source,
target``. :func:`build` runs the deterministic pipeline on each source (the draft the polisher will
see at inference), rejects pairs whose target loses a locked fact or states a number the source does
not (:func:`lint`), masks the facts as ⟦n⟧ placeholders exactly as :func:`translator.guard.protect`
does at inference, and writes ``data/train.jsonl`` and ``data/heldout.jsonl``.

The held-out split is fixed by a hash of each record's id (:func:`is_heldout`): stable across runs,
machines and corpus edits, and never used in training.

    python -m models.polisher.corpus          # rebuild data/ from corpus/
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models.polisher import CORPUS_DIR, DATA_DIR

#: Share of ids (in percent, by hash) that form the held-out split: about 240 of 2,000.
HELDOUT_PERCENT = 12
MIN_HELDOUT = 200
DIRECTIONS = ("it_to_business", "business_to_it")


@dataclass(frozen=True)
class Example:
    """One processed pair: what the model sees (``draft_masked``) and what it should write (``target_masked``)."""

    id: str
    direction: str
    category: str
    source: str
    target: str
    draft: str
    draft_masked: str
    target_masked: str
    placeholders: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Example:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class BuildReport:
    """What a build kept and rejected, and why."""

    total: int = 0
    train: int = 0
    heldout: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    by_direction: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    heldout_by_direction: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        rejected = ", ".join(f"{k}: {v}" for k, v in sorted(self.rejected.items())) or "none"
        return (f"{self.total} records -> train {self.train}, held-out {self.heldout} "
                f"({self.heldout_by_direction}); rejected {sum(self.rejected.values())} ({rejected})")


def is_heldout(record_id: str, percent: int = HELDOUT_PERCENT) -> bool:
    """Whether a record belongs to the fixed held-out split (a hash of its id: stable forever)."""
    digest = hashlib.sha256(record_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def split(ids: Iterable[str], percent: int = HELDOUT_PERCENT) -> tuple[list[str], list[str]]:
    """(train ids, held-out ids), each in the order given."""
    train: list[str] = []
    heldout: list[str] = []
    for record_id in ids:
        (heldout if is_heldout(record_id, percent) else train).append(record_id)
    return train, heldout


def load_raw(corpus_dir: Path = CORPUS_DIR) -> list[dict[str, Any]]:
    """Every raw record of ``corpus_dir/*.jsonl``, in file then line order; ids must be unique."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted(corpus_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            missing = {"id", "direction", "source", "target"} - record.keys()
            if missing:
                raise ValueError(f"{path.name}:{number}: missing fields {sorted(missing)}")
            if record["direction"] not in DIRECTIONS:
                raise ValueError(f"{path.name}:{number}: unknown direction {record['direction']!r}")
            if record["id"] in seen:
                raise ValueError(f"{path.name}:{number}: duplicate id {record['id']!r}")
            seen.add(record["id"])
            records.append(record)
    return records


def source_facts(source: str, direction: str, locked: Sequence[str] | None = None) -> list[Any]:
    """The facts the pipeline locks in ``source`` (``locked``: the texts it reported, to drop the
    identifiers it treats as glossary terms); each with its spelled-out form where it has one."""
    from translator.facts import find_facts

    facts = find_facts(source, spell_out=direction == "it_to_business")
    if locked is None:
        return facts
    keep = set(locked)
    return [f for f in facts if f.text in keep]


def lint(source: str, target: str, facts: Sequence[Any] | None = None, *,
         direction: str = "it_to_business") -> list[str]:
    """Why a pair may not be used (empty when it may): the target loses a locked fact of the source,
    or states a number the source does not."""
    from translator.facts import verify

    if facts is None:
        facts = source_facts(source, direction)
    check = verify(facts, source, target)
    problems = []
    if check.missing:
        problems.append("lost facts: " + ", ".join(check.missing))
    if check.added:
        problems.append("invented numbers: " + ", ".join(check.added))
    if "⟦" in target or "⟧" in target:
        problems.append("the target contains placeholder brackets")
    return problems


def mask(text: str, mapping: dict[str, str], facts: Sequence[Any]) -> str:
    """``text`` with each locked fact (either of its forms) replaced by its placeholder, longest first,
    the way :func:`translator.guard.protect` masks the draft."""
    by_form: dict[str, str] = {}
    for marker, value in mapping.items():
        by_form[value] = marker
        for fact in facts:
            if value in fact.forms():
                for form in fact.forms():
                    by_form.setdefault(form, marker)
    from translator.guard import replace_all

    return replace_all(text, by_form)


def process(record: dict[str, Any]) -> tuple[Example | None, list[str]]:
    """Draft, lint and mask one raw record; (None, reasons) when it is rejected."""
    from glossary import Direction
    from translator import guard, translate

    direction = record["direction"]
    source, target = record["source"], record["target"]
    translation = translate(source, direction=Direction(direction))
    facts = source_facts(source, direction, translation.facts.locked)
    problems = lint(source, target, facts, direction=direction)
    if problems:
        return None, ["lint: " + p for p in problems]
    draft = translation.text
    draft_masked, mapping = guard.protect(draft, facts)
    target_masked = mask(target, mapping, facts)
    _, protocol = guard.restore(target_masked, mapping, draft_masked)
    if protocol:
        return None, ["placeholders: " + p for p in protocol]
    example = Example(record["id"], direction, record.get("category", ""), source, target, draft, draft_masked,
                      target_masked, mapping)
    return example, []


def build(corpus_dir: Path = CORPUS_DIR, out_dir: Path = DATA_DIR, *, progress: bool = True) -> BuildReport:
    """Process every raw record; write ``train.jsonl``, ``heldout.jsonl`` and ``rejected.jsonl``."""
    records = load_raw(corpus_dir)
    report = BuildReport(total=len(records))
    train: list[Example] = []
    heldout: list[Example] = []
    rejected: list[dict[str, Any]] = []
    iterator: Iterable[dict[str, Any]] = records
    if progress:
        tqdm = importlib.import_module("tqdm").tqdm  # (no type stubs are installed)
        iterator = tqdm(records, desc="drafting", unit="pair")
    for record in iterator:
        example, reasons = process(record)
        if example is None:
            rejected.append({"id": record["id"], "reasons": reasons})
            kind = reasons[0].split(":", 1)[0] if reasons[0].startswith("placeholders") else \
                reasons[0].split(":", 2)[0] + ":" + reasons[0].split(":", 2)[1]
            report.rejected[kind] = report.rejected.get(kind, 0) + 1
            continue
        (heldout if is_heldout(example.id) else train).append(example)
    report.train, report.heldout = len(train), len(heldout)
    report.by_direction = dict(Counter(e.direction for e in train + heldout))
    report.by_category = dict(sorted(Counter(e.category for e in train + heldout).items()))
    report.heldout_by_direction = dict(Counter(e.direction for e in heldout))
    if report.heldout < MIN_HELDOUT:
        raise ValueError(f"only {report.heldout} held-out pairs; at least {MIN_HELDOUT} are needed")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", train), ("heldout", heldout)):
        (out_dir / f"{name}.jsonl").write_text("".join(e.to_json() + "\n" for e in rows), encoding="utf-8")
    (out_dir / "rejected.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rejected), encoding="utf-8")
    from translator.guard import SYSTEM

    (out_dir / "prompt.json").write_text(json.dumps({"system": SYSTEM}, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.json").write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return report


def load(name: str, data_dir: Path = DATA_DIR) -> list[Example]:
    """The processed ``train`` or ``heldout`` split."""
    path = data_dir / f"{name}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `python -m models.polisher.corpus`")
    return [Example.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the polisher's processed corpus.")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    report = build(args.corpus, args.out)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
