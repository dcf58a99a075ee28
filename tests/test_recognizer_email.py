"""Table-driven tests for TranscriptEmailRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import TranscriptEmailRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(TranscriptEmailRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken", "it is john dot smith at example dot com", "john dot smith at example dot com"),
        ("mixed", "send email to jack@gmail dot com", "jack@gmail dot com"),
        ("written", "write to info@presidio.site please", "info@presidio.site"),
        (
            "at-the-rate",
            "my email id is ishwar nine five at the rate gmail dot com",
            "ishwar nine five at the rate gmail dot com",
        ),
        (
            "at-the-rate-of",
            "it's neel underscore malhotra at the rate of yahoo dot co dot in",
            "neel underscore malhotra at the rate of yahoo dot co dot in",
        ),
        ("period", "kiaankuruvilla at icloud period com", "kiaankuruvilla at icloud period com"),
        (
            "spelled-domain",
            "lisa23 at the rate y a h o o dot com",
            "lisa23 at the rate y a h o o dot com",
        ),
        (
            "spelled-local",
            "send it to B, A, L, V walla at hotmail dot com",
            "B, A, L, V walla at hotmail dot com",
        ),
        (
            "cued-two-words",
            "my email is julie ryan at elliott dot co dot uk",
            "julie ryan at elliott dot co dot uk",
        ),
        ("double-digit", "lisa double five at gmail dot com", "lisa double five at gmail dot com"),
        ("asr-mangled-in", "warinder89 at singh dot in.", "warinder89 at singh dot in"),
        ("negative-place", "I will be at the office dot com", None),
        ("negative-no-tld", "meet me at the rate card desk", None),
        ("negative", "meet me at the office dot", None),
    ],
)
def test_recognizer_email_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
