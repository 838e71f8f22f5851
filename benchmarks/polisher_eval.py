"""The polisher, in one table and one run: the deterministic draft, SmolLM2 zero-shot and the fine-tuned
polisher (both generators behind the guard, in `auto` mode), on the polisher's held-out split and on
../shared/eval's dev sets.

Measures (score.py's own functions, imported as they are): guard acceptance rate, jargon removed
(dev: the labelled terms; held-out: the glossary terms the pipeline found in the source), facts kept
(dev: the labelled facts; held-out: the locked facts), items with invented numbers, Flesch-Kincaid
grade, concept coverage (business->IT dev set), chrF against the written targets (held-out only),
and p50 latency per item. Below the table, why the guard turned rewrites down (each attempt's problems,
by kind).

    python benchmarks/polisher_eval.py [--limit N] [--adapter DIR] [--update-card]

Runs without an adapter: it says so and evaluates the first two systems.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from corpus import EVAL_DIR, score_module

from glossary import Direction
from models.base import Generator
from models.polisher import ADAPTER_DIR, DATA_DIR
from models.polisher.corpus import Example, load, source_facts
from translator import ModelStage, analyze, translate

TIME_LIMIT_S = 8.0


@dataclass
class Item:
    """One input with what it is scored against."""

    text: str
    direction: Direction
    keep: list[str]
    jargon: list[str] = field(default_factory=list)
    expect_any: list[list[str]] = field(default_factory=list)
    target: str | None = None


@dataclass
class Row:
    dataset: str
    system: str
    n: int = 0
    accepted: list[bool] = field(default_factory=list)
    removed: list[float] = field(default_factory=list)
    kept: list[float] = field(default_factory=list)
    invented: int = 0
    grade: list[float] = field(default_factory=list)
    concepts: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    warnings: list[list[str]] = field(default_factory=list)
    chrf: float | None = None


def heldout_items(examples: Sequence[Example], direction: str) -> list[Item]:
    items = []
    for e in examples:
        if e.direction != direction:
            continue
        d = Direction(direction)
        locked = translate(e.source, direction=d).facts.locked
        facts = [f.text for f in source_facts(e.source, direction, locked)]
        terms = [k.term for k in analyze(e.source, direction=d).known if k.mode.value != "keep"]
        items.append(Item(e.source, d, list(dict.fromkeys(facts)), list(dict.fromkeys(terms)), target=e.target))
    return items


def dev_items(name: str, direction: Direction) -> list[Item]:
    rows = [json.loads(line) for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Item(r["text"], direction, r.get("keep", []), r.get("jargon", []), r.get("expect_any", [])) for r in rows]


def run_system(dataset: str, system: str, items: Sequence[Item], models: ModelStage | None, s: ModuleType) -> Row:
    row = Row(dataset, system)
    for item in items:
        start = time.perf_counter()
        result = translate(item.text, direction=item.direction, models=models)
        row.latency.append(time.perf_counter() - start)
        out = result.text
        row.n += 1
        row.outputs.append(out)
        row.warnings.append(result.warnings)
        row.accepted.append(result.engine == "model")
        if item.jargon:
            row.removed.append(sum(not s.present(j, out) for j in item.jargon) / len(item.jargon))
        row.kept.append(sum(s.kept(f, out) for f in item.keep) / len(item.keep) if item.keep else 1.0)
        row.invented += bool({v for v in s.values(out) - s.values(item.text) if v not in (0.0, 1.0)})
        grade = s.fkgl(out)
        if grade == grade:
            row.grade.append(grade)
        if item.expect_any:
            low = out.lower()
            hits = [any(a.lower() in low for a in group) for group in item.expect_any]
            row.concepts.append(sum(hits) / len(hits))
    targets = [i.target for i in items]
    if items and all(t is not None for t in targets):
        import sacrebleu

        row.chrf = sacrebleu.corpus_chrf(row.outputs, [[str(t) for t in targets]]).score
    return row


def _mean(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    return fmt.format(statistics.mean(values)) if values else "-"


def table(rows: Sequence[Row]) -> str:
    head = ("| set | system | n | guard accepted | jargon removed | facts kept | invented numbers | grade | "
            "concepts | chrF | p50 s |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        accepted = "-" if r.system == "draft" else _mean([float(a) for a in r.accepted])
        chrf = "-" if r.chrf is None else f"{r.chrf:.1f}"
        lines.append(f"| {r.dataset} | {r.system} | {r.n} | {accepted} | {_mean(r.removed)} | {_mean(r.kept)} | "
                     f"{r.invented} | {_mean(r.grade, '{:.1f}')} | {_mean(r.concepts)} | {chrf} | "
                     f"{_mean([statistics.median(r.latency)] if r.latency else [], '{:.2f}')} |")
    return "\n".join(lines)


#: The guard's problems (translator/guard.py), by kind.
REJECTION_KINDS = {
    "placeholders": r"placeholder|unknown placeholders",
    "figure moved": r"moved away from the words",
    "dropped facts": r"dropped facts",
    "added numbers": r"added numbers",
    "jargon added": r"jargon '.*' added",
    "kept term missing": r"kept term",
    "term lost": r"term '.*' lost",
    "unsupported wording": r"unsupported wording|stray characters",
    "forbidden term": r"forbidden term",
    "length": r"length [\d.]+x",
    "empty": r"empty output",
    "time limit": r"time limit",
    "generator failed": r"generator failed",
}


def rejections(rows: Sequence[Row]) -> str:
    """How often each kind of problem turned an attempt down, per set and system (from the warnings)."""
    lines = []
    for r in rows:
        counts: collections.Counter[str] = collections.Counter()
        for warnings in r.warnings:
            for warning in warnings:
                if not warning.startswith("The model rewrite was not used"):
                    continue
                for problem in warning.rsplit("); ", 1)[0].split(" (", 1)[-1].split("; "):
                    counts.update({kind for kind, pattern in REJECTION_KINDS.items() if re.search(pattern, problem)})
        if counts:
            kinds = ", ".join(f"{kind} {n}" for kind, n in counts.most_common())
            lines.append(f"Rejections, {r.dataset} / {r.system} (problems over all attempts, by kind): {kinds}")
    return "\n".join(lines)


def update_card(card: Path, text: str) -> None:
    from models.polisher.train import EVAL_END, EVAL_START

    content = card.read_text(encoding="utf-8")
    if EVAL_START not in content or EVAL_END not in content:
        content += f"\n{EVAL_START}\n{EVAL_END}\n"
    head, rest = content.split(EVAL_START, 1)
    _, tail = rest.split(EVAL_END, 1)
    card.write_text(f"{head}{EVAL_START}\n{text}\n{EVAL_END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--adapter", type=Path, default=ADAPTER_DIR)
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--limit", type=int, help="the first N held-out pairs of each direction (CPU runs)")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT_S, help="the guard's per-item time limit")
    parser.add_argument("--systems", default="draft,zero-shot,polisher")
    parser.add_argument("--runtime", choices=["auto", "llamacpp", "transformers"], default="auto",
                        help="where SmolLM2 runs (auto: llama.cpp when installed)")
    parser.add_argument("--threads", type=int, help="CPU threads (default: the library's choice)")
    parser.add_argument("--cache-dir", type=Path, help="default: the models' cache directory (JARGON_DATA_DIR)")
    parser.add_argument("--update-card", action="store_true", help="write the table into the adapter's MODEL_CARD.md")
    parser.add_argument("--out", type=Path, help="also write every output here (JSON lines)")
    args = parser.parse_args(argv)

    from models.config import ModelSettings
    from models.polisher.generator import build, has_adapter

    s = score_module()
    heldout = load("heldout", args.data)
    datasets = {
        "held-out it2biz": heldout_items(heldout, "it_to_business")[: args.limit],
        "held-out biz2it": heldout_items(heldout, "business_to_it")[: args.limit],
        "dev it2biz": dev_items("dev_it2biz.jsonl", Direction.IT_TO_BUSINESS),
        "dev biz2it": dev_items("dev_biz2it.jsonl", Direction.BUSINESS_TO_IT),
    }
    cache_dir = args.cache_dir or ModelSettings().resolved_cache_dir()
    wanted = args.systems.split(",")
    systems: dict[str, Callable[[], Generator | None]] = {"draft": lambda: None}
    if "zero-shot" in wanted:
        systems["zero-shot"] = lambda: build(None, runtime=args.runtime, cache_dir=cache_dir, n_threads=args.threads)
    notes = []
    if "polisher" in wanted:
        if has_adapter(args.adapter):
            systems["polisher"] = lambda: build(args.adapter, runtime=args.runtime, cache_dir=cache_dir,
                                                n_threads=args.threads)
        else:
            notes.append(f"No adapter in {args.adapter} (run `jargon train`): the polisher is not evaluated.")
    for note in notes:
        print(note)
    rows: list[Row] = []
    outputs: list[dict[str, Any]] = []
    started = time.perf_counter()
    for system, make in systems.items():
        if system not in wanted:
            continue
        generator = make()
        models = ModelStage(generator=generator, time_limit_s=args.time_limit) if generator else None
        for name, items in datasets.items():
            row = run_system(name, system, items, models, s)
            rows.append(row)
            print(f"{name} / {system}: done ({row.n} items)", file=sys.stderr)
            outputs += [{"set": name, "system": system, "text": i.text, "out": o, "warnings": w}
                        for i, o, w in zip(items, row.outputs, row.warnings, strict=True)]
    order = {name: k for k, name in enumerate(datasets)}
    rows.sort(key=lambda r: (order[r.dataset], list(systems).index(r.system)))
    text = table(rows)
    limit = f", first {args.limit} held-out pairs per direction" if args.limit else ""
    footer = (f"One run, {time.perf_counter() - started:.0f} s{limit}; guard time limit {args.time_limit:.0f} s; "
              "generators behind the guard in auto mode (a rejected rewrite counts as the draft).")
    print(text)
    print(footer)
    print(rejections(rows))
    for note in notes:
        print(note)
    if args.out:
        args.out.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in outputs), encoding="utf-8")
    if args.update_card and has_adapter(args.adapter) and (args.adapter / "MODEL_CARD.md").is_file():
        update_card(args.adapter / "MODEL_CARD.md", text + "\n\n" + footer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
