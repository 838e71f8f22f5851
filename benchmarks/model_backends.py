"""Model backends: load time and memory, generation speed, scorer latency. Prints figures (medians).

- load: wall time and resident memory added (RSS delta) for the scorer (SmolLM2 through transformers),
  the embedder (all-MiniLM-L6-v2) and the llama.cpp generator (SmolLM2 GGUF), each loaded in a
  fresh subprocess so that one's memory does not hide another's;
- generation: tokens/s of llama.cpp and of transformers on the same SmolLM2 file and the same
  prompt, greedy, and their ratio;
- scorer: latency of score_continuations for ~10 alternatives at one spot of a 60-word update
  (p50/p95), against scoring the 10 whole texts with score(); at 1 thread and at the default thread
  count. The whole update with the scorer on (the 250 ms target) is in benchmarks/ranking.py.

Run: .venv/bin/python benchmarks/model_backends.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import ModelSettings  # noqa: E402

CACHE = ROOT / "data" / "model-cache"

UPDATE = (
    "At 09:40 UTC the checkout API began returning HTTP 503 errors for about 12% of card payments. "
    "The on-call engineer traced the failures to connection pool exhaustion on the primary database "
    "after release 4.2.1 raised the request timeout to 30 seconds. We rolled the release back at 10:25, "
    "error rates returned to normal, and a fix is scheduled for Thursday."
)
SPOT = "connection pool exhaustion"
ALTERNATIVES = [
    "connection pool exhaustion", "running out of database connections", "too many open connections",
    "all database connections being in use", "a shortage of database connections", "an overloaded connection pool",
    "the connection limit being reached", "connection exhaustion", "no free database connections",
    "database connection starvation",
]
RIGHT_CONTEXT_WORDS = 4
PROMPT = "Rewrite this for a business reader in two sentences: " + UPDATE
SYSTEM = "You rewrite IT status updates in plain business English. Keep every number."


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load_child(role: str) -> None:
    """In a fresh process: import what the role needs, then time the load and the RSS it adds."""
    from models import get_embedder, get_generator, get_scorer

    settings = {
        "scorer": ModelSettings(cache_dir=CACHE),
        "embedder": ModelSettings(),
        "llamacpp": ModelSettings(generator="llamacpp"),
    }[role]
    # Import the libraries first: their import cost is paid once per process whatever is loaded.
    if role == "llamacpp":
        import llama_cpp  # noqa: F401
    else:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        if role == "embedder":
            import sentence_transformers  # noqa: F401
    before, start = rss_mb(), time.perf_counter()
    model: Any = {"scorer": get_scorer, "embedder": get_embedder, "llamacpp": get_generator}[role](settings)
    seconds = time.perf_counter() - start
    if role == "scorer":
        model.score(["warm up"])
    elif role == "embedder":
        model.embed(["warm up"])
    print(json.dumps({"role": role, "load_s": seconds, "rss_delta_mb": rss_mb() - before, "rss_mb": rss_mb()}))


def measure_loads(rounds: int) -> None:
    print("== load (fresh process each; libraries imported before timing) ==")
    # The first load of the scorer converts the GGUF for transformers into the cache: do it outside the timing.
    subprocess.run([sys.executable, __file__, "--load-child", "scorer"], check=True, capture_output=True)
    for role in ("scorer", "embedder", "llamacpp"):
        rows = []
        for _ in range(rounds):
            out = subprocess.run([sys.executable, __file__, "--load-child", role], check=True, capture_output=True,
                                 text=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
        load = statistics.median(r["load_s"] for r in rows)
        delta = statistics.median(r["rss_delta_mb"] for r in rows)
        total = statistics.median(r["rss_mb"] for r in rows)
        print(f"{role}_load_s={load:.2f} {role}_rss_delta_mb={delta:.0f} {role}_process_rss_mb={total:.0f}")


def measure_generation(rounds: int, max_new_tokens: int) -> None:
    import torch

    from models.hf import HFGenerator
    from models.llamacpp import LlamaCppGenerator
    from models.paths import smollm2_gguf

    print(f"== generation: same SmolLM2 GGUF, same prompt, greedy, up to {max_new_tokens} new tokens ==")
    gguf = smollm2_gguf()
    default_threads = torch.get_num_threads()
    generators = {dtype: HFGenerator(gguf, cache_dir=CACHE, dtype=dtype) for dtype in ("float32", "bfloat16")}
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        llama = LlamaCppGenerator(gguf, n_ctx=1024, n_threads=threads)
        results = {f"transformers_{dtype}": _tokens_per_s(hf, hf.tokenizer, rounds, max_new_tokens)
                   for dtype, hf in generators.items()}
        results["llamacpp_q4_1"] = _tokens_per_s(llama, None, rounds, max_new_tokens, llama=llama)
        for label, speed in results.items():
            print(f"threads={threads} {label}_tokens_per_s={speed:.1f}")
        for label, speed in results.items():
            if label.startswith("transformers"):
                print(f"threads={threads} ratio_llamacpp_to_{label}={results['llamacpp_q4_1'] / speed:.1f}")
        del llama
    torch.set_num_threads(default_threads)


def _tokens_per_s(generator: Any, tokenizer: Any, rounds: int, max_new_tokens: int, llama: Any = None) -> float:
    generator.generate(PROMPT, system=SYSTEM, max_new_tokens=8, timeout_s=120)  # warm up
    speeds = []
    for _ in range(rounds):
        start = time.perf_counter()
        reply = generator.generate(PROMPT, system=SYSTEM, max_new_tokens=max_new_tokens, timeout_s=600)
        seconds = time.perf_counter() - start
        tokens = llama.count_tokens(reply) if llama else len(tokenizer(reply, add_special_tokens=False)["input_ids"])
        speeds.append(max(tokens, 1) / seconds)
    return statistics.median(speeds)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_scorer(rounds: int) -> None:
    import torch

    from models import get_scorer
    from models.hf import HFScorer

    scorer = get_scorer(ModelSettings(cache_dir=CACHE))
    assert isinstance(scorer, HFScorer)
    head, tail = UPDATE.split(SPOT)
    right = " ".join(tail.split()[:RIGHT_CONTEXT_WORDS])
    continuations = [f" {alt} {right}" for alt in ALTERNATIVES]
    prefix = head.rstrip()
    print(f"== scorer: {len(UPDATE.split())}-word update, {len(ALTERNATIVES)} alternatives at one spot, "
          f"prefix {len(prefix.split())} words, {RIGHT_CONTEXT_WORDS} words of right context; dtype {scorer.dtype} ==")
    default_threads = torch.get_num_threads()
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        timings: dict[str, list[float]] = {"spot": [], "whole": []}
        for _ in range(3):  # warm up
            scorer.score_continuations([(prefix, continuations)])
        for _ in range(rounds):
            start = time.perf_counter()
            scorer.score_continuations([(prefix, continuations)])
            timings["spot"].append(time.perf_counter() - start)
            start = time.perf_counter()
            scorer.score([head + alt + tail for alt in ALTERNATIVES])
            timings["whole"].append(time.perf_counter() - start)
        for label, what in (("spot", "score_continuations: the prefix once, then the alternatives"),
                            ("whole", "score() of the 10 whole texts")):
            ms = [t * 1000 for t in timings[label]]
            print(f"threads={threads} scorer_{label}_p50_ms={statistics.median(ms):.0f} "
                  f"p95_ms={percentile(ms, 0.95):.0f}  ({what})")
    torch.set_num_threads(default_threads)
    print("the 250 ms target is for a whole 60-word update with the scorer on: benchmarks/ranking.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load-child", choices=["scorer", "embedder", "llamacpp"], help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--only", choices=["load", "generation", "scorer"], action="append")
    args = parser.parse_args()
    if args.load_child:
        load_child(args.load_child)
        return
    only = set(args.only or ["load", "generation", "scorer"])
    print(f"cpus={os.cpu_count()} loadavg={os.getloadavg()[0]:.2f}")
    if "load" in only:
        measure_loads(rounds=1 if args.quick else 3)
    if "generation" in only:
        measure_generation(rounds=2 if args.quick else 3, max_new_tokens=64)
    if "scorer" in only:
        measure_scorer(rounds=10 if args.quick else 30)


if __name__ == "__main__":
    main()
