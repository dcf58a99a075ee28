"""``redactor process PATH...``: run the whole pipeline on recordings or transcript files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from redactor.audio import AUDIO_FORMATS, AUDIO_MODES, AudioOptions
from redactor.cli.app import StoreOpt, app, err_console
from redactor.cli.batch import BatchProgress, run_batch, worker_warning
from redactor.ingest import validate_id
from redactor.language import DEFAULT_LANGUAGES
from redactor.models import WhisperSpec
from redactor.pipelines import LocalPipeline, ProcessResult
from redactor.pipelines.pool import PipelineSpec
from redactor.policy import DEFAULT_POLICIES, load_policy
from redactor.store import open_store
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta


@app.command()
def process(
    paths: Annotated[list[Path], typer.Argument(help="Audio or transcript files, or folders.")],
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Host (tenant) that owns the recordings.")] = "default",
    recording_id: Annotated[
        str | None, typer.Option("--id", help="Recording id (single input only).")
    ] = None,
    consent_training: Annotated[
        bool,
        typer.Option(
            "--consent-training/--no-consent-training", help="Host consents to AI-training use."
        ),
    ] = False,
    speakers: Annotated[
        str | None, typer.Option(help="Comma-separated channel names, e.g. agent,customer.")
    ] = None,
    whisper_model: Annotated[
        str | None,
        typer.Option(
            envvar="REDACTOR_WHISPER_MODEL", help="CTranslate2 Whisper directory or model name."
        ),
    ] = None,
    spacy_model: Annotated[
        str | None, typer.Option(envvar="REDACTOR_SPACY_MODEL", help="spaCy pipeline name.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Re-process files already stored.")] = False,
    allow_purged: Annotated[
        bool, typer.Option(help="Allow re-ingesting a purged recording (explicit override).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy",
            help="Redaction policy by name or .toml path; repeat for several "
            f"[default: {', '.join(DEFAULT_POLICIES)}].",
            show_default=False,
        ),
    ] = None,
    allow_language: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-language",
            help="Also process inputs in this language (ISO 639-1 code, e.g. de; repeat for "
            "several) with the configured models; others are refused [default: en only].",
            show_default=False,
        ),
    ] = None,
    audio: Annotated[
        bool, typer.Option("--audio/--no-audio", help="Write redacted audio for audio inputs.")
    ] = True,
    audio_format: Annotated[
        str, typer.Option(help=f"Redacted audio format: {', '.join(AUDIO_FORMATS)}.")
    ] = "flac",
    audio_mode: Annotated[
        str | None,
        typer.Option(
            help=f"Override the policy's audio mode: {', '.join(AUDIO_MODES)}.",
            show_default=False,
        ),
    ] = None,
    audio_padding_ms: Annotated[
        float | None,
        typer.Option(help="Override the policy's padding around each span (ms, default 150)."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes (local) or actors (ray), each loading the models once."
        ),
    ] = 1,
    executor: Annotated[
        str, typer.Option(help="Where files run: local (process pool) or ray (Ray actors).")
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="Ray cluster to join, e.g. ray://head:10001 [default: start a local Ray]."
        ),
    ] = None,
    cpus_per_worker: Annotated[
        float, typer.Option(min=0.01, help="CPUs reserved per Ray actor.")
    ] = 1.0,
    gpus_per_worker: Annotated[
        float, typer.Option(min=0.0, help="GPUs per Ray actor (>0 runs Whisper on CUDA).")
    ] = 0.0,
) -> None:
    """Ingest recordings or transcripts, transcribe, detect, redact and store them.

    Prints one line per input: <recording id> TAB <status> TAB <path>. Status is done,
    skipped (already stored), failed, or refused (purged, or in a language not allowed).
    Exit code 2 if any input was bad.
    """
    if recording_id is not None:
        validate_id(recording_id)
        if len(paths) != 1 or paths[0].is_dir():
            raise typer.BadParameter("--id needs exactly one input file", param_hint="--id")
    validate_id(host, "host id")
    # Before the store is opened: a bad policy or option must not create or change anything.
    policies = tuple(load_policy(n) for n in dict.fromkeys(policy or DEFAULT_POLICIES))
    audio_options = AudioOptions(
        enabled=audio,
        format=audio_format,
        mode=audio_mode,
        padding_s=None if audio_padding_ms is None else audio_padding_ms / 1000,
    )
    languages = DEFAULT_LANGUAGES | {code.strip().lower() for code in allow_language or ()}
    if bad := sorted(c for c in languages if not re.fullmatch(r"[a-z]{2,3}", c)):
        raise typer.BadParameter(
            f"not an ISO 639 language code: {', '.join(bad)}", param_hint="--allow-language"
        )
    meta = RecordingMeta(
        host=host,
        recording_id=recording_id,
        consent_training=consent_training,
        speakers=tuple(s.strip() for s in speakers.split(",")) if speakers else (),
    )
    from redactor.detect import Detector

    pipeline = LocalPipeline(
        store=open_store(store),
        transcriber=FasterWhisperTranscriber(WhisperSpec(model=whisper_model or "")),
        detector=Detector(spacy_model=spacy_model),
        policies=policies,
        audio=audio_options,
        languages=frozenset(languages),
    )
    worst = 0
    # Workers and actors build their own pipeline like this one (policies, audio options).
    spec = PipelineSpec.like(
        pipeline,
        store=store,
        whisper=WhisperSpec(model=whisper_model or ""),
        spacy_model=spacy_model,
    )
    if warning := worker_warning(workers, executor):
        err_console.print(warning, markup=False)
    total, results = run_batch(
        pipeline,
        paths,
        meta,
        spec=spec,
        workers=workers,
        executor=executor,
        ray_address=ray_address,
        cpus_per_worker=cpus_per_worker,
        gpus_per_worker=gpus_per_worker,
        force=force,
        allow_purged=allow_purged,
    )
    show_bar = err_console.is_terminal and total > 1
    with BatchProgress(err_console, total, enabled=show_bar) as progress:
        for result in results:
            progress.update(result)
            _print(result, as_json)
            worst = max(worst, result.exit_code)
    if total > 1:
        err_console.print(progress.summary.line(), markup=False)
    raise typer.Exit(worst)


def _print(result: ProcessResult, as_json: bool) -> None:
    if result.error:
        err_console.print(f"error: {result.error}", markup=False)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "id": result.recording_id,
                    "status": result.status,
                    "path": str(result.path),
                    "error": result.error,
                }
            )
        )
    else:
        typer.echo(f"{result.recording_id or '-'}\t{result.status}\t{result.path}")
