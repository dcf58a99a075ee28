"""Redaction policies: which entity types to redact, and with which operator.

This is the built-in default policy; named policies from TOML files extend it.
"""

from __future__ import annotations

from dataclasses import dataclass

from redactor.redact import ReplaceFn

__all__ = ["DEFAULT_POLICY", "Policy"]


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    labels: frozenset[str] | None = None  # None: redact every detected type

    def replacer(self, *, recording_id: str, host: str) -> ReplaceFn:
        """A fresh operator for one recording (operators may keep per-recording state)."""
        return ReplaceFn()


DEFAULT_POLICY = Policy("support")
