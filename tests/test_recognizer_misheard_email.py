"""Table-driven tests for MisheardEmailRecognizer: ASR-mangled, spoken, written, negative."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import MisheardEmailRecognizer


def found(text: str) -> list[str]:
    rec = MisheardEmailRecognizer()
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("asr", "My email is john .misset example .com. I live", "john .misset example .com"),
        ("asr", "my email address is jane do at gmail.com thanks", "jane do at gmail.com"),
        ("spoken", "email me at sam dot lee at example dot org", "sam dot lee at example dot org"),
        ("written", "E-mail: pat@example.co please", "pat@example.co"),
        ("negative", "my email is not working since monday", None),
        ("negative", "the email is on the website dot com page", None),
        ("negative", "I sent an email yesterday to support", None),
    ],
)
def test_recognizer_misheard_email_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
