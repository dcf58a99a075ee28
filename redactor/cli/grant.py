"""``redactor grant create|list|revoke``: a host's break-glass grants, from the command line.

The same rules as ``POST /api/grants``: the recording must be the host's, the grantee an
active admin token id, the expiry at most 24 hours. The audit log names the actor
``cli:<host>``.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from redactor.cli.app import StoreOpt, app
from redactor.grants import MAX_GRANT_TTL, create_grant, parse_duration, revoke_grant
from redactor.ingest import validate_id
from redactor.store import open_store

grant_app = typer.Typer(
    help="Break-glass grants: a host lets one admin read one recording raw, for a while.",
    no_args_is_help=True,
)
app.add_typer(grant_app, name="grant")
HostOpt = Annotated[str, typer.Option(help="The host that owns the recording and the grant.")]


@grant_app.command("create")
def grant_create(
    recording_id: Annotated[str, typer.Argument(metavar="ID", help="Recording id.")],
    host: HostOpt,
    grantee: Annotated[str, typer.Option(help="Token id of the admin who may use it.")],
    reason: Annotated[str, typer.Option(help="Why (one line, shown in the host's export).")],
    expires_in: Annotated[
        str, typer.Option(help="How long it is valid: 30m, 2h, at most 24h.")
    ] = "1h",
    store: StoreOpt = None,
) -> None:
    """Grant an admin raw access to one recording; prints the grant (JSON)."""
    validate_id(host, "host id")
    ttl = parse_duration(expires_in, "--expires-in", most=MAX_GRANT_TTL)
    grant = create_grant(
        open_store(store),
        host=host,
        recording_id=recording_id,
        reason=reason,
        grantee=grantee,
        expires_in=ttl,
        actor=f"cli:{host}",
    )
    typer.echo(json.dumps(grant.as_dict(), indent=2, sort_keys=True))


@grant_app.command("list")
def grant_list(
    host: HostOpt,
    recording_id: Annotated[
        str | None, typer.Option("--recording", help="Only this recording's grants.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    store: StoreOpt = None,
) -> None:
    """One line per grant: id, recording, grantee, state, expires, uses (tab-separated)."""
    validate_id(host, "host id")
    if recording_id is not None:
        validate_id(recording_id)
    for g in open_store(store).grants.of(host=host, recording_id=recording_id):
        if as_json:
            typer.echo(json.dumps(g.as_dict(), sort_keys=True))
            continue
        cells = [g.id, g.recording_id, g.grantee, g.state()]
        cells += [g.expires_at.isoformat(timespec="seconds"), f"{len(g.uses)} uses"]
        typer.echo("\t".join(cells))


@grant_app.command("revoke")
def grant_revoke(
    grant_id: Annotated[str, typer.Argument(metavar="GRANT", help="Grant id (grt_...).")],
    host: HostOpt,
    store: StoreOpt = None,
) -> None:
    """Revoke a grant at once; later uses are refused."""
    validate_id(host, "host id")
    revoke_grant(open_store(store), grant_id, host=host, actor=f"cli:{host}")
    typer.echo(json.dumps({"id": grant_id, "revoked": True}))
