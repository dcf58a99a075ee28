"""``redactor reveal ID`` (audited re-identification) and ``redactor host-key create``."""

from __future__ import annotations

from typing import Annotated

import typer

from redactor.cli.app import StoreOpt, app
from redactor.ingest import validate_id
from redactor.operators import KeyRing
from redactor.reveal import reveal as reveal_values
from redactor.runs import read_environment
from redactor.store import open_store, store_url

host_key_app = typer.Typer(help="Per-host secrets for keyed pseudonyms (pseudonym.v1).")
app.add_typer(host_key_app, name="host-key")


@app.command()
def reveal(
    recording_id: Annotated[str, typer.Argument(metavar="ID", help="Recording id.")],
    ticket: Annotated[str, typer.Option(help="Ticket or case that authorises this.")],
    actor: Annotated[str, typer.Option(help="Who is revealing (recorded in the audit log).")],
    role: Annotated[
        str | None,
        typer.Option(help="Your role; only 'admin' may reveal [default: REDACTOR_ROLE]."),
    ] = None,
    policy: Annotated[
        str, typer.Option(help="The policy whose encrypt.v1 tokens to decrypt.")
    ] = "escrow",
    store: StoreOpt = None,
) -> None:
    """Print a redaction with its encrypted values decrypted (admin only; audited).

    Works on redactions made by a policy that uses the encrypt.v1 operator. Every attempt,
    allowed or refused, is written to the audit log with the actor and ticket first.
    """
    validate_id(recording_id)
    role = role or read_environment().role or ""
    text = reveal_values(
        open_store(store), recording_id, policy=policy, actor=actor, role=role, ticket=ticket
    )
    typer.echo(text, nl=False)


@host_key_app.command("create")
def host_key_create(
    host: Annotated[str, typer.Option(help="Host (tenant) id.")],
    store: StoreOpt = None,
) -> None:
    """Create the host's pseudonym key (refuses to replace one: that would change pseudonyms)."""
    _, artifact_root = store_url(store)
    path = KeyRing.default(artifact_root).create(host)
    typer.echo(str(path))
