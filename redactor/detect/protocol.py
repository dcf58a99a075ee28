"""The detector seam: what the pipeline, summaries and the dataset gate need of a detector.

``PresidioDetector`` is the implementation; a test hands in anything with these members.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from redactor.types import Span, TextSpan, Transcript

__all__ = ["Detector"]


class Detector(Protocol):
    @property
    def name(self) -> str:
        """Versioned name, recorded on every artifact the detector's spans produced."""
        ...

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        """Spans for each text, each text a document of its own."""
        ...

    def analyze_recording(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        """Spans for each text, the texts being the turns of one recording (context across
        them; one value, one decision)."""
        ...

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        """Spans of a whole transcript, per segment."""
        ...
