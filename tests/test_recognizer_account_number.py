"""Table-driven tests for AccountNumberRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import AccountNumberRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(AccountNumberRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken", "my member number is four four two one nine", "four four two one nine"),
        ("written", "account number 88213", "88213"),
        ("negative", "I waited 4421 days", None),
    ],
)
def test_recognizer_account_number_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
