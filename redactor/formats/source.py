"""``show --format source``: the redacted transcript in the shape its input file had.

Each reader records the file's shape (``Transcript.source``: format, layout, key names; never
content) and each format's module writes that shape back from the redacted segments and
redacted words, so the user's downstream tools read the redacted file as they read the
original. Vendor fields the engine does not read (request ids, audio URLs, model info) are not
written: they are not redacted, and some identify the recording or the account.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from redactor.errors import InputError
from redactor.formats.assemblyai import write_assemblyai
from redactor.formats.aws import write_aws
from redactor.formats.deepgram import write_deepgram
from redactor.formats.export import render_captions
from redactor.formats.messages import write_messages
from redactor.formats.revai import write_revai
from redactor.formats.text import write_text
from redactor.formats.whisper import write_hf_chunks, write_whisper, write_whispercpp
from redactor.types import RedactedTranscript

__all__ = ["SOURCE_FORMATS", "render_source"]

_JSON: dict[str, Callable[[RedactedTranscript], Any]] = {
    "aws": write_aws,
    "deepgram": write_deepgram,
    "assemblyai": write_assemblyai,
    "whisper": write_whisper,
    "whispercpp": write_whispercpp,
    "hf-chunks": write_hf_chunks,
    "revai": write_revai,
}
_TEXT: dict[str, Callable[[RedactedTranscript], str]] = {
    "vtt": lambda t: render_captions(t, "vtt", t.source.get("layout", "voice")),
    "srt": lambda t: render_captions(t, "srt", t.source.get("layout", "name")),
    "text": write_text,
    "messages": write_messages,
}
SOURCE_FORMATS = tuple(sorted([*_JSON, *_TEXT]))


def render_source(t: RedactedTranscript, recording_id: str) -> str:
    fmt = str(t.source.get("format", ""))
    if fmt in _JSON:
        return json.dumps(_JSON[fmt](t), indent=2, ensure_ascii=False) + "\n"
    if fmt in _TEXT:
        return _TEXT[fmt](t)
    raise InputError(
        f"recording {recording_id} was not read from a transcript file (it came from audio, "
        "or was stored before source formats were kept); use --format json, vtt, srt or txt"
    )
