"""Ingest: find inputs, read their metadata, decode audio to 16 kHz mono float32 per channel.

Inputs are audio files (wav, flac, mp3, m4a, ogg) or existing transcripts and message logs
(any format ``redactor.formats`` reads, recognised by content). A folder is walked. Metadata comes from CLI flags, overridden per file by a
JSON sidecar ``<file>.meta.json`` (or ``<stem>.meta.json``) next to the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from redactor.errors import InputError
from redactor.types import Participant, RecordingMeta

__all__ = [
    "AUDIO_SUFFIXES",
    "TRANSCRIPT_SUFFIXES",
    "DecodedAudio",
    "SourceFile",
    "audio_fingerprint",
    "decode_audio",
    "decode_stretches",
    "decoded_channels",
    "discover",
    "file_sha256",
    "load_sidecar",
    "text_fingerprint",
    "validate_id",
]

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".webm"})
# Transcript files are recognised by content; these extensions only pick them out of folders.
TRANSCRIPT_SUFFIXES = frozenset({".vtt", ".srt", ".json", ".jsonl", ".txt", ".csv"})
SAMPLE_RATE = 16_000
MAX_INPUT_BYTES = 2 * 1024**3  # 2 GiB: beyond this, refuse rather than exhaust memory

_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


def validate_id(value: str, what: str = "recording id") -> str:
    """Accept only ids that are safe as file names and URL parts (no ``..``, no slashes)."""
    if not isinstance(value, str) or not _ID_RE.fullmatch(value) or ".." in value:
        raise InputError(
            f"invalid {what}: must be 1-128 characters of letters, digits, '_', '-', '.', "
            "starting with a letter or digit, without '..'"
        )
    return value


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    kind: str  # "audio" | "transcript"
    sha256: str
    meta: RecordingMeta

    @property
    def recording_id(self) -> str:
        return self.meta.recording_id or f"rec-{self.sha256[:20]}"


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    """Decoded audio, one float32 array per channel at 16 kHz."""

    channels: tuple[np.ndarray, ...]
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return len(self.channels[0]) / self.sample_rate if self.channels else 0.0

    def __repr__(self) -> str:
        return f"DecodedAudio({len(self.channels)} ch, {self.duration_s:.2f}s)"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# Content fingerprints, kept in a tombstone so the purged call is refused in any other form:
# versioned because a change of normalisation changes every fingerprint.
FINGERPRINT_VERSION = "fp1"


def text_fingerprint(data: bytes) -> str | None:
    """A transcript file's text with line endings and whitespace normalised (None if empty).

    A byte-order mark, CRLF or CR line endings, blank lines and runs of spaces or tabs do not
    change it, so the purged file re-sent with another line ending or an extra newline is
    recognised; any change to a word or a timing does.
    """
    text = data.decode("utf-8-sig", errors="replace")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    norm = "\n".join(line for line in lines if line)
    if not norm:
        return None  # two empty files are not the same call
    return f"{FINGERPRINT_VERSION}:text:" + hashlib.sha256(norm.encode()).hexdigest()


_FINGERPRINT_BLOCK = 1 << 20  # samples


def audio_fingerprint(audio: DecodedAudio) -> str | None:
    """A hash of the decoded 16 kHz PCM (int16), whatever the container or encoding.

    Lossless re-encodings (WAV, FLAC, another header) decode to the same samples; all-silent
    audio has no fingerprint (two silent calls of one length are not the same call).
    """
    h = hashlib.sha256(f"{len(audio.channels)}:{audio.sample_rate}".encode())
    loud = False
    for ch in audio.channels:
        for i in range(0, len(ch), _FINGERPRINT_BLOCK):  # blocks: the hour never held 4 times
            pcm = np.round(np.clip(ch[i : i + _FINGERPRINT_BLOCK], -1.0, 1.0) * 32767).astype("<i2")
            loud |= bool(np.any(pcm))
            h.update(pcm.tobytes())
    return f"{FINGERPRINT_VERSION}:pcm:" + h.hexdigest() if loud else None


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(".meta.json")


def _kind(path: Path) -> str | None:
    """Audio by extension; any other named file is read as a transcript, chosen by content."""
    if _is_sidecar(path):
        return None
    return "audio" if path.suffix.lower() in AUDIO_SUFFIXES else "transcript"


def _walked(path: Path) -> bool:
    """In a folder, only files with a known extension are inputs (not notes or sidecars)."""
    return (
        path.is_file()
        and _kind(path) is not None
        and (path.suffix.lower() in AUDIO_SUFFIXES | TRANSCRIPT_SUFFIXES)
    )


def discover(paths: Iterable[Path]) -> Iterator[Path | InputError]:
    """Yield input files, walking folders; yield an InputError for a path that can't be used."""
    for path in paths:
        if not path.exists():
            yield InputError(f"{path}: no such file or directory", path=path)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if _walked(p))
            if not found:
                yield InputError(f"{path}: folder has no audio or transcript files", path=path)
            yield from found
        elif _kind(path) is None:
            yield InputError(f"{path}: a metadata sidecar, not an input file", path=path)
        else:
            yield path


