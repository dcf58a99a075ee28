"""Table-driven tests for SsnRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, SsnRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = SsnRecognizer()
    rec.load()
    if SsnRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("written", "my social is 078-05-1123", "078-05-1123"),
        (
            "spoken",
            "social security number is zero seven eight zero five one one two three",
            "zero seven eight zero five one one two three",
        ),
        ("negative-invalid", "id 000-12-3456", None),
    ],
)
def test_recognizer_ssn_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
