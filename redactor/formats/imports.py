"""Read an existing transcript or message log into a raw ``Transcript``, chosen by content.

The file's text is sniffed, not its extension: JSON by its keys (one reader module per
vendor family), then captions (``WEBVTT`` header, numbered SRT cues), then message logs,
then plain-text transcript layouts. Only where none matches does the extension speak: a
``.vtt``/``.srt`` file is then read as captions, so its error says what is malformed. A file
no reader accepts is refused (exit 2) with the list of accepted formats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.assemblyai import read_assemblyai, sniff_assemblyai
from redactor.formats.aws import read_aws, sniff_aws
from redactor.formats.captions import read_captions, sniff_captions
from redactor.formats.deepgram import read_deepgram, sniff_deepgram
from redactor.formats.messages import read_messages, sniff_messages
from redactor.formats.revai import read_revai, sniff_revai
from redactor.formats.text import read_text, sniff_text
from redactor.formats.whisper import (
    read_hf_chunks,
    read_whisper,
    read_whispercpp,
    sniff_hf_chunks,
    sniff_whisper,
    sniff_whispercpp,
)
from redactor.types import Transcript

__all__ = ["ACCEPTED", "read_transcript"]

JsonReader = tuple[Callable[[Any], bool], Callable[[Path, Any], Transcript]]
# Order matters only where shapes overlap: AWS and Deepgram both have ``results``.
_JSON_READERS: tuple[JsonReader, ...] = (
    (sniff_aws, read_aws),
    (sniff_deepgram, read_deepgram),
    (sniff_assemblyai, read_assemblyai),
    (sniff_revai, read_revai),
    (sniff_whispercpp, read_whispercpp),
    (sniff_whisper, read_whisper),
    (sniff_hf_chunks, read_hf_chunks),
)

ACCEPTED = (
    "WebVTT",
    "SRT",
    "AWS Transcribe JSON",
    "Deepgram JSON",
    "AssemblyAI JSON",
    "Rev.ai JSON",
    "Whisper / faster-whisper / WhisperX / whisper-timestamped JSON",
    "whisper.cpp JSON",
    "Hugging Face pipeline chunks JSON",
    "text transcript (Name: text, [hh:mm:ss] Name: text, Teams, Zoom, diarized)",
    "message log (JSON lines, CSV, Zoom chat)",
)


def _unknown(path: Path, what: str) -> InputError:
    return InputError(f"{path}: {what}; accepted formats: {'; '.join(ACCEPTED)}", path=path)


def read_transcript(path: Path) -> Transcript:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8 text") from None
    head = text.lstrip()
    if head.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if data is not None:
            for sniff, read in _JSON_READERS:
                if sniff(data):
                    return read(path, data)
            if isinstance(data, dict) and sniff_messages(text) == "jsonl":  # a one-line log
                return read_messages(path, text, "jsonl")
            raise _unknown(path, "JSON of no known transcript format")
        if head.startswith("{") and sniff_messages(text) == "jsonl":
            return read_messages(path, text, "jsonl")
        if path.suffix.lower() in (".json", ".jsonl"):
            raise _unknown(path, "not valid JSON")
        # Not JSON after all: "[00:01:02] Name: text" lines also open with a bracket.
    captions = sniff_captions(text[:4096])
    if captions:
        return read_captions(path, captions)
    if layout := sniff_messages(text):
        return read_messages(path, text, layout)
    if layout := sniff_text(text):
        return read_text(path, text, layout)
    if path.suffix.lower() in (".vtt", ".srt"):  # say what is wrong with the captions
        return read_captions(path, path.suffix.lower()[1:])
    raise _unknown(path, "not a recognised transcript or message log")
