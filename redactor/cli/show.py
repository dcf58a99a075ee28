"""``redactor show ID`` and ``redactor list``: read the redacted transcripts back."""

from __future__ import annotations

import itertools
import json
import os
import pwd
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from redactor.audio_check import stored_check
from redactor.cli.app import StoreOpt, app
from redactor.errors import InputError, NotFoundError
from redactor.formats import render
from redactor.ingest import validate_id
from redactor.store import Store, open_store


class Format(StrEnum):
    json = "json"
    txt = "txt"
    vtt = "vtt"
    srt = "srt"
    source = "source"  # the input file's own format (transcript files only)


@app.command()
def show(
    recording_id: Annotated[str, typer.Argument(metavar="ID", help="Recording id.")],
    store: StoreOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.json,
    policy: Annotated[
        str | None,
        typer.Option(
            help="Which policy's redaction to show [default: support, else the first stored].",
            show_default=False,
        ),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print the summary (inferred data) instead.")
    ] = False,
    audio: Annotated[
        Path | None,
        typer.Option(
            "--audio",
            metavar="OUT",
            help="Write the redacted audio (support policy) to OUT instead.",
            dir_okay=False,
        ),
    ] = None,
    ticket: Annotated[
        str | None,
        typer.Option(help="Ticket or case for the audit row of --audio (as in the viewer)."),
    ] = None,
) -> None:
    """Print the redacted transcript of a recording (never the raw one), or its summary, or
    write its redacted audio (audited, as cli:<account>)."""
    validate_id(recording_id)
    st = open_store(store)
    if audio is not None:
        _write_audio(st, recording_id, audio, ticket)
        return
    if summary:
        from redactor.summarize import render_summary

        typer.echo(render_summary(st, recording_id, fmt.value), nl=False)
        return
    if policy is None:
        try:
            redacted = st.artifacts.redacted_transcript(recording_id, "support")
        except NotFoundError:
            redacted = st.artifacts.redacted_transcript(recording_id)
    else:
        redacted = st.artifacts.redacted_transcript(recording_id, policy)
    check = stored_check(st, recording_id, redacted.policy)
    typer.echo(render(redacted, recording_id, fmt.value, audio_check=check), nl=False)


def cli_actor() -> str:
    """Who runs this command: ``cli:<OS account>`` (the CLI has no token; whoever may open
    the store runs it as an account of this machine)."""
    try:
        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except KeyError:  # an account with no passwd entry (a container's bare uid)
        return f"cli:uid-{os.getuid()}"


def _write_audio(st: Store, recording_id: str, out: Path, ticket: str | None) -> None:
    from redactor.web.content import check_ticket, redacted_audio

    if ticket is not None:
        check_ticket(ticket)
    st.recordings.get(recording_id)  # NotFound for an unknown id
    audio = redacted_audio(st, recording_id)
    chunks = audio.chunks()
    first = next(chunks, b"")  # a file that does not decrypt fails here, before any write
    # Audited before the file is written: no copy of the audio leaves the store unrecorded.
    st.audit.record(
        actor=cli_actor(), action="write_redacted_audio", recording_id=recording_id, ticket=ticket
    )
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with tmp.open("wb") as fh:
            for block in itertools.chain([first], chunks):
                fh.write(block)
        tmp.replace(out)  # whole or nothing: OUT is never half written
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write ({exc.strerror})", path=out) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    typer.echo(f"{out}\t{audio.path.suffix.lstrip('.')}\t{out.stat().st_size} bytes")


@app.command("list")
def list_(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Only this host's recordings.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """One line per stored recording: id, host, status, kind, duration, created (tab-separated)."""
    for r in open_store(store).recordings.all(host=host):
        row = {
            "id": r.id,
            "host": r.host,
            "status": r.status,
            "kind": r.source_kind,
            "duration": round(r.duration_s, 2),
            "created": r.created_at.isoformat(timespec="seconds"),
            "consent_training": r.consent_training,
            "language": r.language,
        }
        if as_json:
            typer.echo(json.dumps(row))
        else:
            typer.echo(
                "\t".join(
                    str(row[k]) for k in ("id", "host", "status", "kind", "duration", "created")
                )
            )
