"""Redacted audio: a bleep (1 kHz tone) or silence over each redacted span's words, +/- padding.

The audio of a span is the time interval of the words it covers (the same words the text
redaction collapsed), widened by ``padding_s`` on each side because word timestamps are
approximate. Everything else stays sample-for-sample identical: the file keeps its duration,
sample rate and channels. In a stereo recording (one speaker per channel) only the speaking
channel is bleeped, so the other party's simultaneous speech survives.

Lossless formats (FLAC, WAV) go through soundfile, reading integer PCM so that untouched
samples round-trip exactly; MP3 and OGG (Opus) are encoded with PyAV. The encoded file is
sealed before it reaches the disk (``redactor.audio_file``).
"""

from __future__ import annotations

import contextlib
import io
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from redactor.audio_file import FORMAT as SEALED_FORMAT
from redactor.audio_file import SealedAudio, key_body, write_sealed
from redactor.errors import InputError
from redactor.store.records import ArtifactKind, DataCategory, NewArtifact
from redactor.types import RedactedTranscript, Transcript

if TYPE_CHECKING:
    from redactor.transcribe import Transcriber

__all__ = [
    "AUDIO_FORMATS",
    "AUDIO_MODES",
    "AudioOptions",
    "AudioRedaction",
    "Interval",
    "PendingAudio",
    "apply_redaction",
    "plan_audio",
    "read_audio",
    "redacted_in_place",
    "redaction_intervals",
    "write_audio",
    "write_audio_artifacts",
    "write_redacted_audio",
]

AUDIO_MODES = ("bleep", "silence")
AUDIO_CHECKS = ("off", "record", "require")  # see redactor.audio_check
AUDIO_FORMATS = ("flac", "wav", "mp3", "ogg")
BLEEP_HZ = 1000.0
BLEEP_LEVEL = 0.25  # -12 dBFS: clearly audible, never clipping
FADE_S = 0.005  # ramp the tone in and out: no clicks
PRODUCER = "audio-redact.v1"
_OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


@dataclass(frozen=True, slots=True)
class AudioRedaction:
    """What a policy says about audio: whether to write it, bleep or silence, padding."""

    enabled: bool = True
    mode: str = "bleep"
    padding_s: float = 0.15
    check: str = "record"  # off | record (verify, widen, record) | require (and withhold)


@dataclass(frozen=True, slots=True)
class AudioOptions:
    """Run-time choices (CLI): output format, and overrides of the policies' audio settings."""

    enabled: bool = True
    format: str = "flac"
    mode: str | None = None
    padding_s: float | None = None
    check: str | None = None

    def __post_init__(self) -> None:
        if self.format not in AUDIO_FORMATS:
            raise InputError(
                f"audio format {self.format!r}; choose one of: {', '.join(AUDIO_FORMATS)}"
            )
        if self.mode is not None and self.mode not in AUDIO_MODES:
            raise InputError(f"audio mode {self.mode!r}; choose one of: {', '.join(AUDIO_MODES)}")
        if self.padding_s is not None and not 0 <= self.padding_s <= 2:
            raise InputError("audio padding must be 0-2000 ms")
        if self.check is not None and self.check not in AUDIO_CHECKS:
            raise InputError(
                f"audio check {self.check!r}; choose one of: {', '.join(AUDIO_CHECKS)}"
            )

    def resolve(self, policy: AudioRedaction) -> AudioRedaction:
        return replace(
            policy,
            mode=self.mode or policy.mode,
            padding_s=policy.padding_s if self.padding_s is None else self.padding_s,
            check=self.check or policy.check,
        )


@dataclass(frozen=True, slots=True)
class Interval:
    start_s: float
    end_s: float
    channel: int | None = None  # None: every channel


