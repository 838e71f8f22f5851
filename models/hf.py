"""transformers backends: the causal-LM scorer and the local generator (seq2seq or causal).

Models load from a local directory, or from a GGUF file (dequantised by transformers, which
needs the ``gguf`` package). A GGUF conversion is slow (tens of seconds for SmolLM2), so the
converted model is saved once under the cache directory and loaded from there after that.
Nothing is ever fetched from a hub: every ``from_pretrained`` runs with ``local_files_only``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
)

from models.base import GenerationTimeout, ModelUnavailable

log = logging.getLogger(__name__)

#: Texts scored in one forward pass by ``score`` (bounds memory: batch x length x vocabulary logits).
MAX_BATCH = 32
#: Tokens in one packed pass of ``score_continuations`` (bounds the attention mask, quadratic in it).
PACK_TOKENS = 512
#: Positions projected onto the vocabulary at a time: small blocks stay in cache (57 ms against 78 for
#: 335 positions of SmolLM2 in one block, on the development machine).
HEAD_ROWS = 32


def set_threads(n_threads: int | None) -> None:
    if n_threads:
        torch.set_num_threads(n_threads)


def cpu_has_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AMX or AVX512-BF16): then bfloat16 runs
    several times faster than float32 (3.5x for SmolLM2 on the development machine)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


class _PackedLinear(torch.nn.Module):
    """A bfloat16 linear layer whose weight oneDNN reorders once, at load, as torch.compile's
    freezing does: a plain one reorders it on every call, about half its time on a few tokens
    (SmolLM2's 576x1536 layer: 48 us against 104 for one token on the development machine)."""

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        self.weight = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach())
        self.bias = None if linear.bias is None else linear.bias.detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "none", [], "")
        return out


def pack_linears(model: torch.nn.Module) -> int:
    """Swap each bfloat16 linear layer of ``model`` (inference only) for a :class:`_PackedLinear`
    that computes the same; returns how many. It swaps none where this torch build lacks oneDNN's
    ops, or where one layer's result differs (then the model is left as it was)."""
    ops = torch.ops.mkldnn
    if not (torch.backends.mkldnn.is_available() and hasattr(ops, "_reorder_linear_weight")  # type: ignore[no-untyped-call]
            and hasattr(ops, "_linear_pointwise")):
        return 0
    swaps = [(parent, name, child) for parent in model.modules() for name, child in parent.named_children()
             if isinstance(child, torch.nn.Linear) and child.weight.dtype == torch.bfloat16]
    try:
        packed = [_PackedLinear(child) for _, _, child in swaps]
        with torch.inference_mode():
            for (_, _, child), swap in zip(swaps, packed, strict=True):
                probe = torch.randn(3, child.in_features, dtype=torch.bfloat16)
                if not torch.allclose(swap(probe).float(), child(probe).float(), atol=1e-2, rtol=1e-2):
                    return 0
    except RuntimeError as error:
        log.warning("bfloat16 linear layers stay unpacked: %s", error)
        return 0
    for (parent, name, _), swap in zip(swaps, packed, strict=True):
        setattr(parent, name, swap)
    return len(swaps)


def resolve_dtype(dtype: str) -> torch.dtype:
    """``"auto"``: bfloat16 where the CPU computes it natively, else float32."""
    if dtype == "auto":
        return torch.bfloat16 if cpu_has_bf16() else torch.float32
    if dtype in ("float32", "bfloat16"):
        return torch.float32 if dtype == "float32" else torch.bfloat16
    raise ModelUnavailable(f"unknown dtype {dtype!r}: set JARGON_DTYPE to auto, float32 or bfloat16")


def _gguf_cache_dir(gguf: Path, cache_dir: Path) -> Path:
    return cache_dir / f"{gguf.stem}-{gguf.stat().st_size}"


