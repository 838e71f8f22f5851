"""The polisher: corpus lint, the fixed split, the placeholder protocol, and a 2-step training run on a
tiny random causal LM (built here, with a byte-level BPE tokenizer trained here) read back by the
generator's loading code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.polisher import DATA_DIR
from models.polisher.corpus import MIN_HELDOUT, Example, is_heldout, lint, mask, source_facts, split
from translator import guard

SOURCE = "Deploy of v2.3.1 at 14:05 UTC failed on checkout-svc."


def test_lint_accepts_a_faithful_target() -> None:
    assert lint(SOURCE, "The release of version v2.3.1 of checkout-svc at 14:05 UTC failed.") == []


def test_lint_catches_a_lost_fact() -> None:
    problems = lint(SOURCE, "The release of checkout-svc at 14:05 UTC failed.")
    assert problems and "lost facts: v2.3.1" in problems[0]


def test_lint_catches_an_invented_number() -> None:
    problems = lint(SOURCE, "The release of version v2.3.1 of checkout-svc at 14:05 UTC failed for 300 customers.")
    assert any(p.startswith("invented numbers") and "300" in p for p in problems)


def test_split_is_stable_and_disjoint() -> None:
    ids = [f"x-{i:04d}" for i in range(2000)]
    train, heldout = split(ids)
    assert split(list(reversed(ids)))[1] == list(reversed(heldout))  # by id alone, not by position
    assert not set(train) & set(heldout) and len(train) + len(heldout) == len(ids)
    assert 180 <= len(heldout) <= 300
    # Pinned: a change to the hash would silently move pairs between the splits.
    assert [i for i in (f"a-{k:04d}" for k in range(1, 40)) if is_heldout(i)] == ["a-0006", "a-0027", "a-0031",
                                                                                 "a-0037"]
    assert sum(is_heldout(f"a-{i:04d}") for i in range(1, 701)) == 86


def test_committed_splits_are_disjoint_and_large_enough() -> None:
    def ids(name: str) -> list[str]:
        return [json.loads(line)["id"] for line in (DATA_DIR / f"{name}.jsonl").read_text().splitlines() if line]

    train, heldout = ids("train"), ids("heldout")
    assert len(heldout) >= MIN_HELDOUT
    assert not set(train) & set(heldout)
    assert all(is_heldout(i) for i in heldout) and not any(is_heldout(i) for i in train)


def test_the_recorded_system_prompt_is_the_guards() -> None:
    from models.polisher.prompt import system_prompt

    assert system_prompt(DATA_DIR) == guard.SYSTEM  # else: rebuild the corpus (python -m models.polisher.corpus)


def test_training_inputs_use_the_guards_placeholders() -> None:
    draft = "The release of v2.3.1 at 14:05 UTC failed on checkout-svc."
    target = "Version v2.3.1 of checkout-svc could not be released at 14:05 UTC."
    facts = source_facts(SOURCE, "it_to_business")
    masked_draft, mapping = guard.protect(draft, facts)
    masked_target = mask(target, mapping, facts)
    assert "⟦1⟧" in masked_draft and "v2.3.1" not in masked_target and "14:05" not in masked_target
    restored, problems = guard.restore(masked_target, mapping, masked_draft)
    assert problems == [] and restored == target


# --- training and loading, on a tiny model -------------------------------------------------------

CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
          "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight Llama-style causal LM with a byte-level BPE tokenizer trained here, saved as a
    local model directory (the same loading path as the dequantised SmolLM2)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    tokenizers = pytest.importorskip("tokenizers")
    pytest.importorskip("peft")
    path = tmp_path_factory.mktemp("tiny-causal")
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = tokenizers.Tokenizer(tokenizers.models.BPE())
    bpe.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = tokenizers.decoders.ByteLevel()
    trainer = tokenizers.trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                             initial_alphabet=tokenizers.pre_tokenizers.ByteLevel.alphabet())
    texts = [guard.SYSTEM, "Draft:\n⟦1⟧ was down.\n\nRewrite:", "The payment service was down for an hour."] * 20
    bpe.train_from_iterator(texts, trainer)
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|im_start|>",
                                                     eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.chat_template = CHATML
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                      max_position_embeddings=512, bos_token_id=tokenizer.bos_token_id,
                                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    transformers.LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def _examples(n: int) -> list[Example]:
    return [Example(f"t-{i}", "it_to_business", "incident", "src", "tgt", f"Draft {i}: ⟦1⟧ was down.",
                    f"Draft {i}: ⟦1⟧ was down.", f"The ⟦1⟧ service was down ({i}).", {"⟦1⟧": "api-gw"})
            for i in range(n)]


def test_two_training_steps_save_an_adapter_the_generator_loads(tiny_base: Path, tmp_path: Path) -> None:
    from models.base import GenerationTimeout, Generator
    from models.polisher.generator import PolisherGenerator, has_adapter
    from models.polisher.train import config_for, train

    config = config_for("cpu", "cpu", max_steps=2, batch_size=2)
    config = config.__class__(**{**config.__dict__, "lora_top_layers": 1, "eval_examples": 2, "warmup_steps": 1})
    out = tmp_path / "adapter"
    result = train(config, out, base=tiny_base, device="cpu", train_examples=_examples(6),
                   heldout_examples=_examples(2), progress=False, log=lambda _: None)
    assert result.steps == 2 and result.examples_seen == 4
    assert has_adapter(out) and (out / "MODEL_CARD.md").is_file() and (out / "training.json").is_file()
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert [row["step"] for row in log] == [1, 2]
    assert result.adapter_bytes < 20_000_000
    adapter_config = json.loads((out / "adapter_config.json").read_text())
    assert adapter_config["layers_to_transform"] == [1]

    generator = PolisherGenerator(out, base=tiny_base, cache_dir=tmp_path / "cache", save_merged=True)
    assert isinstance(generator, Generator)
    text = generator.generate("Draft:\n⟦1⟧ was down.\n\nRewrite:", system=guard.SYSTEM, max_new_tokens=5)
    assert isinstance(text, str)
    assert any((tmp_path / "cache").glob("polisher-*/config.json"))  # the merged copy, for the next process
    with pytest.raises(GenerationTimeout):
        generator.generate("Draft:\nx\n\nRewrite:", max_new_tokens=50, timeout_s=0.0)


def test_same_seed_same_adapter(tiny_base: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from models.polisher.train import config_for, train

    config = config_for("cpu", "cpu", max_steps=2, batch_size=2)
    weights = []
    for run in ("a", "b"):
        train(config, tmp_path / run, base=tiny_base, device="cpu", train_examples=_examples(4),
              heldout_examples=[], progress=False, log=lambda _: None)
        weights.append(load_file(str(tmp_path / run / "adapter_model.safetensors")))
    assert weights[0].keys() == weights[1].keys()
    assert all(bool((weights[0][k] == weights[1][k]).all()) for k in weights[0])


@pytest.mark.parametrize(("rows", "kv_heads"), [(576, 9), (192, 3)])
def test_adapter_rows_follow_llamacpps_query_key_layout(rows: int, kv_heads: int) -> None:
    """Permuting B's rows for llama.cpp is exactly what transformers undoes when it reads a GGUF."""
    import numpy as np
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    from models.polisher.gguf_adapter import _rope_permute

    lora_b = np.random.default_rng(0).standard_normal((rows, 8)).astype(np.float32)
    permuted = _rope_permute(lora_b, kv_heads)
    assert not np.array_equal(permuted, lora_b)
    undone = LlamaTensorProcessor()._reverse_permute_weights(permuted, 9, kv_heads)
    assert np.array_equal(undone, lora_b)


