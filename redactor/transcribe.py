"""Transcribe: faster-whisper with VAD and word timestamps, materialised into immutable types.

Stereo recordings are transcribed per channel, one speaker per channel, and the segments are
interleaved by start time. Silence gives an empty transcript: VAD drops it, and any segment
Whisper still produces with a high no-speech probability and low confidence is discarded
rather than stored as invented text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from redactor.ingest import DecodedAudio
from redactor.models import WhisperSpec
from redactor.types import Segment, Transcript, Word

__all__ = ["FasterWhisperTranscriber", "Transcriber", "build_segment"]


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript: ...


def build_segment(
    index: int, speaker: str, words: Sequence[tuple[str, float, float, float]]
) -> Segment:
    """Join ``(text, start, end, probability)`` words with single spaces, keeping offsets."""
    out: list[Word] = []
    pos = 0
    parts: list[str] = []
    for text, start, end, prob in words:
        text = text.strip()
        if not text:
            continue
        if parts:
            pos += 1
        out.append(Word(text, float(start), float(end), pos, pos + len(text), float(prob)))
        parts.append(text)
        pos += len(text)
    start_s = out[0].start_s if out else 0.0
    end_s = out[-1].end_s if out else 0.0
    return Segment(index, speaker, start_s, end_s, " ".join(parts), tuple(out))


def default_speakers(n_channels: int, speakers: Sequence[str]) -> list[str]:
    if len(speakers) >= n_channels:
        return list(speakers[:n_channels])
    if n_channels == 1:
        return ["speaker"]
    if n_channels == 2:
        return ["agent", "customer"]
    return [f"channel_{i}" for i in range(n_channels)]


class FasterWhisperTranscriber:
    """Loads the Whisper model once (per process) and reuses it for every file."""

    # Segments Whisper makes up over silence or noise: likely no speech and low confidence.
    NO_SPEECH_MAX = 0.6
    LOGPROB_MIN = -1.0

    def __init__(self, spec: WhisperSpec | None = None, *, model: Any = None) -> None:
        self.spec = spec or WhisperSpec()
        self.name = self.spec.name
        self._model = model
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                self._model = WhisperModel(
                    self.spec.resolved_model(),
                    device=self.spec.device,
                    compute_type=self.spec.compute_type,
                    cpu_threads=self.spec.cpu_threads,
                    local_files_only=True,
                )
            return self._model

    def _channel_words(self, samples: np.ndarray) -> list[list[tuple[str, float, float, float]]]:
        segments, _info = self.model.transcribe(
            samples,
            language="en",
            beam_size=1,
            word_timestamps=True,
            vad_filter=True,
            condition_on_previous_text=False,
        )
        result = []
        for seg in segments:  # a lazy generator: materialise it here
            if seg.no_speech_prob > self.NO_SPEECH_MAX and seg.avg_logprob < self.LOGPROB_MIN:
                continue
            words = [(w.word, w.start, w.end, w.probability) for w in (seg.words or [])]
            if words:
                result.append(words)
        return result

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        names = default_speakers(len(audio.channels), speakers)
        raw: list[tuple[float, str, list[tuple[str, float, float, float]]]] = []
        for samples, speaker in zip(audio.channels, names, strict=True):
            if not np.any(np.abs(samples) > 1e-4):
                continue  # digital silence: nothing to transcribe, nothing to invent
            for words in self._channel_words(samples):
                raw.append((words[0][1], speaker, words))
        raw.sort(key=lambda item: item[0])
        segments = tuple(build_segment(i, spk, words) for i, (_, spk, words) in enumerate(raw))
        return Transcript(
            segments=segments,
            language="en",
            duration_s=audio.duration_s,
            source_kind="audio",
            producer=self.name,
        )
