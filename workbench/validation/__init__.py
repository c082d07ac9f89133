"""The validation suite: every measure checked against references and perturbations.

    from workbench.validation import run_checks, write_results
    results = run_checks(fast=True)            # the subset the test suite runs
    write_results(results, "reports/validation/my-run")

Checks live in ``speech_checks``, ``face_checks`` and ``scoring_checks``, each a small function
with a named tolerance and its reason (``checks.check``); ``fixtures`` builds the perturbed media.
"""
from workbench.validation.checks import CheckResult
from workbench.validation.run import markdown_table, read_results, run_checks, summary, table_rows, write_results

__all__ = ["CheckResult", "markdown_table", "read_results", "run_checks", "summary", "table_rows", "write_results"]
