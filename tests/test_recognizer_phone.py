"""Table-driven tests for TranscriptPhoneRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, TranscriptPhoneRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = TranscriptPhoneRecognizer()
    rec.load()
    if TranscriptPhoneRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "spoken",
            "my phone number is six four six, five five five, two eight one nine",
            "six four six, five five five, two eight one nine",
        ),
        (
            "spoken-oh",
            "call me on four one five oh one two three four five six",
            "four one five oh one two three four five six",
        ),
        ("written", "My US number is (415) 555-0132", "(415) 555-0132"),
        ("written-intl", "reach me at +44 7700 900 123 tomorrow", "+44 7700 900 123"),
        ("negative-date", "the meeting is on 2021-05-20", None),
        ("negative-count", "we had twenty five people and three dogs", None),
    ],
)
def test_recognizer_phone_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
