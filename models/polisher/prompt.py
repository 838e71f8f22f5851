"""The polisher's prompt, shared by training and inference so that both see exactly the same tokens.

The user turn is the one :func:`translator.guard.rewrite` sends (``Draft:\\n<masked draft>\\n\\nRewrite:``),
the system turn is :data:`translator.guard.SYSTEM`, and facts are ⟦n⟧ placeholders in both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["chat_ids", "system_prompt", "user_prompt"]


def system_prompt(data_dir: Path | None = None) -> str:
    """The guard's system prompt, as the corpus build recorded it in ``data_dir/prompt.json`` (so that
    training needs nothing of the translator package), else :data:`translator.guard.SYSTEM` itself."""
    if data_dir is not None and (data_dir / "prompt.json").is_file():
        return str(json.loads((data_dir / "prompt.json").read_text(encoding="utf-8"))["system"])
    from translator.guard import SYSTEM

    return SYSTEM


def user_prompt(masked_draft: str) -> str:
    """The user turn for a masked draft: the same text the guard sends to any generator."""
    return f"Draft:\n{masked_draft}\n\nRewrite:"


def _ids(encoded: Any) -> list[int]:
    if hasattr(encoded, "keys"):  # a BatchEncoding (transformers >= 5 returns one by default)
        encoded = encoded["input_ids"]
    if encoded and isinstance(encoded[0], list):
        encoded = encoded[0]
    return [int(i) for i in encoded]


def chat_ids(tokenizer: Any, system: str | None, user: str, assistant: str | None = None) -> list[int]:
    """Token ids of the conversation: with ``assistant=None``, the prompt up to where the model's reply
    starts; else the whole conversation with the reply and its end-of-turn token.

    Uses the tokenizer's chat template when it has one; else plain text (``system\\n\\nuser\\n``, the
    reply, then the EOS token), the fallback :class:`models.hf.HFGenerator` uses too."""
    if getattr(tokenizer, "chat_template", None):
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": user})
        if assistant is None:
            return _ids(tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True))
        messages.append({"role": "assistant", "content": assistant})
        return _ids(tokenizer.apply_chat_template(messages, tokenize=True))
    prompt = f"{system}\n\n{user}\n" if system else f"{user}\n"
    ids = _ids(tokenizer(prompt, add_special_tokens=False))
    if assistant is None:
        return ids
    reply = _ids(tokenizer(assistant, add_special_tokens=False))
    eos = tokenizer.eos_token_id
    return ids + reply + ([int(eos)] if eos is not None else [])
