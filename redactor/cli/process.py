"""``redactor process PATH...``: run the whole pipeline on recordings or transcript files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from redactor.cli import runopts as o
from redactor.cli.app import StoreOpt, app, err_console
from redactor.cli.batch import BatchProgress, run_batch, worker_warning
from redactor.executors import ProcessResult
from redactor.ingest import validate_id
from redactor.runs import build_run
from redactor.types import RecordingMeta


@app.command()
def process(
    paths: Annotated[list[Path], typer.Argument(help="Audio or transcript files, or folders.")],
    pipeline: o.PipelineOpt = None,
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
    whisper_model: o.WhisperOpt = None,
    spacy_model: o.SpacyOpt = None,
    models: o.ModelsOpt = None,
    force: Annotated[bool, typer.Option(help="Re-process files already stored.")] = False,
    allow_purged: Annotated[
        bool, typer.Option(help="Allow re-ingesting a purged recording (explicit override).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    policy: o.PolicyOpt = None,
    allow_language: o.LanguageOpt = None,
    audio: o.AudioOpt = None,
    audio_format: o.AudioFormatOpt = None,
    audio_mode: o.AudioModeOpt = None,
    audio_padding_ms: o.AudioPaddingOpt = None,
    workers: o.WorkersOpt = None,
    executor: o.ExecutorOpt = None,
    ray_address: o.RayAddressOpt = None,
    cpus_per_worker: o.CpusOpt = None,
    gpus_per_worker: o.GpusOpt = None,
) -> None:
    """Ingest recordings or transcripts, transcribe, detect, redact and store them.

    The run comes from a pipeline file (--pipeline; `redactor pipelines show` prints it with
    the options applied); each option below overrides the file. Prints one line per input:
    <recording id> TAB <status> TAB <path>. Status is done, skipped (already stored), failed,
    or refused (purged, or in a language not allowed). Exit code 2 if any input was bad.
    """
    if recording_id is not None:
        validate_id(recording_id)
        if len(paths) != 1 or paths[0].is_dir():
            raise typer.BadParameter("--id needs exactly one input file", param_hint="--id")
    validate_id(host, "host id")
    # Before the store is opened: a bad pipeline, policy or option must not create or change
    # anything (build_run checks them all without loading a model or opening the store).
    run = build_run(
        pipeline,
        o.overrides(
            store=store,
            whisper_model=whisper_model,
            spacy_model=spacy_model,
            policy=policy,
            allow_language=allow_language,
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
        ),
    )
    meta = RecordingMeta(
        host=host,
        recording_id=recording_id,
        consent_training=consent_training,
        speakers=tuple(s.strip() for s in speakers.split(",")) if speakers else (),
    )
    if warning := worker_warning(run):
        err_console.print(warning, markup=False)
    total, results = run_batch(run, paths, meta, force=force, allow_purged=allow_purged)
    worst = 0
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
