"""Table-driven tests for CardNumberRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import CardNumberRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(CardNumberRecognizer, text)


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
    check_case(found(text), kind, expected)
