"""Table-driven tests for TranscriptEmailRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, TranscriptEmailRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = TranscriptEmailRecognizer()
    rec.load()
    if TranscriptEmailRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken", "it is john dot smith at example dot com", "john dot smith at example dot com"),
        ("mixed", "send email to jack@gmail dot com", "jack@gmail dot com"),
        ("written", "write to info@presidio.site please", "info@presidio.site"),
        ("negative", "meet me at the office dot", None),
    ],
)
def test_recognizer_email_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
