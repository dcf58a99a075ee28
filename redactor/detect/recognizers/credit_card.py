"""Payment card numbers: Luhn-valid 13-19 digits, or any 12-19 digit run in payment context.

Whisper writes card numbers as "4111 1111 ...", "4-1-1-1-..." or "4111, 1111"; after
normalising, spoken digits are digits too. Separators between groups may be spaces, hyphens,
dots, commas or a line break (a number split across turns is one number).
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.detect.recognizers._common import has_context, luhn_ok

CUES = frozenset(
    {"card", "credit", "debit", "visa", "mastercard", "amex", "discover", "payment", "pay",
     "charge", "billing"}
)  # fmt: skip
_RUN = re.compile(r"(?<![\w.])\d(?:(?:[ ,.\-]{1,3}|\s*\n\s*)?\d){11,18}(?![\w])")


class CardNumberRecognizer(EntityRecognizer):
    NAME = "CardNumberRecognizer.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=["CREDIT_CARD"], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        for m in _RUN.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if luhn_ok(digits) and len(digits) >= 13:
                score = 1.0
            elif has_context(text, m.start(), CUES):
                score = 0.8
            else:
                continue
            out.append(RecognizerResult("CREDIT_CARD", m.start(), m.end(), score))
        return out
