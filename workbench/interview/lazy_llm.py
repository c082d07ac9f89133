"""The interviewer's chat model, loaded once through the registry on first use (or never, when off).

    llm = LazyLLM("qwen2.5-0.5b-instruct-q4")
    llm.get()      # the model, or None when switched off or not installed (then the bank is used)
    llm.error      # why it is unavailable, if it is
"""
from __future__ import annotations

import threading

from workbench.errors import WorkbenchError
from workbench.llm import ChatLLM

NO_LLM = "none"  # llm_id that switches the LLM off: bank questions and rule-written probes only


class LazyLLM:
    """``llm_id``: a catalogue id, None for the default LLM, ``NO_LLM`` for none. ``llm``: a model already
    loaded (then ``llm_id`` only labels it)."""

    def __init__(self, llm_id: str | None = None, llm: ChatLLM | None = None) -> None:
        self.llm_id = llm_id
        self.error: str | None = None
        self._llm = llm
        self._tried = llm is not None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when the LLM is switched off (``NO_LLM``); True does not mean it loads."""
        return self.llm_id != NO_LLM

    def get(self) -> ChatLLM | None:
        """The model (loaded on the first call; others wait for it), or None when off or unavailable."""
        with self._lock:
            if not self._tried:
                self._tried = True
                if not self.enabled:
                    self.error = "LLM switched off"
                else:
                    from workbench.models import registry

                    try:
                        self._llm = registry.load(self.llm_id) if self.llm_id else registry.load_default("llm")
                    except WorkbenchError as error:
                        self.error = str(error)
            return self._llm
