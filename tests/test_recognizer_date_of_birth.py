"""Table-driven tests for DateOfBirthRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, DateOfBirthRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = DateOfBirthRecognizer()
    rec.load()
    if DateOfBirthRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "spoken",
            "my date of birth is march fourteenth nineteen eighty five",
            "march fourteenth nineteen eighty five",
        ),
        ("written", "DOB: 03/14/1985", "03/14/1985"),
        ("negative", "the appointment is on 03/14/2025", None),
    ],
)
def test_recognizer_date_of_birth_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
