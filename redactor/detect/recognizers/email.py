"""E-mail addresses, written or spoken ("john dot smith at example dot com").

Runs on the normalised text, where spoken e-mails are already written out, so one pattern
serves both; the engine maps the span back to the spoken words.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer


class TranscriptEmailRecognizer(CuePatternRecognizer):
    NAME = "TranscriptEmailRecognizer.v1"
    ENTITY = "EMAIL_ADDRESS"
    PATTERN = re.compile(
        r"(?i)(?<![\w.+\-])([a-z0-9](?:[a-z0-9._%+\-]*[a-z0-9])?@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
        r"(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,24})(?![\w\-])"
    )
    base_score = 1.0
