"""Quality, in one run: ../shared/eval/score.py through the CLI next to the do-nothing baseline, then the
same measures on the team's own held-out sets (benchmarks/data), which the glossary was not written against:
'heldout_b' to 'heldout_e' were each written by a session that saw neither the glossary nor the other sets.
Only 'heldout_e' has never been read to improve the translator."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from corpus import EVAL_DIR, real_terms, score_module

from glossary import Direction, LayerStack, Matcher, builtin_layer
from glossary.tokens import tokenize
from translator import translate

JARGON = Path(sys.executable).with_name("jargon")
HELDOUT = Path(__file__).parent / "data"
HELDOUT_SETS = ("heldout", "heldout_b", "heldout_c", "heldout_d", "heldout_e")


def score(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(EVAL_DIR / "score.py"), *args], capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if line.startswith(("it2biz", "biz2it"))]


def heldout(s: ModuleType, name: str) -> None:
    rows = [json.loads(line) for line in (HELDOUT / f"{name}_it2biz.jsonl").read_text().splitlines() if line]
    for label, run in (("identity", lambda t: t), ("glossary", lambda t: translate(t).text)):
        removed, kept, invented, g_in, g_out = [], [], 0, [], []
        for row in rows:
            out = run(row["text"])
            removed.append(sum(not s.present(j, out) for j in row["jargon"]) / len(row["jargon"]))
            kept.append(sum(s.kept(f, out) for f in row["keep"]) / len(row["keep"]) if row["keep"] else 1.0)
            invented += bool({v for v in s.values(out) - s.values(row["text"]) if v not in (0.0, 1.0)})
            g_in.append(s.fkgl(row["text"]))
            g_out.append(s.fkgl(out))
        print(f"{name} it2biz {label}: n={len(rows)} jargon_removed={statistics.mean(removed):.2f} "
              f"facts_kept={statistics.mean(kept):.2f} items_with_invented_numbers={invented} "
              f"fkgl_in={statistics.mean(g_in):.1f} fkgl_out={statistics.mean(g_out):.1f}")
    rows = [json.loads(line) for line in (HELDOUT / f"{name}_biz2it.jsonl").read_text().splitlines() if line]
    for label, run in (("identity", lambda t: t),
                       ("glossary", lambda t: translate(t, direction=Direction.BUSINESS_TO_IT).text)):
        coverage = []
        for row in rows:
            out = run(row["text"]).lower()
            hits = [any(a.lower() in out for a in group) for group in row["expect_any"]]
            coverage.append(sum(hits) / len(hits))
        print(f"{name} biz2it {label}: n={len(rows)} concept_coverage={statistics.mean(coverage):.2f}")


def real_terms_recognised() -> None:
    """How many of the real IT terms in ../shared/eval the glossary matches whole (in some written form)."""
    matcher = Matcher(LayerStack.of([builtin_layer()]), Direction.IT_TO_BUSINESS)

    def whole(form: str) -> bool:
        tokens = tokenize(form)
        return any(m.start == 0 and m.end == len(form) for m in matcher.find(tokens, [False] * len(tokens)))

    terms = real_terms()
    found = sum(any(whole(form) for form in forms) for forms in terms)
    print(f"real IT terms recognised (it_to_business): {found}/{len(terms)} = {found / len(terms):.2f} "
          "(the list includes plain words, organisations and port numbers that are not jargon to replace)")


def main() -> None:
    print("== ../shared/eval, baseline (identity: output = input)")
    print("\n".join(score("--identity")))
    print("== ../shared/eval, jargon translate (deterministic, through the CLI)")
    print("\n".join(score("--cli", f"{JARGON} translate --direction {{direction}} --format json")))
    print("== own held-out sets (benchmarks/data); B to E were each written by a session that saw neither the"
          " glossary nor other eval data, and only E has never been read to improve the translator")
    scoring = score_module()
    for name in HELDOUT_SETS:
        heldout(scoring, name)
    print("== glossary coverage of ../shared/eval/real_terms.jsonl")
    real_terms_recognised()


if __name__ == "__main__":
    main()
