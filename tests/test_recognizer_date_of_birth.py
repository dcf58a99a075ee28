"""Table-driven tests for DateOfBirthRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import DateOfBirthRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(DateOfBirthRecognizer, text)


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
    check_case(found(text), kind, expected)
