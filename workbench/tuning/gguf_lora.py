"""A peft LoRA adapter written as a llama.cpp LoRA GGUF (``general.type = adapter``), with the tensor
names of the base model's GGUF (``blk.N.attn_q.weight.lora_a`` ...), so llama.cpp applies it to the
packaged quantised base (``xllamacpp.CommonParams.lora_adapters``).

Layout: peft's ``lora_A`` is (rank, in) and ``lora_B`` (out, rank), written as they are: ggml reverses
the axes, so ``a.ne = [in, rank]`` and ``b.ne = [rank, out]``, what llama.cpp's adapter loader checks
against the base tensor's ``ne = [in, out]``.
"""
from __future__ import annotations

import os
from pathlib import Path

from workbench.errors import InputError

ARCHITECTURES = {"qwen2": "QWEN2", "llama": "LLAMA"}  # config.model_type -> gguf.MODEL_ARCH member
PEFT_PREFIX = "base_model.model."


def _base_name(key: str) -> tuple[str, str]:
    """``base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight`` ->
    (``model.layers.0.self_attn.q_proj.weight``, ``lora_a``)."""
    name = key.removeprefix(PEFT_PREFIX)
    for marker, suffix in ((".lora_A.", "lora_a"), (".lora_B.", "lora_b")):
        if marker in name:
            return name.split(marker)[0] + ".weight", suffix
    raise InputError(f"not a LoRA tensor: {key}")


def write_lora_gguf(lora_state: dict, path: Path, *, model_type: str, n_layers: int, alpha: float) -> Path:
    """Write ``lora_state`` (peft's ``lora_A``/``lora_B`` tensors) to ``path`` atomically."""
    import gguf

    if model_type not in ARCHITECTURES:
        raise InputError(f"cannot write a LoRA GGUF for a {model_type!r} model; known: {sorted(ARCHITECTURES)}")
    arch = getattr(gguf.MODEL_ARCH, ARCHITECTURES[model_type])
    names = gguf.get_tensor_name_map(arch, n_layers)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    writer = gguf.GGUFWriter(str(partial), gguf.MODEL_ARCH_NAMES[arch])
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    for key, tensor in sorted(lora_state.items()):
        base, suffix = _base_name(key)
        mapped = names.get_name(base, try_suffixes=(".weight",))
        if mapped is None:
            raise InputError(f"no llama.cpp tensor for {base}")
        writer.add_tensor(f"{mapped}.{suffix}", tensor.detach().float().cpu().numpy().copy())
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    finally:
        writer.close()
    os.replace(partial, path)  # a full disk leaves the previous adapter in place
    return path
