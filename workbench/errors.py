"""Exceptions a user can act on. The CLI prints their message as one line and exits non-zero."""
from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: the message says what went wrong and what to do about it."""

    exit_code = 1


class ModelNotInstalledError(WorkbenchError):
    """A model's weight files are missing (the package that carries them is not installed)."""

    exit_code = 3


class ModelCorruptError(WorkbenchError):
    """A model's weight files are present but their size or checksum is wrong."""

    exit_code = 4


class UnknownModelError(WorkbenchError):
    """No model with that id is in the catalogue (built-in or user config)."""

    exit_code = 2


class ConfigError(WorkbenchError):
    """The user's configuration file or environment variables are invalid."""

    exit_code = 2


class InputError(WorkbenchError):
    """Bad input from the user: a corrupt, empty, too large or wrong-type file, or a bad argument."""

    exit_code = 2


class NetworkBlockedError(WorkbenchError, ConnectionError):
    """Something tried to open a network connection while the workbench forbids it."""

    exit_code = 5
