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
from collections.abc import Iterable, Iterator
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


def audio_fingerprint(audio: DecodedAudio) -> str | None:
    """A hash of the decoded 16 kHz PCM (int16), whatever the container or encoding.

    Lossless re-encodings (WAV, FLAC, another header) decode to the same samples; all-silent
    audio has no fingerprint (two silent calls of one length are not the same call).
    """
    h = hashlib.sha256(f"{len(audio.channels)}:{audio.sample_rate}".encode())
    loud = False
    for ch in audio.channels:
        pcm = np.round(np.clip(ch, -1.0, 1.0) * 32767).astype("<i2")
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
    """Decode with PyAV (through faster-whisper) to 16 kHz; stereo gives two channels.

    ``data``: the file's content when it is not readable from ``path`` as it is (a sealed
    redacted audio file, decrypted in memory); ``path`` then only names it in errors.
    """
    import av
    from faster_whisper.audio import decode_audio as fw_decode

    def source() -> Any:  # a fresh reader each time: decoding consumes it
        return str(path) if data is None else io.BytesIO(data)

    try:
        with av.open(source(), metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise InputError(f"{path}: no audio stream")
            channels = streams[0].codec_context.channels or 1
        if split_stereo and channels >= 2:
            left, right = fw_decode(source(), sampling_rate=SAMPLE_RATE, split_stereo=True)
            decoded: tuple[np.ndarray, ...] = (left, right)
        else:
            decoded = (fw_decode(source(), sampling_rate=SAMPLE_RATE),)
    except InputError:
        raise
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        raise InputError(f"{path}: cannot decode audio ({type(exc).__name__})") from None
    if not len(decoded[0]):
        raise InputError(f"{path}: audio has no samples")
    return DecodedAudio(channels=decoded)
