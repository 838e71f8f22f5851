"""Quality: runs ../shared/eval/score.py through the CLI, next to the do-nothing baseline, in one run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from corpus import EVAL_DIR

JARGON = Path(sys.executable).with_name("jargon")


def score(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(EVAL_DIR / "score.py"), *args], capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if line.startswith(("it2biz", "biz2it"))]


def main() -> None:
    print("== baseline (identity: output = input)")
    print("\n".join(score("--identity")))
    print("== jargon translate (deterministic, through the CLI)")
    print("\n".join(score("--cli", f"{JARGON} translate --direction {{direction}} --format json")))


if __name__ == "__main__":
    main()
