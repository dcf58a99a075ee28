"""Table-driven tests for IdNumberRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import CuedIdNumberRecognizer, IdNumberRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(IdNumberRecognizer, text) + recognizer_hits(CuedIdNumberRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "cued-spoken",
            "my passport number is K seven three four nine eight eight seven",
            "K seven three four nine eight eight seven",
        ),
        ("cued-written", "driver's license S 2355252.", "S 2355252"),
        ("negative-uncued", "the model is K 1234567 in the catalogue", None),
        ("written", "my travel document is A12803456", "A12803456"),
        ("written-licence", "licence F162823540116", "F162823540116"),
        ("negative", "the 1990s and 2000s", None),
    ],
)
def test_recognizer_id_number_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
