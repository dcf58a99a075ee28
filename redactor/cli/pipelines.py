"""``redactor pipelines list|show``: the run definitions, and a run as it would execute."""

from __future__ import annotations

import tomllib
from typing import Annotated

import typer

from redactor.cli import runopts as o
from redactor.cli.app import StoreOpt, app
from redactor.runs import build_run, known_pipelines, read_environment, render_run

pipelines_app = typer.Typer(help="Run definitions (pipelines/*.toml): list them, show one.")
app.add_typer(pipelines_app, name="pipelines")


@pipelines_app.command("list")
def list_pipelines() -> None:
    """One line per known pipeline: name TAB description TAB file."""
    for name, path in known_pipelines(read_environment().pipeline_dir).items():
        try:
            description = str(
                tomllib.loads(path.read_text(encoding="utf-8")).get("description", "")
            )
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            description = "(unreadable: see redactor pipelines show)"
        typer.echo(f"{name}\t{description}\t{path}")


@pipelines_app.command("show")
def show_pipeline(
    pipeline: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME|PATH]", help="Pipeline name or .toml path [default: default]."
        ),
    ] = None,
    verify: Annotated[
        bool, typer.Option(help="Also check the run's models against the manifest (every hash).")
    ] = False,
    store: StoreOpt = None,
    whisper_model: o.WhisperOpt = None,
    spacy_model: o.SpacyOpt = None,
    models: o.ModelsOpt = None,
    policy: o.PolicyOpt = None,
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
    """Print the resolved run as TOML: the file with the environment and these options
    applied, exactly what `redactor process --pipeline ...` with the same options runs."""
    run = build_run(
        pipeline,
        o.overrides(
            store=store,
            whisper_model=whisper_model,
            spacy_model=spacy_model,
            policy=policy,
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
    typer.echo(render_run(run), nl=False)
    if verify:
        from redactor.models import load_manifest

        manifest = load_manifest(run.models.manifest)
        for kind, name in (("whisper", run.models.whisper), ("spacy", run.models.spacy)):
            entry = manifest.entry(kind, name)
            if entry is None:
                typer.echo(f"# {kind} model {name!r}: not in the manifest, not checked")
                continue
            path = entry.verify(full=True)
            typer.echo(f"# {kind} model {name!r}: {len(entry.files)} files match ({path})")
