"""Identifier-shaped tokens: letters and at least six digits mixed (passports, licences,
policy and member ids such as "A12803456" or "F162823540116").

Plain words never have six digits; product codes that do can go on the operator allow-list.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer


class IdNumberRecognizer(CuePatternRecognizer):
    NAME = "IdNumberRecognizer.v1"
    ENTITY = "ID_NUMBER"
    PATTERN = re.compile(
        r"(?<![\w\-])((?=[A-Za-z0-9\-]*[A-Za-z])(?:[A-Za-z]{1,3}-?)?\d[\dA-Za-z\-]{5,})(?![\w\-])"
    )
    base_score = 0.5

    def accept(self, text: str, match: re.Match[str]) -> bool:
        token = match.group(1)
        return sum(c.isdigit() for c in token) >= 6 and not re.search(
            r"(?i)\d(st|nd|rd|th|s)$", token
        )


class CuedIdNumberRecognizer(CuePatternRecognizer):
    """After an identifier cue ("passport number", "licence", "PAN"), a letter or three and
    six or more digits said apart: "K seven three four nine eight eight seven" (normalised
    to "K 7349887"), "D-4439033"."""

    NAME = "CuedIdNumberRecognizer.v1"
    ENTITY = "ID_NUMBER"
    PATTERN = re.compile(r"(?<![\w\-])([A-Za-z]{1,3}[ \t]*[\-.,]?[ \t]*\d{6,})(?![\w\-])")
    CUES = frozenset(
        {"passport", "licence", "license", "id", "pan", "aadhaar", "aadhar", "voter", "member",
         "policy", "dl", "permit", "visa"}
    )  # fmt: skip
    WINDOW = 6
    base_score = None
