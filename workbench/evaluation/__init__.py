"""Model comparison: N models of one task (stt, llm, embedding) over one data set, side by side, every
figure with a 95% bootstrap interval over items and every pair with a paired difference and a p-value.

    from workbench.evaluation import compare
    result = compare("stt", "whisper-tiny.en,whisper-base", dataset_name="read-speech")

``workbench compare`` and ``notebooks/50_model_comparison.ipynb`` call this.
"""
from workbench.evaluation.harness import TASK_MODULES, compare

TASKS = tuple(TASK_MODULES)

__all__ = ["TASKS", "compare"]
