"""The chat interface on both local backends, with the real small model."""
from __future__ import annotations

import pytest

from workbench.models import registry

PROMPT = [{"role": "user", "content": "Ask one short interview question for a teacher. Reply with the question only."}]


@pytest.fixture(scope="module")
def llama():
    return registry.load("qwen2.5-0.5b-instruct-q4")


def test_llama_cpp_reply_is_deterministic_with_seed_and_zero_temperature(llama):
    first = llama.chat(PROMPT, max_tokens=32, temperature=0.0, seed=7)
    second = llama.chat(PROMPT, max_tokens=32, temperature=0.0, seed=7)
    assert first.text.strip() and first.text == second.text
    assert "?" in first.text and first.completion_tokens > 0


def test_llama_cpp_streams_the_same_text(llama):
    whole = llama.chat(PROMPT, max_tokens=24, temperature=0.0, seed=1).text
    pieces = list(llama.stream(PROMPT, max_tokens=24, temperature=0.0, seed=1))
    assert len(pieces) > 1 and "".join(pieces).strip() == whole.strip()


def test_llama_cpp_honours_a_json_schema(llama):
    import json

    schema = {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}
    reply = llama.chat(PROMPT, max_tokens=60, temperature=0.0, seed=1, json_schema=schema)
    assert isinstance(json.loads(reply.text)["question"], str)


@pytest.mark.slow
def test_transformers_backend_loads_the_same_gguf_and_answers():
    model = registry.load("qwen2.5-0.5b-instruct-transformers")
    try:
        first = model.chat(PROMPT, max_tokens=24, temperature=0.0, seed=3)
        assert first.text.strip() and first.text == model.chat(PROMPT, max_tokens=24, temperature=0.0, seed=3).text
        assert "".join(model.stream(PROMPT, max_tokens=12, temperature=0.0, seed=3)).strip()
    finally:
        registry.unload("qwen2.5-0.5b-instruct-transformers")
