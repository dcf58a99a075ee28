"""Table-driven tests for DigitRunRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, DigitRunRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = DigitRunRecognizer()
    rec.load()
    if DigitRunRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("asr-commas", "My phone number is 646, 555, 281, 9.", "646, 555, 281, 9"),
        (
            "spoken",
            "it is two one two five five five zero one",
            "two one two five five five zero one",
        ),
        ("negative-short", "press 1 and wait 20 minutes", None),
    ],
)
def test_recognizer_digit_run_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
