"""One small chat interface over two local backends: llama.cpp (xllamacpp) and transformers.

``ChatLLM.chat(messages, max_tokens=..., temperature=..., seed=...)`` returns the reply text;
``stream=True`` yields text pieces as they come. Both honour seed and temperature, so a
researcher can compare backends on the same prompt.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from workbench.errors import WorkbenchError
from workbench.models.hardware import usable_cores

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}
DEFAULT_MAX_TOKENS = 256
DEFAULT_CONTEXT_TOKENS = 4096


@dataclass(frozen=True)
class ChatResult:
    text: str
    prompt_tokens: int
    completion_tokens: int


class ChatLLM(Protocol):
    model_id: str

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int = 0,
        stop: Sequence[str] = (),
        json_schema: dict | None = None,
        cache_prompt: bool = True,  # reuse the previous prompt's cache; False: bit-identical temperature-0 replies
    ) -> ChatResult: ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Iterator[str]: ...

    def close(self) -> None: ...


class LlamaCppChat:
    """llama.cpp through the prebuilt ``xllamacpp`` wheel (in-process; its HTTP listener is
    bound to 127.0.0.1 and unused). Calls are serialised: one slot, prompt cache on."""

    def __init__(self, model_id: str, gguf_path: Path, *, n_ctx: int = DEFAULT_CONTEXT_TOKENS,
                 lora_path: Path | None = None) -> None:
        """``lora_path``: a LoRA adapter GGUF (``workbench tune train``) applied to the base weights."""
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = str(gguf_path)
        params.n_ctx = n_ctx
        params.n_parallel = 1
        params.cache_prompt = True
        params.cpuparams.n_threads = usable_cores()
        params.cpuparams_batch.n_threads = usable_cores()
        params.verbosity = -1
        params.warmup = False
        if lora_path is not None:
            if not Path(lora_path).is_file():
                raise WorkbenchError(f"LLM {model_id}: its adapter {lora_path} is missing (train it again, or "
                                     f"`workbench models remove {model_id}`)")
            adapter = xllamacpp.CommonAdapterLoraInfo()
            adapter.path, adapter.scale = str(lora_path), 1.0
            params.lora_adapters = [adapter]
        self.model_id = model_id
        self._lock = threading.Lock()
        self._server = xllamacpp.Server(params)

    def _request(self, messages, max_tokens, temperature, seed, stop=(), json_schema=None, stream=False,
                 cache_prompt=True):
        body: dict = {
            "messages": list(messages),
            "max_tokens": int(max_tokens),
            "temperature": float(temperature),
            "seed": int(seed),
            "cache_prompt": bool(cache_prompt),
        }
        if stop:
            body["stop"] = list(stop)
        if json_schema is not None:
            body["response_format"] = {"type": "json_schema", "json_schema": {"schema": json_schema}}
        if stream:
            body["stream"] = True
        return body

    def chat(self, messages, *, max_tokens=DEFAULT_MAX_TOKENS, temperature=0.0, seed=0, stop=(), json_schema=None,
             cache_prompt=True):
        """``cache_prompt=False`` makes temperature-0 replies bit-identical across calls (a reused prompt
        cache changes llama.cpp's batching, and with it the last digits of the logits); it costs the
        prompt's re-evaluation."""
        with self._lock:
            reply = self._server.handle_chat_completions(
                self._request(messages, max_tokens, temperature, seed, stop, json_schema, cache_prompt=cache_prompt)
            )
        if isinstance(reply, str):
            reply = json.loads(reply)
        if "error" in reply:
            raise WorkbenchError(f"LLM {self.model_id} failed: {reply['error']}")
        usage = reply.get("usage", {})
        return ChatResult(
            text=reply["choices"][0]["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        )

    def stream(self, messages, *, max_tokens=DEFAULT_MAX_TOKENS, temperature=0.0, seed=0):
        pieces: list[str] = []

        def on_chunk(chunk):  # called per server-sent event
            if isinstance(chunk, str):
                chunk = json.loads(chunk) if chunk.strip().startswith("{") else {}
            for choice in chunk.get("choices", []) if isinstance(chunk, dict) else []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    pieces.append(text)

        with self._lock:
            self._server.handle_chat_completions(
                self._request(messages, max_tokens, temperature, seed, stream=True), on_chunk
            )
        yield from pieces

    def close(self) -> None:
        self._server = None


class TransformersChat:
    """Any local Hugging Face causal LM folder, or a GGUF file (dequantised to fp32) through
    ``transformers``: slower than llama.cpp, but the route for a researcher's own models."""

    def __init__(self, model_id: str, path: Path) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(usable_cores())
        kwargs: dict = {"local_files_only": True}
        if path.is_file() and path.suffix == ".gguf":
            kwargs["gguf_file"] = path.name
            source = str(path.parent)
        else:
            source = str(path)
        self.model_id = model_id
        self._lock = threading.Lock()
        self._tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        self._model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32, **kwargs)
        self._model.eval()

    def _generate(self, messages, max_tokens, temperature, seed, streamer=None):
        import torch

        inputs = self._tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        torch.manual_seed(seed)
        sample = temperature > 0
        with self._lock, torch.inference_mode():
            output = self._model.generate(
                **inputs,
                max_new_tokens=max_tokens,
                do_sample=sample,
                temperature=temperature if sample else None,
                top_p=None, top_k=None,
                streamer=streamer,
                pad_token_id=self._tokenizer.eos_token_id,
            )
        prompt_len = inputs["input_ids"].shape[1]
        return output[0][prompt_len:], prompt_len

    def chat(self, messages, *, max_tokens=DEFAULT_MAX_TOKENS, temperature=0.0, seed=0, stop=(), json_schema=None,
             cache_prompt=True):  # noqa: ARG002 - no prompt cache here: every reply is computed afresh
        tokens, prompt_len = self._generate(messages, max_tokens, temperature, seed)
        text = self._tokenizer.decode(tokens, skip_special_tokens=True)
        for marker in stop:
            text = text.split(marker)[0]
        return ChatResult(text=text.strip(), prompt_tokens=prompt_len, completion_tokens=len(tokens))

    def stream(self, messages, *, max_tokens=DEFAULT_MAX_TOKENS, temperature=0.0, seed=0):
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True)
        worker = threading.Thread(
            target=self._generate, args=(messages, max_tokens, temperature, seed, streamer), daemon=True
        )
        worker.start()
        yield from streamer
        worker.join()

    def close(self) -> None:
        self._model = None
