"""Phone numbers, written or spoken ("six four six, five five five, ..." after normalising).

Groups of digits with spaces, dots, hyphens, commas or brackets between them, 7 to 15 digits
in all. Dates (2021-05-20) are not phones. A phone cue ("phone", "call me", "reach") before
the number raises the score.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.detect.recognizers._common import digit_count, has_context

CUES = frozenset(
    {"phone", "number", "call", "reach", "mobile", "cell", "tel", "telephone", "fax",
     "contact", "text", "extension", "ext", "landline", "whatsapp"}
)  # fmt: skip
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?\d{1,3}[\s.\-]{0,2})?(?:\(\d{1,5}\)\s?)?\d{1,12}(?:(?:[\s.\-]{1,2}|,\s?)\(?\d{1,5}\)?){0,6}(?![\w])"
)
_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")


class TranscriptPhoneRecognizer(EntityRecognizer):
    NAME = "TranscriptPhoneRecognizer.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=["PHONE_NUMBER"], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        for m in _PHONE.finditer(text):
            raw = m.group().rstrip(" ,.-")
            n = digit_count(raw)
            if not 7 <= n <= 15 or _DATE.match(raw):
                continue
            formatted = bool(re.search(r"[()+\-.]|\d \d", raw))
            score = 0.85 if has_context(text, m.start(), CUES) else 0.6 if formatted else 0.5
            out.append(RecognizerResult("PHONE_NUMBER", m.start(), m.start() + len(raw), score))
        return out
