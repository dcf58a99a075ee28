"""Detect: find personal data in transcripts and texts.

``Detector`` is the seam (a protocol); ``PresidioDetector`` the implementation, one per
process (the spaCy pipeline and the Presidio registry load once), imported on first use so
that code which only needs the seam (summaries, the dataset gate) stays light. A transcript is
analysed as one document, speaker turns joined with newlines, so that context from the
previous turn counts and a number split across segments is one entity; spans are then cut
back into per-segment spans (``redactor.spans``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redactor.detect.protocol import Detector

if TYPE_CHECKING:
    from redactor.detect.engine import PresidioDetector

__all__ = ["Detector", "PresidioDetector"]


def __getattr__(name: str) -> Any:
    if name == "PresidioDetector":
        from redactor.detect.engine import PresidioDetector

        return PresidioDetector
    raise AttributeError(f"module 'redactor.detect' has no attribute {name!r}")