def test_adapter_conversion_rejects_what_llamacpp_cannot_apply(tmp_path: Path) -> None:
    from models.base import ModelUnavailable
    from models.paths import smollm2_gguf
    from models.polisher.gguf_adapter import export_gguf_adapter

    (tmp_path / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "use_dora": True}))
    with pytest.raises(ModelUnavailable, match="plain LoRA"):
        export_gguf_adapter(tmp_path, smollm2_gguf(), tmp_path / "out.gguf")
    assert list(tmp_path.iterdir()) == [tmp_path / "adapter_config.json"]  # nothing half-written


@pytest.mark.slow
def test_committed_adapter_on_llamacpp_moves_the_logits_as_the_merged_model_does(tmp_path: Path) -> None:
    """The converted adapter applied by llama.cpp on the Q4_1 file changes the next-token logits the
    way PEFT's merge changes them in transformers (same base, same prompt)."""
    import numpy as np
    import torch

    pytest.importorskip("llama_cpp")
    from models.paths import smollm2_gguf
    from models.polisher import ADAPTER_DIR
    from models.polisher.generator import build, load_merged
    from models.polisher.prompt import chat_ids, user_prompt

    base = smollm2_gguf()
    cache = tmp_path / "cache"
    prompt = user_prompt("The release of the ⟦1⟧ checkout service was undone at ⟦2⟧ after errors rose.")

    def llamacpp_logits(adapter: Path | None) -> np.ndarray:
        generator: Any = build(adapter, runtime="llamacpp", cache_dir=cache, n_threads=2)
        llm = generator.llm
        ids = chat_ids(tokenizer, guard.SYSTEM, prompt)
        llm.reset()
        llm.eval(ids)  # keeps the last position's logits only
        return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).astype(np.float64)

    def transformers_logits(adapter: Path | None) -> np.ndarray:
        _, model = load_merged(base, adapter, cache_dir=cache)
        with torch.no_grad():
            out = model(torch.tensor([chat_ids(tokenizer, guard.SYSTEM, prompt)])).logits[0, -1]
        return out.double().numpy()

    tokenizer, _ = load_merged(base, None, cache_dir=cache)
    shift_llamacpp = llamacpp_logits(ADAPTER_DIR) - llamacpp_logits(None)
    shift_transformers = transformers_logits(ADAPTER_DIR) - transformers_logits(None)
    cosine = shift_llamacpp @ shift_transformers / np.linalg.norm(shift_llamacpp) / np.linalg.norm(shift_transformers)
    assert np.linalg.norm(shift_llamacpp) > 1.0  # the adapter is applied at all
    assert cosine > 0.99, cosine
    assert any(cache.glob("polisher-*.lora.gguf"))  # converted once, into the cache