def redaction_intervals(
    raw: Transcript, redacted: RedactedTranscript, channel_of: Mapping[str, int] | None = None
) -> list[Interval]:
    """The time interval of the raw words under each redacted span (spans hold raw offsets)."""
    by_index = {s.index: s for s in raw.segments}
    out: list[Interval] = []
    for seg in redacted.segments:
        raw_seg = by_index.get(seg.index)
        if raw_seg is None:
            continue
        channel = (channel_of or {}).get(seg.speaker)
        ws = raw_seg.words
        for sp in seg.spans:
            idx = [i for i, w in enumerate(ws) if w.char_start < sp.end and w.char_end > sp.start]
            if idx:
                first, last = idx[0], idx[-1]
                start, end = ws[first].start_s, ws[last].end_s
                # Whisper lets the word before a pause absorb the pause, so a value's first
                # word often starts later than it was spoken (and symmetrically at the end):
                # an overlong neighbour gives its excess to the redaction.
                if first > 0:
                    prev = ws[first - 1]
                    start = min(start, prev.start_s + _expected_s(prev.text))
                if last + 1 < len(ws):
                    nxt = ws[last + 1]
                    end = max(end, nxt.end_s - _expected_s(nxt.text))
                out.append(Interval(start, end, channel))
            else:  # no word timings: the whole segment, to be safe
                out.append(Interval(raw_seg.start_s, raw_seg.end_s, channel))
    return out


def _expected_s(word: str) -> float:
    """A generous upper bound of how long a word takes to say (slow speech, ~6 chars/s)."""
    return 0.12 + 0.08 * len(word)


def read_audio(path: Path, *, data: bytes | None = None) -> tuple[np.ndarray, int]:
    """``(samples, rate)``: float32, shape (frames, channels), full scale +/-1.

    float32 holds 16-bit PCM exactly (k / 32768) at half the memory of float64: an hour of
    audio is the decoded samples once, not three times over. ``data``: the file's content,
    when it is not readable from ``path`` as it is (a sealed file, decrypted in memory);
    ``path`` then only names it in errors.
    """
    import soundfile as sf

    try:
        source: Any = str(path) if data is None else io.BytesIO(data)
        samples, rate = sf.read(source, dtype="float32", always_2d=True)
        return samples, int(rate)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        pass  # not a soundfile format (m4a, some mp3): PyAV below
    return _read_av(path, data)


