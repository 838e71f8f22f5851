"""What the transformer stage changes, and what it costs, in one run.

1. LM-ranked renderings against always taking the first rendering: mean log-likelihood (by the same
   scorer) of both outputs, and 10 example diffs.
2. Latency p50/p95 of a 60-word update: glossary only, scorer on, generation, and both (the polisher:
   SmolLM2 with the team's adapter, on llama.cpp when installed, behind the guard).
3. The generator's guard acceptance rate on the dev sets and on the real postmortem paragraphs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from corpus import EVAL_DIR, postmortems

from glossary import Direction
from models.config import ModelSettings
from models.registry import get_generator, get_scorer
from translator import ModelStage, RewriteMode, translate

UPDATE = (
    "P2 incident: the orders-api pods were OOMKilled after the 14:10 UTC deploy of v5.3.0, so p99 latency "
    "spiked to 4.1s and checkout error rate hit 3.2%. We rolled back at 14:38; MTTR 28m. The RCA is due "
    "Thursday and we will add a canary stage and tighter memory limits to the CI/CD pipeline before the freeze."
)


def timed(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=300, help="postmortem paragraphs for the acceptance rate")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    scorer = get_scorer(ModelSettings(scorer="smollm2", generator="none", embedder="none"))
    assert scorer is not None
    ranked_stage = ModelStage(scorer=scorer)
    texts = [json.loads(line)["text"] for line in (EVAL_DIR / "dev_it2biz.jsonl").read_text().splitlines()]
    texts += postmortems()[:60]
    first, ranked, diffs = [], [], []
    for text in texts:
        a, b = translate(text).text, translate(text, models=ranked_stage).text
        first.append(a)
        ranked.append(b)
        if a != b:
            diffs.append((a, b))
    print(f"== LM ranking on {len(texts)} texts: {len(diffs)} outputs differ")
    print(f"mean log-likelihood, first rendering: {statistics.mean(scorer.score(first)):.4f}")
    print(f"mean log-likelihood, LM-ranked:       {statistics.mean(scorer.score(ranked)):.4f}")
    for a, b in diffs[:10]:
        print(f"- first : {a[:160]}\n  ranked: {b[:160]}")

    print(f"== latency, 60-word update ({len(UPDATE.split())} words), {args.rounds} rounds, ms")
    p50, p95 = timed(lambda: translate(UPDATE), args.rounds)
    print(f"glossary only     p50={p50:.0f} p95={p95:.0f}")
    p50, p95 = timed(lambda: translate(UPDATE, models=ranked_stage), args.rounds)
    print(f"scorer on         p50={p50:.0f} p95={p95:.0f} (target p50 <= 250)")
    generator = get_generator(ModelSettings(scorer="none", generator="polisher", embedder="none"))
    assert generator is not None
    alone = ModelStage(generator=generator)
    p50, p95 = timed(lambda: translate(UPDATE, models=alone), max(3, args.rounds // 4))
    print(f"generation        p50={p50:.0f} p95={p95:.0f} (polisher target p50 <= 1000)")
    full = ModelStage(scorer=scorer, generator=generator)
    p50, p95 = timed(lambda: translate(UPDATE, models=full), max(3, args.rounds // 4))
    print(f"scorer+generation p50={p50:.0f} p95={p95:.0f}")

    print(f"== guard acceptance of {generator.name}, rewrite=model")
    sets = {
        "dev it2biz": [(t, Direction.IT_TO_BUSINESS) for t in texts[:12]],
        "dev biz2it": [(json.loads(line)["text"], Direction.BUSINESS_TO_IT)
                       for line in (EVAL_DIR / "dev_biz2it.jsonl").read_text().splitlines()],
        "postmortems": [(t, Direction.IT_TO_BUSINESS) for t in postmortems()[: args.limit]],
    }
    stage = ModelStage(generator=generator)
    for name, items in sets.items():
        accepted = sum(
            translate(t, direction=d, rewrite_mode=RewriteMode.MODEL, models=stage).engine == "model" for t, d in items
        )
        print(f"{name}: accepted {accepted}/{len(items)} = {accepted / len(items):.2f}")


if __name__ == "__main__":
    main()
