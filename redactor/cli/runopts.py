"""The options that shape a run, shared by ``redactor process`` and ``redactor pipelines show``.

Every one defaults to ``None``: "whatever the pipeline file (or the environment) says". The
values are passed to ``redactor.runs.build_run`` as ``RunOverrides``; no option reads an
environment variable itself.
"""

from __future__ import annotations

from typing import Annotated

import typer

from redactor.audio import AUDIO_FORMATS, AUDIO_MODES
from redactor.runs import RunOverrides
from redactor.runs.config import EXECUTOR_NAMES

__all__ = [
    "AudioFormatOpt",
    "AudioModeOpt",
    "AudioOpt",
    "AudioPaddingOpt",
    "CpusOpt",
    "ExecutorOpt",
    "GpusOpt",
    "LanguageOpt",
    "ModelsOpt",
    "PipelineOpt",
    "PolicyOpt",
    "RayAddressOpt",
    "SpacyOpt",
    "WhisperOpt",
    "WorkersOpt",
    "overrides",
]

PipelineOpt = Annotated[
    str | None,
    typer.Option(
        "--pipeline",
        help="Run definition: a name (redactor pipelines list) or a .toml path "
        "[default: REDACTOR_PIPELINE, else default].",
        show_default=False,
    ),
]
ModelsOpt = Annotated[
    str | None,
    typer.Option(
        "--models", help="Model manifest (.toml) instead of the shipped one.", show_default=False
    ),
]
WhisperOpt = Annotated[
    str | None,
    typer.Option(help="Speech model: manifest name, CTranslate2 directory or model name."),
]
SpacyOpt = Annotated[
    str | None, typer.Option(help="NER model: manifest name or installed spaCy pipeline name.")
]
PolicyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        help="Redaction policy by name or .toml path; repeat for several "
        "[default: the pipeline's, support and training].",
        show_default=False,
    ),
]
LanguageOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-language",
        help="Also process inputs in this language (ISO 639-1 code, e.g. de; repeat for "
        "several) with the configured models; others are refused [default: the pipeline's "
        "languages, en].",
        show_default=False,
    ),
]
AudioOpt = Annotated[
    bool | None,
    typer.Option(
        "--audio/--no-audio",
        help="Write redacted audio for audio inputs [default: the pipeline's].",
        show_default=False,
    ),
]
AudioFormatOpt = Annotated[
    str | None,
    typer.Option(help=f"Redacted audio format: {', '.join(AUDIO_FORMATS)} [default: flac]."),
]
AudioModeOpt = Annotated[
    str | None,
    typer.Option(
        help=f"Override the policy's audio mode: {', '.join(AUDIO_MODES)}.", show_default=False
    ),
]
AudioPaddingOpt = Annotated[
    float | None,
    typer.Option(help="Override the policy's padding around each span (ms, default 150)."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Worker processes (pool) or actors (ray), each loading the models once [default: 1].",
    ),
]
ExecutorOpt = Annotated[
    str | None,
    typer.Option(
        help=f"Where files run: {', '.join(EXECUTOR_NAMES)} (local: inline for one worker, "
        "a process pool for more) [default: local].",
        show_default=False,
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(help="Ray cluster to join, e.g. ray://head:10001 [default: start a local Ray]."),
]
CpusOpt = Annotated[
    float | None, typer.Option(min=0.01, help="CPUs reserved per Ray actor [default: 1].")
]
GpusOpt = Annotated[
    float | None,
    typer.Option(min=0.0, help="GPUs per Ray actor (>0 runs Whisper on CUDA) [default: 0]."),
]


def overrides(
    *,
    store: str | None = None,
    whisper_model: str | None = None,
    spacy_model: str | None = None,
    policy: list[str] | None = None,
    allow_language: list[str] | None = None,
    audio: bool | None = None,
    audio_format: str | None = None,
    audio_mode: str | None = None,
    audio_padding_ms: float | None = None,
    executor: str | None = None,
    workers: int | None = None,
    ray_address: str | None = None,
    cpus_per_worker: float | None = None,
    gpus_per_worker: float | None = None,
    models: str | None = None,
) -> RunOverrides:
    return RunOverrides(
        store=store,
        whisper_model=whisper_model,
        spacy_model=spacy_model,
        policies=tuple(policy) if policy else None,
        allow_languages=tuple(allow_language or ()),
        audio=audio,
        audio_format=audio_format,
        audio_mode=audio_mode,
        audio_padding_ms=audio_padding_ms,
        executor=executor,
        workers=workers,
        ray_address=ray_address,
        cpus_per_worker=cpus_per_worker,
        gpus_per_worker=gpus_per_worker,
        models=models,
    )
