"""Fakes through the seams, for tests about something other than the models; and the counter
of real-model use that keeps the ``slow`` mark honest (``tests/conftest.py``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from redactor.ingest import DecodedAudio
from redactor.types import Segment, Span, TextSpan, Transcript, Word

__all__ = ["FakeDetector", "FakeTranscriber", "model_uses"]

_USES = [0]


def model_uses() -> int:
    """How many times spaCy or Whisper ran (or loaded) in this process so far."""
    return _USES[0]


def _counting(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _USES[0] += 1
        return fn(*args, **kwargs)

    return wrapper


def _install_counters() -> None:
    """Count at the libraries' own entry points: loading a model, or running one."""
    import faster_whisper
    import spacy
    from spacy.language import Language

    spacy.load = _counting(spacy.load)
    Language.__call__ = _counting(Language.__call__)  # type: ignore[method-assign]
    Language.pipe = _counting(Language.pipe)  # type: ignore[method-assign]
    for cls in (faster_whisper.WhisperModel, faster_whisper.BatchedInferencePipeline):
        cls.__init__ = _counting(cls.__init__)  # type: ignore[method-assign]
        cls.transcribe = _counting(cls.transcribe)  # type: ignore[method-assign]


_install_counters()


class FakeTranscriber:
    """A transcriber that "hears" a fixed line per channel, with evenly spaced word times."""

    name = "fake-transcriber/v1"

    def __init__(self, lines: Sequence[str] = ("hello my number is 646 555 2819",)) -> None:
        self.lines = tuple(lines)

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        segments = []
        for ch in range(len(audio.channels)):
            text = self.lines[ch % len(self.lines)]
            speaker = speakers[ch] if ch < len(speakers) else f"speaker_{ch}"
            words, pos, t = [], 0, 0.0
            step = max(audio.duration_s, 0.1) / max(1, len(text.split()))
            for w in text.split():
                words.append(Word(w, t, t + step, pos, pos + len(w), 1.0))
                pos, t = pos + len(w) + 1, t + step
            segments.append(Segment(ch, speaker, 0.0, t, text, tuple(words)))
        return Transcript(tuple(segments), "en", audio.duration_s, "audio", self.name)


class FakeDetector:
    """Finds 7+ digit runs (spaces allowed) as PHONE_NUMBER and the given names as PERSON."""

    name = "fake-detector/v1"
    _DIGITS = re.compile(r"\d(?:[ -]?\d){6,}")

    def __init__(self, names: Sequence[str] = ("Alice", "Bob")) -> None:
        self._names = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names))

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [self._find(t) for t in texts]

    def analyze_text(self, text: str) -> list[TextSpan]:
        return self._find(text)

    def analyze_recording(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [self._find(t) for t in texts]

    def _find(self, text: str) -> list[TextSpan]:
        hits = [
            TextSpan(m.start(), m.end(), "PHONE_NUMBER", 1.0, "fake")
            for m in self._DIGITS.finditer(text)
        ]
        hits += [
            TextSpan(m.start(), m.end(), "PERSON", 1.0, "fake") for m in self._names.finditer(text)
        ]
        return sorted(hits, key=lambda s: (s.start, s.end))

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        return tuple(
            Span(seg.index, s.start, s.end, s.label, s.score, s.recognizer)
            for seg in transcript.segments
            for s in self._find(seg.text)
        )


class QuietDetector:
    """Finds nothing: for tests about what happens around detection (exports, purges)."""

    name = "quiet-detector/v1"

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [[] for _ in texts]

    def analyze_recording(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [[] for _ in texts]

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        return ()