def load_model(
    path: Path, cache_dir: Path | None, *, what: str, dtype: torch.dtype = torch.float32
) -> tuple[Any, Any]:
    """(tokenizer, model in eval mode, weights in ``dtype``) from a local model directory or a .gguf file."""
    try:
        if path.is_file():
            if path.suffix != ".gguf":
                raise ModelUnavailable(f"{what}: {path} is neither a model directory nor a .gguf file")
            return _load_gguf(path, cache_dir, what=what, dtype=dtype)
        config = AutoConfig.from_pretrained(path, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        auto = AutoModelForSeq2SeqLM if getattr(config, "is_encoder_decoder", False) else AutoModelForCausalLM
        model = auto.from_pretrained(path, local_files_only=True, dtype=dtype)
    except ModelUnavailable:
        raise
    except ImportError as error:  # e.g. sentencepiece, protobuf, gguf, accelerate
        raise ModelUnavailable(f"{what}: loading {path} needs a package: {error}") from error
    except (OSError, ValueError, KeyError) as error:
        raise ModelUnavailable(f"{what}: cannot load a model from {path}: {error}") from error
    model.eval()
    return tokenizer, model


def _load_gguf(gguf: Path, cache_dir: Path | None, *, what: str, dtype: torch.dtype) -> tuple[Any, Any]:
    converted = _gguf_cache_dir(gguf, cache_dir) if cache_dir else None
    if converted is not None and (converted / "config.json").is_file():
        try:
            tokenizer = AutoTokenizer.from_pretrained(converted, local_files_only=True)
            model: Any = AutoModelForCausalLM.from_pretrained(converted, local_files_only=True, dtype=dtype)
            model.eval()
            return tokenizer, model
        except (OSError, ValueError) as error:  # a damaged cache: convert again
            log.warning("ignoring the converted model at %s: %s", converted, error)
    for module, install in (("gguf", "gguf"), ("accelerate", "accelerate")):
        try:
            __import__(module)
        except ImportError:
            raise ModelUnavailable(f"{what}: loading a .gguf file with transformers needs: pip install {install}") \
                from None
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(  # dequantised to float32
        gguf.parent, gguf_file=gguf.name, local_files_only=True, dtype=torch.float32
    )
    model.eval()
    if converted is not None:
        _save_converted(tokenizer, model, converted)  # float32, whatever dtype this process wants
    return tokenizer, model.to(dtype)


def _save_converted(tokenizer: Any, model: Any, target: Path) -> None:
    """Save atomically (a temporary sibling, then a rename), so concurrent processes never see half a model."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        tmp.chmod(0o755)
        try:
            # The weights were dequantised on load: save them as plain float32 safetensors.
            quantizer = getattr(model, "hf_quantizer", None)
            quant_config = getattr(model.config, "quantization_config", None)
            model.hf_quantizer = None
            if quant_config is not None:
                del model.config.quantization_config
            try:
                model.save_pretrained(tmp)
            finally:
                model.hf_quantizer = quantizer
                if quant_config is not None:
                    model.config.quantization_config = quant_config
            tokenizer.save_pretrained(tmp)
            os.replace(tmp, target)
        except (OSError, ValueError):
            shutil.rmtree(tmp, ignore_errors=True)
            if not (target / "config.json").is_file():
                raise
    except (OSError, ValueError) as error:
        log.warning("could not cache the converted model at %s (%s); it will be converted again next time",
                    target, error)


class HFScorer:
    """Mean token log-likelihood under a causal LM (SmolLM2 by default).

    :meth:`score_continuations` packs every spot's prefix and continuations into one token tree with
    a mask that lets each token see only its own sequence: tokens that sequences share at their start
    run once, and nothing is padded.
    """

    def __init__(
        self,
        path: Path,
        *,
        n_threads: int | None = None,
        cache_dir: Path | None = None,
        dtype: str = "auto",
    ) -> None:
        set_threads(n_threads)
        self.path = path
        self.dtype = resolve_dtype(dtype)
        self.tokenizer, self.model = load_model(path, cache_dir, what="the scorer", dtype=self.dtype)
        if getattr(self.model.config, "is_encoder_decoder", False):
            raise ModelUnavailable(f"the scorer needs a causal LM, and {path} is an encoder-decoder model")
        pack_linears(self.model)
        self.name = f"transformers:{path.stem if path.is_file() else path.name}"
        start = self.tokenizer.bos_token_id
        if start is None:
            start = self.tokenizer.eos_token_id
        if start is None:
            raise ModelUnavailable(f"the scorer: the tokenizer of {path} has neither a BOS nor an EOS token")
        # SmolLM2's BOS is the chat marker <|im_start|>; plain text follows <|endoftext|> in pre-training.
        vocab = self.tokenizer.get_vocab()
        self.start_id: int = int(vocab.get("<|endoftext|>", start))
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, in one tokenizer call; an empty text has none."""
        if not texts:
            return []
        return [list(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    def score(self, texts: Sequence[str]) -> list[float]:
        encoded = [[self.start_id, *ids] if t else [] for t, ids in zip(texts, self._encode(texts), strict=True)]
        scores = [0.0] * len(texts)
        order = sorted((i for i, ids in enumerate(encoded) if len(ids) > 1), key=lambda i: len(encoded[i]))
        for begin in range(0, len(order), MAX_BATCH):
            chunk = order[begin : begin + MAX_BATCH]
            width = len(encoded[chunk[-1]])
            ids = torch.zeros((len(chunk), width), dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, i in enumerate(chunk):
                ids[row, : len(encoded[i])] = torch.tensor(encoded[i])
                mask[row, : len(encoded[i])] = 1
            with self._lock, torch.inference_mode():
                logits = self.model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            token_lp = _token_logprobs(logits, ids[:, 1:])
            valid = mask[:, 1:].float()
            means = (token_lp * valid).sum(dim=1) / valid.sum(dim=1)
            for row, i in enumerate(chunk):
                scores[i] = float(means[row])
        return scores

    def score_continuations(self, spots: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
        # Trailing whitespace belongs to the next word for BPE tokenizers: move it onto the continuations.
        texts: list[str] = []
        for prefix, continuations in spots:
            stripped = prefix.rstrip()
            texts += [stripped, *(prefix[len(stripped):] + c if c else "" for c in continuations)]
        token_ids = iter(self._encode(texts))
        encoded = [([self.start_id, *next(token_ids)], [next(token_ids) for _ in continuations])
                   for _, continuations in spots]
        sums = [[0.0] * len(conts) for _, conts in encoded]
        if not any(ids for _, conts in encoded for ids in conts):
            return sums
        with self._lock, torch.inference_mode():
            for pack in _packs(encoded):
                self._score_pack(pack, sums)
        return [[total / len(ids) if ids else 0.0 for total, ids in zip(spot_sums, conts, strict=True)]
                for spot_sums, (_, conts) in zip(sums, encoded, strict=True)]

    def _score_pack(self, pack: _Pack, sums: list[list[float]]) -> None:
        """One forward pass over a pack; adds each continuation's token log-likelihoods to ``sums``."""
        out = self.model.base_model(input_ids=torch.tensor([pack.ids]), attention_mask=pack.mask()[None, None],
                                    position_ids=torch.tensor([pack.positions]), use_cache=False)
        # Each distinct position goes through the vocabulary projection once, a block at a time.
        rows = sorted(set(pack.queries))
        row_of = {node: row for row, node in enumerate(rows)}
        hidden = out.last_hidden_state[0, rows]
        query_rows = torch.tensor([row_of[node] for node in pack.queries])
        targets = torch.tensor(pack.targets)
        token_lp = torch.empty(len(pack.queries))
        head = self.model.get_output_embeddings()
        for first in range(0, len(rows), HEAD_ROWS):
            logits = head(hidden[first:first + HEAD_ROWS]).float()
            wanted = ((query_rows >= first) & (query_rows < first + HEAD_ROWS)).nonzero()[:, 0]
            token_lp[wanted] = _token_logprobs(logits[query_rows[wanted] - first], targets[wanted])
        for (s, j), lp in zip(pack.owners, token_lp.tolist(), strict=True):
            sums[s][j] += lp


class _Pack:
    """Token sequences (a prefix and one continuation each) as one tree: the tokens that sequences
    share at their start (a prefix and its continuations, spots in the same sentence) are one node,
    run once. Each node sees its ancestors and itself only, at the position it has in its
    sequences, so every sequence scores as if it ran alone; nothing is padded and no cache copied.
    ``queries`` are the nodes whose next-token distribution scores ``targets``."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.positions: list[int] = []
        self.parents: list[int] = []
        self._children: dict[tuple[int, int], int] = {}  # (parent node or -1, token) -> node
        self.queries: list[int] = []
        self.targets: list[int] = []
        self.owners: list[tuple[int, int]] = []  # (spot, continuation) of each target

    def new_nodes(self, tokens: Sequence[int]) -> int:
        """How many nodes adding ``tokens`` would create."""
        node = -1
        for depth, token in enumerate(tokens):
            node = self._children.get((node, token), -2)
            if node == -2:
                return len(tokens) - depth
        return 0

    def add(self, owner: tuple[int, int], prefix: list[int], continuation: list[int]) -> None:
        """Score ``continuation`` after ``prefix`` (which holds at least the start token)."""
        sequence = [*prefix, *continuation]
        node = -1
        path = []
        for depth, token in enumerate(sequence[:-1]):  # the last token is only ever predicted
            key = (node, token)
            if key not in self._children:
                self._children[key] = len(self.ids)
                self.ids.append(token)
                self.positions.append(depth)
                self.parents.append(node)
            node = self._children[key]
            path.append(node)
        self.queries += path[len(prefix) - 1:]
        self.targets += continuation
        self.owners += [owner] * len(continuation)

    def mask(self) -> torch.Tensor:
        """Which nodes each node attends to: its ancestors and itself."""
        rows: list[int] = []
        cols: list[int] = []
        lineage: list[list[int]] = []
        for node, parent in enumerate(self.parents):
            line = [*lineage[parent], node] if parent >= 0 else [node]
            lineage.append(line)
            rows += [node] * len(line)
            cols += line
        mask = torch.zeros((len(self.ids), len(self.ids)), dtype=torch.bool)
        mask[rows, cols] = True
        return mask


def _packs(encoded: Sequence[tuple[list[int], list[list[int]]]]) -> list[_Pack]:
    """The sequences to score, in text order, in packs of up to PACK_TOKENS nodes (a longer sequence
    gets a pack alone)."""
    packs = [_Pack()]
    for spot, (prefix, continuations) in enumerate(encoded):
        for j, tokens in enumerate(continuations):
            if not tokens:
                continue
            pack = packs[-1]
            if pack.ids and len(pack.ids) + pack.new_nodes([*prefix, *tokens][:-1]) > PACK_TOKENS:
                packs.append(pack := _Pack())
            pack.add((spot, j), prefix, tokens)
    return [pack for pack in packs if pack.ids]


def _token_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log p(target) at each position: the target's logit minus the log-sum-exp of the row."""
    picked = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return picked - torch.logsumexp(logits, dim=-1)


class _Deadline(StoppingCriteria):
    """Stops generation at a wall-clock deadline, and remembers that it did."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.hit = False

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        if time.monotonic() >= self.deadline:
            self.hit = True
        return torch.full((input_ids.shape[0],), self.hit, dtype=torch.bool)  # type: ignore[return-value]


def bounded_generate(
    model: Any,
    tokenizer: Any,
    lock: threading.Lock,
    name: str,
    encode: Callable[[], dict[str, torch.Tensor]],
    *,
    max_new_tokens: int,
    timeout_s: float,
    temperature: float,
) -> torch.Tensor:
    """``model.generate`` on what ``encode`` returns, one call at a time under ``lock``, greedy unless
    ``temperature > 0``, stopped at a wall-clock deadline ``timeout_s`` from now (GenerationTimeout)."""
    start = time.monotonic()
    if not lock.acquire(timeout=max(timeout_s, 0.0)):
        raise GenerationTimeout(f"{name}: busy for more than {timeout_s:.1f} s")
    try:
        deadline = _Deadline(start + timeout_s)
        inputs = encode()
        sampling: dict[str, Any] = {"do_sample": True, "temperature": temperature} if temperature > 0 else \
            {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        pad = tokenizer.pad_token_id
        if pad is None:
            pad = tokenizer.eos_token_id
        with torch.inference_mode():
            output: torch.Tensor = model.generate(
                **inputs,
                max_new_tokens=max_new_tokens,
                stopping_criteria=StoppingCriteriaList([deadline]),
                pad_token_id=pad,
                **sampling,
            )
    finally:
        lock.release()
    if deadline.hit:
        raise GenerationTimeout(f"{name}: no answer within {timeout_s:.1f} s")
    return output


class HFGenerator:
    """A local transformers model: seq2seq (T5, Flan-T5...) or causal (chat template when it has one)."""

    def __init__(
        self,
        path: Path,
        *,
        n_threads: int | None = None,
        cache_dir: Path | None = None,
        dtype: str = "float32",
    ) -> None:
        set_threads(n_threads)
        self.path = path
        self.dtype = resolve_dtype(dtype)
        self.tokenizer, self.model = load_model(path, cache_dir, what="the transformers generator", dtype=self.dtype)
        pack_linears(self.model)  # bfloat16 SmolLM2: 23 -> 29 tokens/s, the same text
        self.seq2seq = bool(getattr(self.model.config, "is_encoder_decoder", False))
        self.chat = not self.seq2seq and bool(getattr(self.tokenizer, "chat_template", None))
        self.name = f"transformers:{path.stem if path.is_file() else path.name}"
        self._lock = threading.Lock()

    def _inputs(self, prompt: str, system: str | None) -> dict[str, torch.Tensor]:
        if self.chat:
            messages = [{"role": "system", "content": system}] if system else []
            messages.append({"role": "user", "content": prompt})
            encoded = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
            )
            return {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}
        text = f"{system}\n\n{prompt}" if system else prompt
        encoded = self.tokenizer(text, return_tensors="pt")
        return {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}

    def generate(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_new_tokens: int = 256,
        timeout_s: float = 10.0,
        temperature: float = 0.0,
    ) -> str:
        inputs: dict[str, torch.Tensor] = {}

        def encode() -> dict[str, torch.Tensor]:
            inputs.update(self._inputs(prompt, system))
            return inputs

        output = bounded_generate(self.model, self.tokenizer, self._lock, self.name, encode,
                                  max_new_tokens=max_new_tokens, timeout_s=timeout_s, temperature=temperature)
        new_tokens = output[0] if self.seq2seq else output[0, inputs["input_ids"].shape[1] :]
        return str(self.tokenizer.decode(new_tokens, skip_special_tokens=True)).strip()
