"""``redactor subject export|delete``: data-subject requests, the same as the host API.

The identifier (e-mail, phone, customer id) is hashed with the store's key to find the
participant; it is never stored or printed. Pass ``-`` to read it from stdin, which keeps it
out of the shell history.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from redactor.cli.app import StoreOpt, app
from redactor.ingest import validate_id
from redactor.purge import purge
from redactor.store import open_store
from redactor.web.subjects import delete_subject, export_subject, to_csv

subject_app = typer.Typer(help="Data-subject requests: export or delete by participant.")
app.add_typer(subject_app, name="subject")
IdentArg = Annotated[
    str,
    typer.Argument(metavar="IDENTIFIER", help="How the host knows the person; '-' reads stdin."),
]
HostOpt = Annotated[str, typer.Option(help="Only this host's recordings.")]


class Format(StrEnum):
    json = "json"
    csv = "csv"


def _identifier(value: str) -> str:
    return sys.stdin.readline().strip() if value == "-" else value


@subject_app.command("export")
def subject_export(
    identifier: IdentArg,
    host: HostOpt,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="json or csv.")] = Format.json,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Everything stored about the participant across the host's recordings (as the API)."""
    validate_id(host, "host id")
    data = export_subject(open_store(store), _identifier(identifier), host, actor=f"cli:{host}")
    text = to_csv(data) if fmt is Format.csv else json.dumps(data, indent=2, sort_keys=True) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="")


@subject_app.command("delete")
def subject_delete(identifier: IdentArg, host: HostOpt, store: StoreOpt = None) -> None:
    """Purge every recording of the host the participant is in; prints the receipts."""
    validate_id(host, "host id")
    receipts = delete_subject(
        open_store(store), _identifier(identifier), host, purge, actor=f"cli:{host}"
    )
    typer.echo(
        json.dumps({"purged": len(receipts), "receipts": receipts}, indent=2, sort_keys=True)
    )
