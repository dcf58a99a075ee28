"""The detector: Presidio's AnalyzerEngine on a spaCy pipeline plus transcript recognizers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from redactor.detect.offline import use_bundled_suffix_list
from redactor.models import spacy_model_name
from redactor.types import Span, TextSpan, Transcript

DETECTOR_VERSION = "v1"
MIN_SCORE = 0.4

_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()


def _analyzer(model: str) -> Any:
    """Build (once per process and model) the Presidio analyzer."""
    with _ENGINES_LOCK:
        if model not in _ENGINES:
            use_bundled_suffix_list()
            # Presidio warns at length about recognizers for other languages; not actionable.
            logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
            from presidio_analyzer import AnalyzerEngine
            from presidio_analyzer.nlp_engine import NlpEngineProvider

            from redactor.detect.recognizers import DigitRunRecognizer

            provider = NlpEngineProvider(
                nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": "en", "model_name": model}],
                }
            )
            engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
            engine.registry.add_recognizer(DigitRunRecognizer())
            _ENGINES[model] = engine
        return _ENGINES[model]


def transcript_document(transcript: Transcript) -> tuple[str, list[int]]:
    """Join segment texts with newlines; return the text and each segment's start offset."""
    offsets: list[int] = []
    pos = 0
    for seg in transcript.segments:
        offsets.append(pos)
        pos += len(seg.text) + 1
    return "\n".join(s.text for s in transcript.segments), offsets


def split_doc_spans(
    transcript: Transcript, offsets: Sequence[int], spans: Sequence[TextSpan]
) -> tuple[Span, ...]:
    """Cut document spans at segment boundaries into per-segment spans."""
    out: list[Span] = []
    for sp in spans:
        for i, seg in enumerate(transcript.segments):
            a, b = offsets[i], offsets[i] + len(seg.text)
            lo, hi = max(sp.start, a), min(sp.end, b)
            if lo < hi:
                out.append(Span(seg.index, lo - a, hi - a, sp.label, sp.score, sp.recognizer))
    return tuple(out)


class PresidioDetector:
    """Presidio + spaCy + transcript-aware recognizers. Thread-safe after the first call."""

    def __init__(self, *, spacy_model: str | None = None, min_score: float = MIN_SCORE) -> None:
        self.spacy_model = spacy_model_name(spacy_model)
        self.min_score = min_score
        self.name = f"redactor-detect/{DETECTOR_VERSION}+{self.spacy_model}"

    @property
    def analyzer(self) -> Any:
        return _analyzer(self.spacy_model)

    def analyze_text(self, text: str) -> list[TextSpan]:
        if not text.strip():
            return []
        results = self.analyzer.analyze(text=text, language="en", score_threshold=self.min_score)
        spans = [
            TextSpan(
                r.start,
                r.end,
                r.entity_type,
                float(r.score),
                str((r.recognition_metadata or {}).get("recognizer_name", "")),
            )
            for r in results
        ]
        return sorted(spans, key=lambda s: (s.start, -s.end))

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [self.analyze_text(t) for t in texts]

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        doc, offsets = transcript_document(transcript)
        return split_doc_spans(transcript, offsets, self.analyze_text(doc))
