"""Exceptions a user can act on, and the one table of the ``workbench`` command's exit codes.

The CLI prints an error's message as one line and exits with its class's code. Every error class has
its own code, so a script can tell a missing model from a bad file from a failed report.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of ``workbench`` (0 success; argparse's own usage errors also exit 2)."""

    OK = 0
    FAILED = 1  # a WorkbenchError with no more specific class, a failed validation check, an unexpected error
    BAD_INPUT = 2  # InputError: a corrupt, empty, too large or wrong-type file, or a bad argument
    MODEL_NOT_INSTALLED = 3  # ModelNotInstalledError
    MODEL_CORRUPT = 4  # ModelCorruptError
    NETWORK_BLOCKED = 5  # NetworkBlockedError
    ENCRYPTION_KEY = 6  # workbench.privacy.crypto.EncryptionKeyError
    PDF_FAILED = 7  # workbench.report.pdf.PdfError
    NOTEBOOK_FAILED = 8  # workbench.report.runner.NotebookError
    REPORT_FAILED = 9  # workbench.report.pipeline.ReportError
    UNKNOWN_MODEL = 10  # UnknownModelError
    BAD_CONFIG = 11  # ConfigError
    APP_FAILED = 12  # workbench.widgets.appserver.AppError: the app server did not start
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, the shell's convention)


class WorkbenchError(Exception):
    """Base class: the message says what went wrong and what to do about it."""

    exit_code: int = ExitCode.FAILED


class ModelNotInstalledError(WorkbenchError):
    """A model's weight files are missing (the package that carries them is not installed)."""

    exit_code = ExitCode.MODEL_NOT_INSTALLED


class ModelCorruptError(WorkbenchError):
    """A model's weight files are present but their size or checksum is wrong."""

    exit_code = ExitCode.MODEL_CORRUPT


class UnknownModelError(WorkbenchError):
    """No model with that id is in the catalogue (built-in or user config)."""

    exit_code = ExitCode.UNKNOWN_MODEL


class ConfigError(WorkbenchError):
    """The user's configuration file or environment variables are invalid."""

    exit_code = ExitCode.BAD_CONFIG


class InputError(WorkbenchError):
    """Bad input from the user: a corrupt, empty, too large or wrong-type file, or a bad argument."""

    exit_code = ExitCode.BAD_INPUT


class NetworkBlockedError(WorkbenchError, ConnectionError):
    """Something tried to open a network connection while the workbench forbids it."""

    exit_code = ExitCode.NETWORK_BLOCKED