def _read_av(path: Path, data: bytes | None = None) -> tuple[np.ndarray, int]:
    import av

    try:
        source: Any = str(path) if data is None else io.BytesIO(data)
        with av.open(source, metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate
            layout = stream.codec_context.layout.name
            resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
            chunks = []
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1, len(out.layout.channels)))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1, len(out.layout.channels)))
    except (av.error.FFmpegError, IndexError, ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot decode audio ({type(exc).__name__})") from None
    if not chunks:
        raise InputError(f"{path}: audio has no samples")
    return np.concatenate(chunks).astype(np.float32, copy=False), int(rate)


def apply_redaction(
    samples: np.ndarray,
    rate: int,
    intervals: Sequence[Interval],
    spec: AudioRedaction,
    *,
    in_place: bool = False,
) -> np.ndarray:
    """``samples`` (a copy unless ``in_place``) with each interval (+/- padding) replaced by
    tone or silence."""
    out = samples if in_place else samples.copy()
    n_ch = out.shape[1]
    fade = max(1, int(FADE_S * rate))
    for iv, a, b in _frames_of(out, rate, intervals, spec):
        channels = range(n_ch) if iv.channel is None or iv.channel >= n_ch else [iv.channel]
        if spec.mode == "silence":
            fill = np.zeros(b - a)
        else:
            t = np.arange(a, b) / rate  # absolute time: overlapping intervals stay in phase
            env = np.minimum(1.0, np.minimum(np.arange(b - a) + 1, np.arange(b - a, 0, -1)) / fade)
            fill = BLEEP_LEVEL * env * np.sin(2 * np.pi * BLEEP_HZ * t)
        for ch in channels:
            out[a:b, ch] = fill
    return out


def _frames_of(
    samples: np.ndarray, rate: int, intervals: Sequence[Interval], spec: AudioRedaction
) -> Iterator[tuple[Interval, int, int]]:
    """Each interval with the frames ``[a, b)`` it covers, padding included (empty ones left out)."""
    n = len(samples)
    for iv in intervals:
        a = max(0, int(np.floor((iv.start_s - spec.padding_s) * rate)))
        b = min(n, int(np.ceil((iv.end_s + spec.padding_s) * rate)))
        if a < b:
            yield iv, a, b


@contextlib.contextmanager
def redacted_in_place(
    samples: np.ndarray, rate: int, intervals: Sequence[Interval], spec: AudioRedaction
) -> Iterator[np.ndarray]:
    """``samples`` redacted in place while the block runs, then put back as they were.

    Saves what the bleeps cover, not the whole recording: the audio check rewrites the file
    from the same source after a widening, and a copy of an hour of 48 kHz stereo is 1.4 GB.
    """
    saved = [
        (a, b, samples[a:b].copy()) for _iv, a, b in _frames_of(samples, rate, intervals, spec)
    ]
    try:
        yield apply_redaction(samples, rate, intervals, spec, in_place=True)
    finally:
        for a, b, original in saved:
            samples[a:b] = original


_BLOCK = 1 << 20  # frames per write block


def _to_int16(block: np.ndarray) -> np.ndarray:
    """Full-scale floats to 16-bit PCM; k / 32768 maps back to k exactly."""
    return np.ascontiguousarray(np.clip(np.round(block * 32768.0), -32768, 32767).astype(np.int16))


def write_audio(samples: np.ndarray, rate: int, path: Path | BinaryIO, fmt: str) -> None:
    """Encode ``samples`` as ``fmt`` into a file or an open binary file (memory)."""
    if fmt in ("flac", "wav"):
        import soundfile as sf

        dest: Any = str(path) if isinstance(path, Path) else path
        with sf.SoundFile(
            dest, "w", rate, samples.shape[1], subtype="PCM_16", format=fmt.upper()
        ) as f:
            for start in range(0, len(samples), _BLOCK):  # blockwise: no full-size int copy
                f.write(_to_int16(samples[start : start + _BLOCK]))
        return
    _write_av(samples, rate, path, fmt)


def _write_av(samples: np.ndarray, rate: int, path: Path | BinaryIO, fmt: str) -> None:
    import av

    codec = "libmp3lame" if fmt == "mp3" else "libopus"
    out_rate = rate if fmt == "mp3" or rate in _OPUS_RATES else 48000
    n_ch = samples.shape[1]
    layout = "mono" if n_ch == 1 else "stereo"
    dest: Any = str(path) if isinstance(path, Path) else path
    with av.open(dest, "w", format="mp3" if fmt == "mp3" else "ogg") as container:
        stream: Any = container.add_stream(codec, rate=out_rate, layout=layout)
        frame_len = 4096
        for start in range(0, len(samples), frame_len):
            chunk = _to_int16(samples[start : start + frame_len]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout=layout)
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def write_redacted_audio(
    src: Path,
    dest_dir: Path,
    *,
    recording_id: str,
    policy: str,
    intervals: Sequence[Interval],
    spec: AudioRedaction,
    fmt: str,
    samples: tuple[np.ndarray, int] | None = None,
) -> SealedAudio:
    """Write the redacted copy of ``src``, sealed (``redactor.audio_file``); return the file
    (path, key, sha256 of the sealed bytes).

    The name is the recording id, the policy and a random part (never anything from the
    content): a re-run writes a new file and the old one is removed only after the new rows
    are committed. ``samples`` (from ``read_audio``) saves decoding ``src`` again.
    """
    data, rate = samples if samples is not None else read_audio(src)
    encoded = io.BytesIO()  # in memory: plaintext audio never reaches the disk
    with redacted_in_place(data, rate, intervals, spec) as redacted:
        write_audio(redacted, rate, encoded, fmt)
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / f"{recording_id}.{policy}.{uuid.uuid4().hex[:8]}.redacted.{fmt}"
    return write_sealed(path, encoded.getbuffer().tobytes(), recording_id)


@dataclass(frozen=True, slots=True)
class _PolicyAudio:
    redacted: RedactedTranscript
    spec: AudioRedaction
    intervals: tuple[Interval, ...]
    words_of_values: frozenset[str]  # for the audio check


@dataclass
class PendingAudio:
    """A recording's redacted audio files, planned (one per policy that wants audio) and not
    written yet: ``write_audio_artifacts`` writes and checks the files of many recordings
    together. The source is read on the first write; with ``hold`` it is kept until the
    files are done (a widening rewrites from it), else read again for each rewrite."""

    src: Path
    artifact_root: Path
    recording_id: str
    fmt: str
    policies: list[_PolicyAudio]
    hold: bool = True  # keep the source between writes (else read it again for a rewrite)
    _source: tuple[np.ndarray, int] | None = None

    @property
    def checked(self) -> bool:
        return any(p.spec.check != "off" for p in self.policies)

    def write(self, item: _PolicyAudio, intervals: Sequence[Interval]) -> SealedAudio:
        source = self._source if self._source is not None else read_audio(self.src)
        self._source = source if self.hold else None
        return write_redacted_audio(
            self.src,
            self.artifact_root / self.recording_id,
            recording_id=self.recording_id,
            policy=item.redacted.policy,
            intervals=intervals,
            spec=item.spec,
            fmt=self.fmt,
            samples=source,
        )

    def release(self) -> None:
        self._source = None


def plan_audio(
    src: Path,
    artifact_root: Path,
    *,
    recording_id: str,
    raw: Transcript,
    redactions: Sequence[tuple[AudioRedaction, RedactedTranscript]],
    options: AudioOptions,
    speakers: Sequence[str] = (),
) -> PendingAudio:
    """The redacted audio files of one recording, one per policy that wants audio.

    ``speakers`` are the channel names in channel order (stereo: one speaker per channel), so
    a span is bleeped only on its speaker's channel."""
    from redactor.audio_check import value_words

    channel_of = {name: i for i, name in enumerate(speakers)} if len(speakers) > 1 else None
    items = []
    for policy_spec, red in redactions:
        spec = options.resolve(policy_spec)
        if options.enabled and spec.enabled:
            intervals = tuple(redaction_intervals(raw, red, channel_of))
            items.append(_PolicyAudio(red, spec, intervals, value_words(raw, red)))
    return PendingAudio(src, artifact_root, recording_id, options.format, items)


def write_audio_artifacts(
    pending: Sequence[PendingAudio], transcriber: Transcriber | None = None
) -> list[tuple[list[NewArtifact], list[Path]]]:
    """Write the planned files of every recording; return, per recording, its artifact rows
    and files.

    With a ``transcriber``, the file of a policy whose audio check is on is verified
    (``redactor.audio_check``), the files of all the recordings in one ``verify_all`` (their
    windows share the check's tracks), and an ``audio_check`` row records the result;
    ``require`` withholds audio that did not pass. On an error every file written is removed;
    the caller deletes the files if its store transaction fails."""
    from redactor.audio_check import PRODUCER as CHECKER
    from redactor.audio_check import AudioCheck, CheckJob, verify_all

    done: dict[tuple[int, int], tuple[SealedAudio, AudioCheck | None]] = {}
    jobs: list[tuple[tuple[int, int], CheckJob]] = []
    try:
        for r, rec in enumerate(pending):
            # one recording keeps its source for its rewrites; a batch reads a source again
            # for the few files a widening rewrites, rather than hold every recording's
            rec.hold = len(pending) == 1
            for i, item in enumerate(rec.policies):
                write = partial(rec.write, item)
                if item.spec.check != "off" and transcriber is not None:
                    jobs.append(
                        ((r, i), CheckJob(write, item.intervals, item.spec.padding_s,
                                          item.words_of_values))
                    )  # fmt: skip
                else:
                    done[(r, i)] = (write(item.intervals), None)
        checked = (
            verify_all([job for _key, job in jobs], transcriber)
            if jobs and transcriber is not None
            else []
        )
        done.update(zip((key for key, _job in jobs), checked, strict=True))
    except BaseException:
        for sealed, _check in done.values():
            sealed.path.unlink(missing_ok=True)
        raise
    finally:
        for rec in pending:
            rec.release()
    out: list[tuple[list[NewArtifact], list[Path]]] = []
    for r, rec in enumerate(pending):
        rows: list[NewArtifact] = []
        written: list[Path] = []
        for i, item in enumerate(rec.policies):
            sealed, check = done[(r, i)]
            red, spec = item.redacted, item.spec
            producer = [red.detector, *red.operators, f"{PRODUCER}+{spec.mode}", SEALED_FORMAT]
            if check is not None:
                if not (check.passed or spec.check != "require"):
                    sealed.path.unlink(missing_ok=True)
                    check = replace(check, published=False)
                producer.append(CHECKER)
                rows.append(
                    NewArtifact(
                        ArtifactKind.AUDIO_CHECK,
                        DataCategory.REDACTED,
                        [CHECKER],
                        policy=red.policy,
                        body=json.dumps(check.as_dict()).encode(),
                    )
                )
                if not check.published:
                    continue
            written.append(sealed.path)
            rows.append(
                NewArtifact(
                    ArtifactKind.REDACTED_AUDIO,
                    DataCategory.REDACTED,
                    producer,
                    policy=red.policy,
                    path=sealed.path.relative_to(rec.artifact_root).as_posix(),
                    sha256=sealed.sha256,
                    body=key_body(sealed.key) if sealed.key is not None else None,
                )
            )
        out.append((rows, written))
    return out
