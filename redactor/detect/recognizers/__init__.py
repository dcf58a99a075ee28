"""Transcript-aware Presidio recognizers, one per module."""

from redactor.detect.recognizers.digit_run import DigitRunRecognizer

__all__ = ["DigitRunRecognizer"]
