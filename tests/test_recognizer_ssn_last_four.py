"""Table-driven tests for SsnLastFourRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import SsnLastFourRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(SsnLastFourRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "spoken",
            "can you confirm the last four of your social?\nfour eight two one",
            "four eight two one",
        ),
        ("written", "last four of SSN: 4821", "4821"),
        ("negative-year", "back in 1985 we moved", None),
    ],
)
def test_recognizer_ssn_last_four_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