def load_sidecar(path: Path, base: RecordingMeta) -> RecordingMeta:
    """Overlay a JSON sidecar (``call.flac.meta.json`` or ``call.meta.json``) on ``base``."""
    for candidate in (path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")):
        if candidate.is_file():
            break
    else:
        return base
    try:
        data = json.loads(candidate.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{candidate}: sidecar is not valid UTF-8 JSON ({type(exc).__name__})"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{candidate}: sidecar must be a JSON object")
    participants = base.participants
    if "participants" in data:
        raw = data["participants"]
        if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
            raise InputError(f"{candidate}: 'participants' must be a list of objects")
        participants = tuple(
            Participant(
                name=str(p.get("name", "")),
                identifier=str(p.get("identifier", "")),
                role=str(p.get("role", "")),
                channel=p.get("channel") if isinstance(p.get("channel"), int) else None,
                opted_out=bool(p.get("opted_out", False)),
            )
            for p in raw
        )
    rec_id = data.get("recording_id", data.get("id", base.recording_id))
    if rec_id is not None:
        validate_id(str(rec_id))
    speakers = data.get("speakers", base.speakers)
    if not isinstance(speakers, list | tuple) or not all(isinstance(s, str) for s in speakers):
        raise InputError(f"{candidate}: 'speakers' must be a list of strings")
    host = str(data.get("host", base.host))
    validate_id(host, "host id")
    return replace(
        base,
        host=host,
        recording_id=None if rec_id is None else str(rec_id),
        consent_training=bool(data.get("consent_training", base.consent_training)),
        participants=participants,
        speakers=tuple(speakers),
    )


def source_file(path: Path, base: RecordingMeta) -> SourceFile:
    """Check a discovered file and read its metadata; raises InputError naming the file."""
    kind = _kind(path)
    if kind is None:
        raise InputError(f"{path}: unsupported file type")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: file is empty (0 bytes)")
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: file is too large ({size} bytes; limit {MAX_INPUT_BYTES})")
    meta = load_sidecar(path, base)
    return SourceFile(path=path, kind=kind, sha256=file_sha256(path), meta=meta)


def decode_audio(
    path: Path, *, split_stereo: bool = True, data: bytes | None = None
) -> DecodedAudio:
    """Decode with PyAV to 16 kHz float32, as faster-whisper's ``decode_audio`` does (the same
    resampler, the same samples); stereo (or more, mixed down) gives two channels.

    Streamed: 16-bit blocks, then one float32 array per channel, so an hour of 16 kHz mono
    peaks at 345 MB here (faster-whisper's own decoder held 575 MB while it converted).
    ``data``: the file's content when it is not readable from ``path`` as it is (a sealed
    redacted audio file, decrypted in memory); ``path`` then only names it in errors.
    """
    width = decoded_channels(path, data=data) if split_stereo else 1
    blocks = deque(_pcm_blocks(path, data, width))
    n = sum(len(b) for b in blocks)
    if not n:
        raise InputError(f"{path}: audio has no samples")
    channels = tuple(np.empty(n, np.float32) for _ in range(width))
    pos = 0
    while blocks:
        block = blocks.popleft()  # each block let go once converted
        for ch, out in enumerate(channels):
            out[pos : pos + len(block)] = block[:, ch] / np.float32(32768)
        pos += len(block)
    return DecodedAudio(channels=channels)


def decoded_channels(path: Path, *, data: bytes | None = None) -> int:
    """How many channels ``decode_audio`` gives: 2 for stereo (or more, mixed down), else 1."""
    import av

    try:
        source: Any = str(path) if data is None else io.BytesIO(data)
        with av.open(source, metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"{path}: no audio stream")
            return 2 if (container.streams.audio[0].codec_context.channels or 1) >= 2 else 1
    except InputError:
        raise
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        raise InputError(f"{path}: cannot decode audio ({type(exc).__name__})") from None


def decode_stretches(
    path: Path, stretches: Sequence[tuple[int, float, float]], *, data: bytes | None = None
) -> list[np.ndarray]:
    """The samples of each ``(channel, start s, end s)`` stretch as ``decode_audio`` gives
    them, from one streaming pass over the file.

    Only the stretches are kept: hearing a few seconds around each bleep of an hour's
    redacted audio holds those seconds, not the hour. A stretch past the end is cut short
    there. ``data`` and errors: as for ``decode_audio``.
    """
    bounds = [(ch, int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)) for ch, a, b in stretches]
    parts = [np.zeros(max(0, hi - lo), np.float32) for _ch, lo, hi in bounds]
    width = decoded_channels(path, data=data)
    if any(not 0 <= ch < width for ch, _lo, _hi in bounds):
        raise InputError(f"{path}: has {width} channel(s); a stretch asks for another")
    pos = 0  # samples per channel decoded so far
    for block in _pcm_blocks(path, data, width):
        for part, (ch, lo, hi) in zip(parts, bounds, strict=True):
            a, b = max(lo, pos), min(hi, pos + len(block))
            if a < b:
                part[a - lo : b - lo] = block[a - pos : b - pos, ch] / np.float32(32768)
        pos += len(block)
    return [part[: max(0, pos - lo)] for part, (_ch, lo, _hi) in zip(parts, bounds, strict=True)]


def _pcm_blocks(path: Path, data: bytes | None, width: int) -> Iterator[np.ndarray]:
    """The audio as 16-bit 16 kHz blocks of shape (frames, width): faster-whisper's
    resampler (mono, or stereo with more channels mixed down), a decoded frame at a time.
    Frames that fail to decode are skipped, as faster-whisper's decoder skips them."""
    import av

    try:
        source: Any = str(path) if data is None else io.BytesIO(data)
        with av.open(source, metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"{path}: no audio stream")
            resampler = av.audio.resampler.AudioResampler(
                format="s16", layout="stereo" if width == 2 else "mono", rate=SAMPLE_RATE
            )
            frames = container.decode(audio=0)
            while True:
                try:
                    frame = next(frames)
                except StopIteration:
                    frame = None  # flushes the resampler
                except av.error.InvalidDataError:
                    continue
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1, width)
                if frame is None:
                    return
    except InputError:
        raise
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        raise InputError(f"{path}: cannot decode audio ({type(exc).__name__})") from None
