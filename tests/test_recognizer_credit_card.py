"""Table-driven tests for CardNumberRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, CardNumberRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = CardNumberRecognizer()
    rec.load()
    if CardNumberRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "spoken",
            "sure it is four one one one, one one one one, one one one one, one one one one",
            "four one one one, one one one one, one one one one, one one one one",
        ),
        (
            "written-dashes",
            "Sure, it is 4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1.",
            "4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1",
        ),
        ("written", "What is the limit for card 4454794511390933?", "4454794511390933"),
        ("context-non-luhn", "the card number is 1234 5678 9012 3456", "1234 5678 9012 3456"),
        ("negative-no-context", "order 1234 5678 9012 3456 shipped", None),
        ("negative-price", "it costs 49.99 a month", None),
    ],
)
def test_recognizer_credit_card_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
