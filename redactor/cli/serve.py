"""``redactor serve``, ``redactor token ...`` and ``redactor webhook-secret ...``."""

from __future__ import annotations

import ipaddress
import json
from enum import StrEnum
from typing import Annotated

import typer

from redactor.auth import (
    create_token,
    list_tokens,
    revoke_token,
    rotate_webhook_secret,
    set_webhook_secret,
)
from redactor.cli.app import StoreOpt, app, err_console
from redactor.errors import InputError
from redactor.store import open_store


@app.command()
def serve(
    store: StoreOpt = None,
    bind: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the support viewer and host API (webhooks for deletion) on uvicorn."""
    import uvicorn

    from redactor.web import create_app

    try:
        loopback = bind == "localhost" or ipaddress.ip_address(bind).is_loopback
    except ValueError:
        raise InputError(f"--bind: {bind!r} is not an IP address") from None
    if not loopback:
        err_console.print(
            f"warning: listening on {bind}, not loopback; put TLS in front of it", markup=False
        )
    application = create_app(open_store(store))
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
    store: StoreOpt = None,
) -> None:
    """Create a token and print it once (it cannot be shown again)."""
    typer.echo(create_token(open_store(store), role=role.value, host=host, name=name))


@token_app.command("list")
def token_list(store: StoreOpt = None) -> None:
    """One line per token: id, role, host, name, created, revoked (never the token)."""
    for t in list_tokens(open_store(store)):
        cells = [t["id"], t["role"], t["host"] or "-", t["name"] or "-"]
        cells += [t["created_at"].isoformat(timespec="seconds")]
        cells += ["revoked" if t["revoked_at"] else "active"]
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
