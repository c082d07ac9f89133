"""One exit code per error class, all from the one table (workbench.errors.ExitCode)."""
from __future__ import annotations

import workbench.privacy.crypto
import workbench.report.pdf
import workbench.report.pipeline
import workbench.report.runner  # noqa: F401 - their error classes join the tree below
from workbench.errors import ExitCode, WorkbenchError


def _classes(base: type) -> list[type]:
    return [base] + [c for sub in base.__subclasses__() for c in _classes(sub)]


def test_every_error_class_has_its_own_code_from_the_table():
    classes = _classes(WorkbenchError)
    assert len(classes) >= 10
    codes = {cls.__name__: cls.exit_code for cls in classes}
    assert all(isinstance(code, ExitCode) for code in codes.values()), codes
    assert len(set(codes.values())) == len(codes), codes
    assert codes["InputError"] == 2 and codes["EncryptionKeyError"] == 6
