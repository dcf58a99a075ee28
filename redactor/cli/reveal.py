"""``redactor reveal ID`` (audited re-identification) and ``redactor host-key create``."""

from __future__ import annotations

from typing import Annotated

import typer

from redactor.auth import principal_for_token
from redactor.cli.app import StoreOpt, app
from redactor.errors import ForbiddenError
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
    token: Annotated[
        str | None,
        typer.Option(
            help="Your admin API token, the one the host's grant names [default: REDACTOR_TOKEN].",
            show_default=False,
        ),
    ] = None,
    grant: Annotated[
        str | None, typer.Option(help="The host's grant (grt_...) for this recording.")
    ] = None,
    policy: Annotated[
        str, typer.Option(help="The policy whose encrypt.v1 tokens to decrypt.")
    ] = "escrow",
    store: StoreOpt = None,
) -> None:
    """Print a redaction with its encrypted values decrypted: only under a host's grant.

    The recording's host creates the grant for your admin token (redactor grant create, or
    POST /api/grants); every use and every refusal is audited with the ticket and the grant.
    """
    validate_id(recording_id)
    st = open_store(store)
    token = token or read_environment().token or ""
    who = principal_for_token(st, token.strip())
    if who is None or who.role != "admin":
        raise ForbiddenError("--token: not a valid admin token")
    text = reveal_values(
        st,
        recording_id,
        policy=policy,
        actor=who.actor,
        token_id=who.token_id,
        ticket=ticket,
        grant=grant,
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
