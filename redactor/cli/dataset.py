"""``redactor export-dataset OUT_DIR`` and ``redactor consent ID``: thin over ``redactor.dataset``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from redactor.cli.app import StoreOpt, app, err_console
from redactor.dataset import ExportGateError, export_dataset, set_opt_out, set_training_consent
from redactor.errors import InputError
from redactor.ingest import validate_id
from redactor.store import open_store

_AGE = re.compile(r"^(\d{1,5})([dhw])$")


def parse_since(value: str) -> datetime:
    """``2025-01-31``, ``2025-01-31T12:00:00+00:00`` (naive means UTC), or an age: ``30d``."""
    m = _AGE.match(value.strip())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"d": timedelta(days=n), "h": timedelta(hours=n), "w": timedelta(weeks=n)}[unit]
        return datetime.now(UTC) - delta
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"--since: {value!r} is not a date (2025-01-31), an ISO time, or an age (30d, 12h, 2w)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@app.command("export-dataset")
def export_dataset_cmd(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT_DIR", help="New (or empty) folder for the dataset.")
    ],
    store: StoreOpt = None,
    policy: Annotated[str, typer.Option(help="Redaction policy by name or .toml path.")] = (
        "training"
    ),
    since: Annotated[
        str | None,
        typer.Option(help="Only recordings stored since: 2025-01-31, an ISO time, or 30d."),
    ] = None,
    host: Annotated[str | None, typer.Option(help="Only this host's recordings.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the split assignment.")] = 0,
    max_drop_share: Annotated[
        float,
        typer.Option(help="Fail (exit 1) if the residual-PII gate drops more than this share."),
    ] = 0.05,
    rows_per_shard: Annotated[int, typer.Option(help="Rows per Parquet/JSONL shard.", min=1)] = (
        50_000
    ),
    license: Annotated[str, typer.Option(help="License id for the dataset card.")] = "other",
) -> None:
    """Write a Hugging Face dataset from consented, redacted transcripts.

    Takes recordings whose host consented to training and where no participant opted out,
    their transcripts redacted with the policy (surrogates by default), one row per
    utterance; drops duplicates and rows the residual-PII gate flags; splits by recording.
    Writes Parquet and JSONL shards under data/<split>/, README.md (dataset card),
    manifest.json and manifest.jsonl, then prints the report. Exit 1 when the gate dropped
    more than --max-drop-share of the rows (nothing is written then).
    """
    if host is not None:
        validate_id(host, "host id")
    when = parse_since(since) if since else None
    st = open_store(store)
    bar = Progress(
        TextColumn("export"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("recordings"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with bar:
        task = bar.add_task("export", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = export_dataset(
                st,
                out_dir,
                policy=policy,
                since=when,
                host=host,
                seed=seed,
                max_drop_share=max_drop_share,
                rows_per_shard=rows_per_shard,
                license=license,
                progress=progress,
            )
        except ExportGateError as exc:
            bar.stop()
            for line in exc.report.lines():
                typer.echo(line)
            raise
    for line in report.lines():
        typer.echo(line)


@app.command()
def consent(
    recording_id: Annotated[str, typer.Argument(metavar="ID", help="Recording id.")],
    store: StoreOpt = None,
    training: Annotated[
        bool | None,
        typer.Option(
            "--training/--no-training", help="Set or withdraw the host's AI-training consent."
        ),
    ] = None,
    opt_out: Annotated[
        list[str] | None,
        typer.Option(
            "--opt-out",
            metavar="ROLE_OR_CHANNEL",
            help="A participant (role such as customer, or channel number) opts out; repeatable.",
        ),
    ] = None,
    opt_in: Annotated[
        list[str] | None,
        typer.Option(
            "--opt-in", metavar="ROLE_OR_CHANNEL", help="Undo a participant's opt-out; repeatable."
        ),
    ] = None,
) -> None:
    """Set training consent and participant opt-outs; later exports follow them.

    Existing exports are not changed (purge a recording to remove it from them).
    """
    validate_id(recording_id)
    if training is None and not opt_out and not opt_in:
        raise InputError("consent: give --training/--no-training, --opt-out or --opt-in")
    st = open_store(store)
    if training is not None:
        set_training_consent(st, recording_id, training)
        typer.echo(f"{recording_id}\tconsent_training\t{str(training).lower()}")
    for who in opt_out or []:
        set_opt_out(st, recording_id, who, opted_out=True)
        typer.echo(f"{recording_id}\topted_out\t{who}")
    for who in opt_in or []:
        set_opt_out(st, recording_id, who, opted_out=False)
        typer.echo(f"{recording_id}\topted_in\t{who}")
