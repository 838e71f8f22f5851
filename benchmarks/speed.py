"""Speed of the deterministic pipeline against spaCy's blank English tokenizer, same text, same run.

Prints words/s for both and their ratio (target >= 0.25), as medians over repeated rounds.
"""

from __future__ import annotations

import statistics
import time

import spacy
from corpus import postmortems

from translator import translate

ROUNDS = 7


def words_per_second(texts: list[str], run: object) -> float:
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for text in texts:
        run(text)  # type: ignore[operator]
    return words / (time.perf_counter() - start)


def main() -> None:
    texts = postmortems()
    nlp = spacy.blank("en")
    for text in texts:  # warm caches and lazy loads for both
        translate(text)
        nlp.make_doc(text)
    pipeline, tokenizer = [], []
    for _ in range(ROUNDS):
        tokenizer.append(words_per_second(texts, nlp.make_doc))
        pipeline.append(words_per_second(texts, translate))
    p, t = statistics.median(pipeline), statistics.median(tokenizer)
    print(f"texts={len(texts)} words={sum(len(x.split()) for x in texts)} rounds={ROUNDS}")
    print(f"spacy_blank_tokenizer_words_per_s={t:,.0f}")
    print(f"pipeline_words_per_s={p:,.0f}")
    print(f"ratio_pipeline_to_tokenizer={p / t:.3f} (target >= 0.25)")


if __name__ == "__main__":
    main()
