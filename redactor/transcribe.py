"""Transcribe: faster-whisper with VAD and word timestamps, materialised into immutable types.

Stereo recordings are transcribed per channel, one speaker per channel, and the segments are
interleaved by start time; a channel's segment is cut where another channel spoke in one of
its pauses (``split_turns``), so an answer reads after its question. Silence gives an empty
transcript: VAD drops it, and any segment Whisper still produces with a high no-speech
probability and low confidence is discarded rather than stored as invented text.

Speed: with ``WhisperSpec.batch_size > 1`` (the default, 8) the VAD chunks of a channel are
decoded together by faster-whisper's ``BatchedInferencePipeline``, about twice the throughput
of the sequential decoder on CPU. Batched decoding has no temperature fallback, so a segment
that comes out as a repetition loop (compression ratio above Whisper's own 2.4 threshold) is
decoded again, alone, by the sequential decoder with fallback: quality stays that of the
sequential path, and the extra cost is paid only where a loop happened. A channel shorter
than ``BATCH_MIN_S`` has at most two 30-second windows, too few to batch: measured on the
fixtures, the sequential decoder is as fast or faster there, so it is used. ``batch_size=1``
selects the sequential decoder for everything.

Skipped speech: after a channel is decoded, stretches that sound like speech but hold no heard
word (an utterance the sequential decoder dropped at a window's edge) are decoded once more
(``redactor.relisten``; ``WhisperSpec.relisten``). ``listen`` hears a glued track as it is, for
the audio check, whose bleep tones would pass that loudness test.

Memory: the decoded channel is the only thing proportional to the recording's length held at
once. Batched decoding copies its input for VAD and computes log-mel features for all of it
up front (together about 2x the audio), so a long channel is decoded in windows of about
``WINDOW_S`` seconds, cut at the quietest moment near each boundary; segments are
materialised into small immutable words as they are produced.

Freed memory is kept while the sequential decoder runs (``keep_freed_memory``): glibc hands
every block over its mmap threshold back to the kernel when it is freed, and CTranslate2
allocates and frees blocks of tens of MB on every encoder pass (tiny.en's attention over a
30 s window alone is 54 MB), so each pass faulted its buffers in again, zero-filled. Replaying
the spoken-call bench's 52 audio-check tracks (one pass each, mostly): 52.6-53.2 s, 16.5 s of
it in the kernel, against 36.5-45.5 s and 4.6-6.8 s with the blocks kept in the heap. Only
there, and for inputs of at most ``KEEP_MEMORY_MAX_S``: a sequential pass (batch 1, one 30 s
window) needs the same blocks every time, so the heap stops growing at one pass's working
set; the batched pipeline's blocks (hundreds of MB, their size varying with the batch) and the
decoded recording stay mmapped and are handed back.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import functools
import itertools
import platform
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from redactor.ingest import SAMPLE_RATE, DecodedAudio
from redactor.models import WhisperSpec
from redactor.relisten import HeardWord, glue, new_words, place, unheard_speech
from redactor.types import Segment, Transcript, Word

__all__ = [
    "FasterWhisperTranscriber",
    "Transcriber",
    "build_segment",
    "keep_freed_memory",
    "windows",
]

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_MAX = -4
_MMAP_MAX_DEFAULT = 65536  # glibc's DEFAULT_MMAP_MAX
_kept = threading.Lock()
_kept_depth = 0


@functools.cache
def _glibc() -> Any:
    """glibc, untrimmed from the first use on; None where the C library is another."""
    if platform.libc_ver()[0] != "glibc":
        return None
    libc = ctypes.CDLL(None)
    libc.mallopt(_M_TRIM_THRESHOLD, -1)  # never hand the heap's free top back
    return libc


@contextlib.contextmanager
def keep_freed_memory() -> Iterator[bool]:
    """While the model runs, every block comes from the heap and goes back to it.

    glibc mmaps each block over its threshold on its own and unmaps it on free, so each
    encoder pass faulted its tens of MB in again, zero-filled (see the module docstring).
    Only inside sequential model calls: blocks allocated elsewhere (the decoded recording,
    hundreds of MB for an hour; the batched pipeline's) are still mmapped and handed back
    when freed, and the transcriber uses it on short inputs only (``KEEP_MEMORY_MAX_S``).
    The 60-minute memory bench (2026-12-03, while the audio check still heard an hour's
    windows as one long track): 2165 MB peak before, 2214 MB with this; around every
    sequential decode however long 2434 MB, with no mmap at all 2454 MB, around the batched
    pipeline too 2533 MB (fragments of long passes stay in the heap). With check tracks of
    at most ``KEEP_MEMORY_MAX_S`` the hour peaks at 1085 MB (docs/scale.md). Nested and
    threaded calls share one setting (counted). Yields False (and changes nothing) where there
    is no glibc.

    The first use also turns the heap's trimming off for good (a pass's freed top would be
    handed back otherwise), which also stops glibc raising its mmap threshold on its own (it
    stays where it is then, 128 KB unless raised already): measured in the 2214 MB above."""
    global _kept_depth
    libc = _glibc()
    if libc is None:
        yield False
        return
    with _kept:
        _kept_depth += 1
        if _kept_depth == 1:
            libc.mallopt(_M_MMAP_MAX, 0)
    try:
        yield True
    finally:
        with _kept:
            _kept_depth -= 1
            if _kept_depth == 0:
                libc.mallopt(_M_MMAP_MAX, _MMAP_MAX_DEFAULT)


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript: ...


@runtime_checkable
class Listener(Protocol):
    """A transcriber that can also hear a glued track as it is (``FasterWhisperTranscriber``)."""

    def listen(self, audio: DecodedAudio) -> Transcript: ...


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


Turn = tuple[float, str, list[HeardWord]]  # start s, speaker, words


def split_turns(turns: Sequence[Turn]) -> list[Turn]:
    """Cut each speaker's segments where another speaker spoke in a pause between two words.

    Each channel of a stereo call is decoded on its own, and Whisper can make one segment of
    a customer's answers to three questions, silence between them. Ordered by start time,
    that segment would come before the questions, so "It's September 24, 1951" would read
    before "Can you confirm your date of birth?", not after it: a cue in the previous turn
    (``redactor.detect``) would be lost. Cut at the other speakers' words, the answers fall
    in their place between the questions. Returns the turns in start order."""
    speakers = {spk for _s, spk, _w in turns}
    starts = {  # per speaker: when anyone else started a word
        spk: sorted(w[1] for _s, other, words in turns if other != spk for w in words)
        for spk in speakers
    }
    out: list[Turn] = []
    for _start, spk, words in turns:
        others = starts[spk]
        piece = [words[0]]
        for prev, word in itertools.pairwise(words):
            i = bisect.bisect_right(others, prev[2])
            if i < len(others) and others[i] < word[1]:  # someone else spoke in this pause
                out.append((piece[0][1], spk, piece))
                piece = []
            piece.append(word)
        out.append((piece[0][1], spk, piece))
    return sorted(out, key=lambda turn: turn[0])


@dataclass(frozen=True, slots=True)
class _WordAt:
    word: str
    start: float
    end: float
    probability: float


class _Shifted:
    """A segment decoded from a slice of the channel, its times moved back onto the channel."""

    def __init__(self, seg: Any, offset: float) -> None:
        self.text = seg.text
        self.no_speech_prob = seg.no_speech_prob
        self.avg_logprob = seg.avg_logprob
        self.words = [
            _WordAt(w.word, w.start + offset, w.end + offset, w.probability)
            for w in (seg.words or [])
        ]


def windows(samples: np.ndarray, window_s: float) -> list[tuple[int, int]]:
    """Split a long channel into ~``window_s`` pieces at the quietest 100 ms near each cut."""
    n, win, frame = len(samples), int(window_s * SAMPLE_RATE), SAMPLE_RATE // 10
    cuts = [0]
    while n - cuts[-1] > 1.5 * win:
        lo = cuts[-1] + win - 5 * SAMPLE_RATE
        near = samples[lo : lo + 10 * SAMPLE_RATE]
        energy = np.square(near[: len(near) // frame * frame].reshape(-1, frame)).sum(axis=1)
        cuts.append(lo + int(np.argmin(energy)) * frame + frame // 2)
    cuts.append(n)
    return list(itertools.pairwise(cuts))


def check_chunks(
    samples: np.ndarray, max_s: float, gap_s: float = 0.4
) -> list[tuple[float, float]]:
    """``samples`` cut into stretches of at most ``max_s`` seconds, each cut in the middle of
    the last silence (``gap_s`` or more of zeros: the gaps between glued stretches) that
    fits, else at ``max_s``."""
    frame = SAMPLE_RATE // 100
    n = len(samples) // frame * frame
    quiet = (np.abs(samples[:n]).reshape(-1, frame).max(axis=1) == 0.0).tolist() if n else []
    cuts: list[float] = []  # the middles of the silences, in seconds
    run = 0
    for i, q in enumerate([*quiet, False]):
        if q:
            run += 1
            continue
        if run * frame >= gap_s * SAMPLE_RATE:
            cuts.append((i - run / 2) * frame / SAMPLE_RATE)
        run = 0
    end = len(samples) / SAMPLE_RATE
    out: list[tuple[float, float]] = []
    start = 0.0
    while end - start > max_s:
        fits = [c for c in cuts if start < c <= start + max_s]
        cut = fits[-1] if fits else start + max_s
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _compression_ratio(text: str) -> float:
    """Whisper's loop measure: how well the text compresses (zlib)."""
    data = text.encode()
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _silent(samples: np.ndarray) -> bool:
    """Digital silence (all samples within 1e-4 of zero)."""
    return max(float(samples.max()), -float(samples.min())) <= 1e-4


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
    # A loop: text more compressible than Whisper's own 2.4 threshold, and more words a second
    # than anyone speaks (a spoken card number compresses well too, but at a human rate).
    COMPRESSION_MAX = 2.4
    LOOP_WORDS_PER_S = 5.0
    # tiny.en decoding greedily drops or loops on spoken digits far more often than with a
    # beam of 5 (checked on fixtures/*.flac); batching pays for the beam.
    BEAM_SIZE = 5
    CHECK_BEAM_SIZE = 1  # the audio check's decode (``listen``): greedy, see ``listen``
    # A check track's decode this compressible looped (its loops on the bench: 2.3 to 15;
    # tracks that did not loop: 1.7 at most); decoded again at these temperatures.
    CHECK_LOOP_RATIO = 2.0
    # Two tries: a looped chunk's fallback through all of (0.2, 0.4, ..., 1.0) looped again
    # at each step as often as not (224 tokens each), and made the check's time vary 1.6x
    # between replays of the same tracks.
    CHECK_RETRY_TEMPERATURES = (0.4, 0.8)
    CHECK_CHUNK_S = 29.0  # a check chunk fits one 30 s window
    CHECK_BATCH_SIZE = 1  # on 2 CPU cores batches of 8 chunks decoded slower (padding)
    BATCH_MIN_S = 60.0
    # Batched VAD's default (160 ms) cuts utterances at short pauses; the clips, glued into
    # 30 s windows, then lost digits and whole sentences on the fixtures. 500 ms kept them.
    VAD_MIN_SILENCE_MS = 500
    WINDOW_S = 600.0
    # Inputs up to this long are decoded with freed memory kept (``keep_freed_memory``).
    KEEP_MEMORY_MAX_S = 120.0

    def __init__(self, spec: WhisperSpec | None = None, *, model: Any = None) -> None:
        self.spec = spec or WhisperSpec()
        self.name = self.spec.name
        self._model = model
        self._batched: Any = None
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

    @property
    def batched(self) -> Any:
        """faster-whisper's BatchedInferencePipeline over the same model (loaded once)."""
        model = self.model
        with self._lock:
            if self._batched is None:
                from faster_whisper import BatchedInferencePipeline

                self._batched = BatchedInferencePipeline(model)
            return self._batched

    def _decode_options(self) -> dict[str, Any]:
        # A multilingual model detects the language itself (info.language); English-only
        # models (tiny.en) are told: they can say nothing else.
        multilingual = bool(getattr(getattr(self.model, "model", None), "is_multilingual", False))
        opts: dict[str, Any] = {
            "language": None if multilingual else "en",
            "beam_size": self.BEAM_SIZE,
            "word_timestamps": True,
        }
        if self.spec.hotwords:
            opts["hotwords"] = self.spec.hotwords
        if self.spec.initial_prompt:
            opts["initial_prompt"] = self.spec.initial_prompt
        return opts

    def _channel_segments(self, samples: np.ndarray, seen: list[str]) -> list[Any]:
        if self.spec.batch_size <= 1 or len(samples) < self.BATCH_MIN_S * SAMPLE_RATE:
            with self._kept_for(samples):  # one window at a time: the same blocks every pass
                segments, info = self.model.transcribe(
                    samples,
                    vad_filter=True,
                    condition_on_previous_text=False,
                    **self._decode_options(),
                )
                seen.append(str(info.language))
                return list(segments)  # a lazy generator: materialise it here
        out: list[Any] = []
        for lo, hi in windows(samples, self.WINDOW_S):
            offset = lo / SAMPLE_RATE
            window = self._batched_window(samples[lo:hi], seen)
            out.extend(_Shifted(seg, offset) for seg in window)
        return out

    def _batched_window(self, samples: np.ndarray, seen: list[str]) -> list[Any]:
        segments, info = self.batched.transcribe(
            samples,
            batch_size=self.spec.batch_size,
            without_timestamps=False,  # sentence-sized segments, not 30 s chunks
            vad_parameters={"min_silence_duration_ms": self.VAD_MIN_SILENCE_MS},
            **self._decode_options(),
        )
        seen.append(str(info.language))
        out: list[Any] = []
        for seg in segments:
            if self._is_loop(seg):
                out.extend(self._redecode(samples, seg.start, seg.end))
            elif not (out and seg.end <= seg.start and seg.text == out[-1].text):
                out.append(seg)  # (a zero-length repeat of the previous segment is a loop)
        return out

    def _is_loop(self, seg: Any) -> bool:
        rate = len(seg.words or ()) / max(seg.end - seg.start, 0.5)
        return bool(seg.compression_ratio > self.COMPRESSION_MAX and rate > self.LOOP_WORDS_PER_S)

    def _redecode(self, samples: np.ndarray, start: float, end: float) -> list[Any]:
        """Decode one looping segment again with the sequential decoder's temperature fallback."""
        lo = max(0, int((start - 0.2) * SAMPLE_RATE))
        hi = min(len(samples), int((end + 0.2) * SAMPLE_RATE))
        segments, _info = self._decode_as_is(samples[lo:hi])
        offset = lo / SAMPLE_RATE
        return [_Shifted(seg, offset) for seg in segments]

    def _kept_words(self, segments: Iterable[Any]) -> list[list[HeardWord]]:
        result = []
        for seg in segments:
            if seg.no_speech_prob > self.NO_SPEECH_MAX and seg.avg_logprob < self.LOGPROB_MIN:
                continue
            words = [(w.word, w.start, w.end, w.probability) for w in (seg.words or [])]
            if words:
                result.append(words)
        return result

    def _channel_words(self, samples: np.ndarray, seen: list[str]) -> list[list[HeardWord]]:
        result = self._kept_words(self._channel_segments(samples, seen))
        if self.spec.relisten:
            result += self._relisten(samples, result)
        return result

    def _kept_for(self, samples: np.ndarray) -> contextlib.AbstractContextManager[bool]:
        """``keep_freed_memory`` around the sequential decoding of a short input only: a long
        one (an hour's check track) would leave its fragments in the heap for good."""
        if len(samples) > self.KEEP_MEMORY_MAX_S * SAMPLE_RATE:
            return contextlib.nullcontext(False)
        return keep_freed_memory()

    def _decode_as_is(self, track: np.ndarray, **overrides: Any) -> tuple[list[Any], Any]:
        """One sequential decode of a whole (glued) track: no VAD, no carried context."""
        opts = {**self._decode_options(), **overrides}
        with self._kept_for(track):
            segments, info = self.model.transcribe(
                track, vad_filter=False, condition_on_previous_text=False, **opts
            )
            return list(segments), info

    def _relisten(self, samples: np.ndarray, heard: list[list[HeardWord]]) -> list[list[HeardWord]]:
        """Decode again, in one glued track, the speech the first pass heard no word in."""
        times = [(w[1], w[2]) for words in heard for w in words]
        missed = unheard_speech(samples, times)
        if not missed:
            return []
        track, pieces = glue((0, samples, a, b) for a, b in missed)
        segments, _info = self._decode_as_is(track)
        words = [w for seg_words in self._kept_words(segments) for w in seg_words]
        return new_words(place(words, pieces), times)

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        names = default_speakers(len(audio.channels), speakers)
        raw: list[Turn] = []
        seen: list[str] = []  # Whisper's language per decoded stretch
        for samples, speaker in zip(audio.channels, names, strict=True):
            if _silent(samples):
                continue  # digital silence: nothing to transcribe, nothing to invent
            for words in self._channel_words(samples, seen):
                raw.append((words[0][1], speaker, words))
        raw = split_turns(raw)  # in start order; one speaker (mono) is never cut
        segments = tuple(build_segment(i, spk, words) for i, (_, spk, words) in enumerate(raw))
        return Transcript(
            segments=segments,
            language=Counter(seen).most_common(1)[0][0] if seen else "en",
            duration_s=audio.duration_s,
            source_kind="audio",
            producer=self.name,
        )

    def _check_again(self, samples: np.ndarray, start: float, end: float) -> list[Any]:
        """A looped check chunk decoded again, on its own, with the temperature fallback."""
        lo, hi = int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)
        found, _info = self._decode_as_is(
            samples[lo:hi],
            beam_size=self.CHECK_BEAM_SIZE,
            best_of=1,
            temperature=self.CHECK_RETRY_TEMPERATURES,
            compression_ratio_threshold=self.CHECK_LOOP_RATIO,
            log_prob_threshold=None,
        )
        return [_Shifted(seg, start) for seg in found]

    def listen(self, audio: DecodedAudio) -> Transcript:
        """Transcribe a glued track of stretches as it is (the audio check).

        Every stretch is decoded: no VAD, which drops short or quiet speech, exactly what a
        check must hear (a digit left at a bleep's edge), and so no second listen. The track
        is cut into chunks of at most ``CHECK_CHUNK_S`` at its silences (the gaps between the
        glued stretches, ``check_chunks``), and each chunk is decoded once, greedily
        (``CHECK_BEAM_SIZE``), by faster-whisper's batched pipeline over those clips. The
        sequential decoder instead re-enters a window at the last word it heard: on the
        check's tracks of many short stretches that cost 7 encoder passes per 120 s, and a
        trailing pass per track.

        A loop ("Can you stand? Can you stand? ...", "80 80 80 ...") puts its words on every
        stretch after it, so what those stretches really hold is not heard: a check that
        trusted it would pass audio it never heard. A chunk whose decode compresses more
        than ``CHECK_LOOP_RATIO`` is decoded again on its own with the temperature fallback
        (``CHECK_RETRY_TEMPERATURES``). Sampling is not repeatable (CTranslate2 samples in
        its own threads, which ``ctranslate2.set_random_seed`` does not reach), so the words
        heard in a looped chunk can differ between two checks; a greedy decode that did not
        loop cannot."""
        heard: list[list[HeardWord]] = []
        language = "en"
        for samples in audio.channels:
            if _silent(samples):
                continue
            clips = check_chunks(samples, self.CHECK_CHUNK_S)
            starts = [a for a, _b in clips]
            options = {**self._decode_options(), "beam_size": self.CHECK_BEAM_SIZE}
            found, info = self.batched.transcribe(
                samples,
                clip_timestamps=[{"start": a, "end": b} for a, b in clips],
                vad_filter=False,
                batch_size=self.CHECK_BATCH_SIZE,
                without_timestamps=False,
                best_of=1,
                temperature=0.0,
                log_prob_threshold=None,
                compression_ratio_threshold=None,
                **options,
            )
            language = str(info.language)
            by_clip: list[list[Any]] = [[] for _ in clips]
            for seg in found:
                k = bisect.bisect_right(starts, (seg.start + seg.end) / 2) - 1
                by_clip[min(max(k, 0), len(clips) - 1)].append(seg)
            for (a, b), segs in zip(clips, by_clip, strict=True):
                if _compression_ratio("".join(seg.text for seg in segs)) > self.CHECK_LOOP_RATIO:
                    segs = self._check_again(samples, a, b)
                heard += self._kept_words(segs)
        return Transcript(
            segments=tuple(build_segment(i, "check", w) for i, w in enumerate(heard)),
            language=language,
            duration_s=audio.duration_s,
            source_kind="audio",
            producer=self.name,
        )
