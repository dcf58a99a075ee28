"""Shared helpers for the per-recognizer table tests (tests/test_recognizer_*.py)."""

from __future__ import annotations

from typing import Any

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW

KEPT_SCORE = 0.4  # the detector drops anything below this


def recognizer_hits(cls: type[Any], text: str) -> list[str]:
    """Original substrings ``cls`` flags at a kept score, reading the text it reads in the
    engine: the original (``RAW``) or the normalised view, with spans mapped back."""
    rec = cls()
    rec.load()
    if cls in RAW:
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= KEPT_SCORE]
    norm = normalize(text)
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= KEPT_SCORE]


def check_case(hits: list[str], kind: str, expected: str | None) -> None:
    """A negative case flags nothing; a positive one flags a span covering ``expected``."""
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
