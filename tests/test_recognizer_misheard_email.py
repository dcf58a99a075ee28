"""Table-driven tests for MisheardEmailRecognizer: ASR-mangled, spoken, written, negative."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import MisheardEmailRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(MisheardEmailRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("asr", "My email is john .misset example .com. I live", "john .misset example .com"),
        ("asr", "my email address is jane do at gmail.com thanks", "jane do at gmail.com"),
        ("spoken", "email me at sam dot lee at example dot org", "sam dot lee at example dot org"),
        ("written", "E-mail: pat@example.co please", "pat@example.co"),
        (
            "asr-next-turn",
            "And your email address?\nTimothy .hall55 .mail .com.",
            "Timothy .hall55 .mail .com",
        ),
        (
            "asr-next-turn-lead-in",
            "I'm going to email address.\nIt's Cody .hudson18atkmail .com.",
            "Cody .hudson18atkmail .com",
        ),
        ("negative-next-turn", "Did you get my email?\nYes, thanks, it was on time.", None),
        ("negative", "my email is not working since monday", None),
        ("negative", "the email is on the website dot com page", None),
        ("negative", "I sent an email yesterday to support", None),
    ],
)
def test_recognizer_misheard_email_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
