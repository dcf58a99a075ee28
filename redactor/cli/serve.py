"""``redactor serve``, ``redactor token ...`` and ``redactor webhook-secret ...``."""

from __future__ import annotations

import ipaddress
import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from redactor.auth import (
    MAX_TOKEN_TTL,
    create_token,
    list_tokens,
    revoke_token,
    rotate_webhook_secret,
    set_webhook_secret,
)
from redactor.cli.app import StoreOpt, app, err_console
from redactor.errors import InputError
from redactor.grants import parse_duration
from redactor.store import open_store

_HOST_RE = re.compile(r"(\*\.)?[A-Za-z0-9]([A-Za-z0-9.:-]{0,252})|\*")


@app.command()
def serve(
    store: StoreOpt = None,
    bind: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A Host header value to serve (repeatable; '*.example.com' allowed) "
            "[default: localhost, 127.0.0.1, ::1 and the --bind address].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the support viewer and host API (webhooks for deletion) on uvicorn.

    Requests whose Host header is not an allowed host get 400, so a forged Host cannot steer
    anything the server writes (links, redirects, cookies).
    """
    import uvicorn

    from redactor.web import create_app
    from redactor.web.app import LOOPBACK_HOSTS

    try:
        loopback = bind == "localhost" or ipaddress.ip_address(bind).is_loopback
    except ValueError:
        raise InputError(f"--bind: {bind!r} is not an IP address") from None
    if not loopback:
        err_console.print(
            f"warning: listening on {bind}, not loopback; put TLS in front of it", markup=False
        )
    hosts = list(allowed_host or [*LOOPBACK_HOSTS, bind])
    for h in hosts:
        if not _HOST_RE.fullmatch(h):
            raise InputError(f"--allowed-host: {h!r} is not a host name, address or *.domain")
    application = create_app(open_store(store), allowed_hosts=hosts)
    uvicorn.run(application, host=bind, port=port, log_level="warning", access_log=False)


class Role(StrEnum):
    support = "support"
    host = "host"
    admin = "admin"


token_app = typer.Typer(help="API tokens for redactor serve (stored hashed).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="support, host or admin.")],
    host: Annotated[str | None, typer.Option(help="The host a host token is scoped to.")] = None,
    name: Annotated[str, typer.Option(help="A label shown in the audit log.")] = "",
    expires_in: Annotated[
        str, typer.Option(help="How long it works: 12h, 30d, at most 365d.")
    ] = "90d",
    store: StoreOpt = None,
) -> None:
    """Create a token and print it once (it cannot be shown again)."""
    ttl = parse_duration(expires_in, "--expires-in", most=MAX_TOKEN_TTL)
    typer.echo(
        create_token(open_store(store), role=role.value, host=host, name=name, expires_in=ttl)
    )


@token_app.command("list")
def token_list(store: StoreOpt = None) -> None:
    """One line per token: id, role, host, name, created, expires, state (never the token)."""
    now = datetime.now(UTC)
    for t in list_tokens(open_store(store)):
        cells = [t["id"], t["role"], t["host"] or "-", t["name"] or "-"]
        cells += [t["created_at"].isoformat(timespec="seconds")]
        expires = t["expires_at"]
        cells += ["expires " + expires.isoformat(timespec="seconds") if expires else "no expiry"]
        if t["revoked_at"]:
            cells += ["revoked"]
        else:
            cells += ["expired" if expires and expires <= now else "active"]
        typer.echo("\t".join(str(c) for c in cells))


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="Token id (from token list).")],
    store: StoreOpt = None,
) -> None:
    """Revoke a token and end its browser sessions."""
    revoke_token(open_store(store), token_id)
    typer.echo(json.dumps({"id": token_id, "revoked": True}))


secret_app = typer.Typer(help="Per-host secrets that sign deletion webhooks.", no_args_is_help=True)
app.add_typer(secret_app, name="webhook-secret")
HostOpt = Annotated[str, typer.Option(help="The host whose webhooks this secret signs.")]
SecretOpt = Annotated[
    str | None,
    typer.Option(help="Use this secret (32-128 characters) instead of a generated one."),
]


@secret_app.command("set")
def secret_set(host: HostOpt, secret: SecretOpt = None, store: StoreOpt = None) -> None:
    """Make this the host's only valid secret; prints it."""
    typer.echo(set_webhook_secret(open_store(store), host, secret))


@secret_app.command("rotate")
def secret_rotate(host: HostOpt, secret: SecretOpt = None, store: StoreOpt = None) -> None:
    """Add a new secret; the previous one stays valid until the next rotate or set."""
    typer.echo(rotate_webhook_secret(open_store(store), host, secret))
