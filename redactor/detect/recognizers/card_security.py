"""Card security code (CVV/CVC, 3-4 digits) and expiry date, only after a cue word.

"what's the security code?" / "seven three one" -> "731" after normalising. Without a cue a
short number is a count or a price and stays readable.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer


class CardSecurityCodeRecognizer(CuePatternRecognizer):
    NAME = "CardSecurityCodeRecognizer.v1"
    ENTITY = "CREDIT_CARD_CVV"
    PATTERN = re.compile(r"(?<![\w.,$])(\d{3,4})(?![\w]|[.,]\d)")
    CUES = frozenset(
        {"cvv", "cvc", "cvv2", "security code", "security number", "verification code", "back of"}
    )
    WINDOW = 8


class CardExpiryRecognizer(CuePatternRecognizer):
    NAME = "CardExpiryRecognizer.v1"
    ENTITY = "CREDIT_CARD_EXPIRY"
    PATTERN = re.compile(r"(?<![\w/])((?:0?[1-9]|1[0-2])\s*(?:/|-|\s)?\s*(?:20)?\d{2})(?![\w/])")
    CUES = frozenset(
        {"expiry", "expiration", "expires", "expire", "exp", "valid thru", "valid through"}
    )
    WINDOW = 8
