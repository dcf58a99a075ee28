"""Bank, account, member, policy and routing numbers: 4+ digit runs after a cue word.

Long runs (7+ digits) are caught regardless by the digit-run recognizer; this one labels them
and catches the shorter ones that only a cue makes personal ("member number four four two one").
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer


class AccountNumberRecognizer(CuePatternRecognizer):
    NAME = "AccountNumberRecognizer.v1"
    ENTITY = "US_BANK_NUMBER"
    PATTERN = re.compile(r"(?<![\w.,$])(\d(?:[ \-]?\d){3,16})(?![\w]|[.,]\d)")
    CUES = frozenset(
        {"account", "acct", "member", "membership", "routing", "policy", "customer id",
         "customer number", "reference", "iban", "sort code", "pin", "passcode", "id number",
         "confirmation", "order number", "case number", "ticket number", "license", "licence",
         "passport"}
    )  # fmt: skip
    WINDOW = 8
