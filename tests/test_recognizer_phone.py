"""Table-driven tests for TranscriptPhoneRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import TranscriptPhoneRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(TranscriptPhoneRecognizer, text)


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
    check_case(found(text), kind, expected)
