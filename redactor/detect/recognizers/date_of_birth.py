"""Dates of birth: a date after "born", "date of birth", "DOB", "birthday".

Other dates stay readable (appointments, "next Tuesday"); a birth date identifies a person.
Written (03/14/1985, 1985-03-14) and spoken ("march fourteenth nineteen eighty five" ->
"march fourteenth 19 85") forms.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer

MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
ORD = r"\d{1,2}(?:st|nd|rd|th)?|[a-z]+(?:st|nd|rd|th)"
YEAR = r"(?:19|20)?\d{2}(?:\s\d{2})?"


class DateOfBirthRecognizer(CuePatternRecognizer):
    NAME = "DateOfBirthRecognizer.v1"
    ENTITY = "DATE_OF_BIRTH"
    PATTERN = re.compile(
        rf"(?i)(?<![\w/])("
        rf"\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,2}}"
        rf"|(?:{MONTHS})\.?\s+(?:the\s+)?(?:{ORD})(?:,?\s+(?:of\s+)?{YEAR})?"
        rf"|(?:the\s+)?(?:{ORD})\s+of\s+(?:{MONTHS})(?:,?\s+{YEAR})?"
        rf")(?![\w/])"
    )
    CUES = frozenset({"born", "birth", "dob", "birthday", "birthdate", "d.o.b"})
    WINDOW = 8
