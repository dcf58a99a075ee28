"""Table-driven tests for SsnRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import SsnRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(SsnRecognizer, text)


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
    check_case(found(text), kind, expected)
