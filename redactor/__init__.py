"""redactor: transcribe recordings, redact personal data in transcripts and audio, purge.

The public surface is ``__all__``: the typed seams between stages and one entry point per
stage. Heavy modules (Whisper, spaCy, Presidio, FastAPI) load on first use, so importing the
package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from redactor.errors import InputError, NotFoundError, PurgedError, RedactorError, StoreError
from redactor.types import (
    Participant,
    RecordingMeta,
    RedactedSegment,
    RedactedTranscript,
    Segment,
    Span,
    TextSpan,
    Transcript,
    Word,
)

__version__ = "0.1.0"

# name -> module that defines it (imported on first access). No name here may equal a
# submodule's (``purge``): importing the submodule would rebind the package attribute to it;
# purging is ``redactor.purge.purge``.
_LAZY = {
    "Detector": "redactor.detect",
    "PresidioDetector": "redactor.detect",
    "FasterWhisperTranscriber": "redactor.transcribe",
    "LocalPipeline": "redactor.executors",
    "Policy": "redactor.policy",
    "load_policy": "redactor.policy",
    "Store": "redactor.store",
    "open_store": "redactor.store",
    "render": "redactor.formats",
    "read_transcript": "redactor.formats",
    "verify_purge": "redactor.purge",
    "ExtractiveSummarizer": "redactor.summarize",
    "export_dataset": "redactor.dataset",
    "create_app": "redactor.web.app",
}

__all__ = [
    "InputError",
    "NotFoundError",
    "Participant",
    "PurgedError",
    "RecordingMeta",
    "RedactedSegment",
    "RedactedTranscript",
    "RedactorError",
    "Segment",
    "Span",
    "StoreError",
    "TextSpan",
    "Transcript",
    "Word",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'redactor' has no attribute {name!r}")
