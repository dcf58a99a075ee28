"""Detect: find personal data in transcripts and texts.

One ``Detector`` per process (the spaCy pipeline and the Presidio registry load once). A
transcript is analysed as one document, speaker turns joined with newlines, so that context
from the previous turn counts and a number split across segments is one entity; spans are then
mapped back to per-segment offsets.
"""

from __future__ import annotations

from redactor.detect.engine import PresidioDetector, split_doc_spans, transcript_document

__all__ = ["Detector", "PresidioDetector", "split_doc_spans", "transcript_document"]

Detector = PresidioDetector
