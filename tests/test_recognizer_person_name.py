"""Table-driven tests for PersonNameRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.normalize import normalize
from redactor.detect.recognizers import RAW, PersonNameRecognizer


def found(text: str) -> list[str]:
    """Original substrings the recognizer flags at a kept score (>= 0.4)."""
    rec = PersonNameRecognizer()
    rec.load()
    if PersonNameRecognizer in RAW:  # reads the original text
        return [text[h.start : h.end] for h in rec.analyze(text, [], None) if h.score >= 0.4]
    norm = normalize(text)  # reads the normalised view; spans map back
    hits = rec.analyze(norm.text, rec.supported_entities, None)
    return [text[slice(*norm.to_original(h.start, h.end))] for h in hits if h.score >= 0.4]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken-lower", "hi my name is john smith", "john smith"),
        ("lower-cue", "did i get any emails from sam today", "sam"),
        ("written", "I talked to Cathy about it", "Cathy"),
        ("title", "I'd like to join accounts with ms. Quinzia", "Quinzia"),
        ("lower-cue-unlisted", "call raju phone number", "raju"),
        ("lower-possessed", "please remind me about swatish birthday", "swatish"),
        ("lower-friend", "send email to my friend rohit which says hi", "rohit"),
        ("written-unknown-surname", "I tried to read one of the Michener novels", "Michener"),
        ("written-sentence-start", "Yeah . Peretti wrote that one .", "Peretti"),
        ("written-initial", "User: Maja S Hermansen", "Maja S Hermansen"),
        ("written-common-surname", "a romantic novel by Danielle Steel or so", "Danielle Steel"),
        ("written-name-of", "He wrote under the name of Bachman .", "Bachman"),
        ("written-forename-before-surname", "Maha Cazares /  / Chiclana", "Maha Cazares"),
        ("written-initial-before-surname", "the name is >Ella H. Snider / >Otc", "Ella H. Snider"),
        ("negative-word", "will you mark the date", None),
        ("negative-interjection", "Oh , yeah . Wow . Yep", None),
        ("negative-contraction", "I've shared files with you. Don't go", None),
        (
            "negative-heading",
            "see Guilty Pleasures: 5 Musicians Of The 70s You're Supposed To Hate",
            None,
        ),
        ("negative-lower-greeting", "send email to my friend saying hi", None),
        ("negative-month", "see you in April", None),
    ],
)
def test_recognizer_person_name_table(kind: str, text: str, expected: str | None) -> None:
    hits = found(text)
    if expected is None:
        assert hits == [], kind
    else:
        assert any(expected in h for h in hits), (kind, hits)
