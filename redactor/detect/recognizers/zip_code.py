"""ZIP and postal codes: 5 (or 5+4) digits after "zip" / "postal code", or after a state code."""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer


class ZipCodeRecognizer(CuePatternRecognizer):
    NAME = "ZipCodeRecognizer.v1"
    ENTITY = "ZIP_CODE"
    PATTERN = re.compile(r"(?<![\w.,$])(\d{5}(?:-\d{4})?)(?![\w]|[.,]\d)")
    CUES = frozenset({"zip", "zipcode", "postal", "postcode", "post code", "zip code"})
    WINDOW = 6


class StateZipRecognizer(CuePatternRecognizer):
    """``TX 75201``: a two-letter state code right before five digits."""

    NAME = "StateZipRecognizer.v1"
    ENTITY = "ZIP_CODE"
    PATTERN = re.compile(r"\b[A-Z]{2},?\s+(\d{5}(?:-\d{4})?)(?![\w])")
    base_score = 0.6
