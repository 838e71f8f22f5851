"""The polisher's PEFT adapter as a llama.cpp LoRA file (GGUF), written once into the cache directory.

llama.cpp applies a LoRA adapter on top of the quantised base model at run time, so the polisher runs
on the same Q4_1 file that it was trained against (transformers dequantised it for training). The
conversion is small and exact:

- PEFT names (``…layers.7.self_attn.q_proj.lora_A.weight``) become GGUF names
  (``blk.7.attn_q.weight.lora_a``); A is ``(r, in)`` and B ``(out, r)``, which is already the layout
  llama.cpp reads.
- llama.cpp stores the query and key projections with the rotary halves interleaved per head, while
  transformers undoes that when it loads a GGUF; B's rows (the projection's outputs) are permuted the
  same way, A is unchanged.
- ``adapter.lora.alpha`` carries PEFT's alpha: llama.cpp scales by alpha / r, as PEFT does.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from models.base import ModelUnavailable

_MODULES = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_PEFT_NAME = re.compile(r"layers\.(\d+)\.(\w+\.\w+)\.lora_([AB])\.weight$")


def _rope_permute(rows: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's row order for a query/key projection: per head, interleave the two rotary halves."""
    shape = rows.shape
    return rows.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def _base_heads(base: Path) -> tuple[str, int, int]:
    """(architecture, attention heads, key/value heads) of the base GGUF."""
    import gguf

    fields = gguf.GGUFReader(str(base)).fields
    arch = str(fields["general.architecture"].contents())
    n_head = int(fields[f"{arch}.attention.head_count"].contents())
    n_head_kv = int(fields[f"{arch}.attention.head_count_kv"].contents())
    return arch, n_head, n_head_kv


def export_gguf_adapter(adapter: Path, base: Path, out: Path) -> Path:
    """Write ``adapter`` (a PEFT LoRA directory) as a llama.cpp LoRA GGUF at ``out`` for ``base``."""
    import gguf
    from safetensors.numpy import load_file

    config = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    if config.get("peft_type") != "LORA" or config.get("use_dora") or config.get("modules_to_save"):
        raise ModelUnavailable(f"{adapter}: only a plain LoRA adapter converts to llama.cpp")
    arch, n_head, n_head_kv = _base_heads(base)
    tensors = load_file(str(adapter / "adapter_model.safetensors"))
    handle, tmp_name = tempfile.mkstemp(prefix=out.name, suffix=".tmp", dir=out.parent)
    os.close(handle)
    tmp = Path(tmp_name)  # unique: two workers converting at once never share a file
    try:
        writer = gguf.GGUFWriter(str(tmp), arch)
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(config["lora_alpha"]))
        for name in sorted(tensors):
            writer.add_tensor(*_gguf_tensor(name, tensors[name], n_head, n_head_kv))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        tmp.replace(out)  # atomic: a concurrent reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _gguf_tensor(name: str, data: np.ndarray, n_head: int, n_head_kv: int) -> tuple[str, np.ndarray]:
    """A PEFT LoRA tensor's llama.cpp name and data."""
    match = _PEFT_NAME.search(name)
    if match is None or match.group(2) not in _MODULES:
        raise ModelUnavailable(f"cannot map adapter tensor {name!r} to llama.cpp")
    layer, module, half = match.groups()
    data = data.astype(np.float32)
    if half == "B" and module in ("self_attn.q_proj", "self_attn.k_proj"):
        data = _rope_permute(data, n_head if module == "self_attn.q_proj" else n_head_kv)
    return f"blk.{layer}.{_MODULES[module]}.weight.lora_{half.lower()}", np.ascontiguousarray(data)
