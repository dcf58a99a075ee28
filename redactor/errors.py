"""Errors the engine raises on purpose. Messages name the input and the problem, never content."""

from __future__ import annotations


class RedactorError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(RedactorError):
    """Bad usage or bad input: a missing file, undecodable audio, a hostile id (exit 2)."""

    exit_code = 2

    def __init__(self, message: str, *, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class NotFoundError(InputError):
    """No such recording (or not visible to the caller)."""


class PurgedError(InputError):
    """The recording (or its source file) was purged; re-ingest needs an explicit force."""


class StoreError(RedactorError):
    """The store could not be opened or is at an unknown schema version."""


class ForbiddenError(InputError):
    """The caller may not do this (no valid grant, wrong role): 403 on the web, exit 2."""
