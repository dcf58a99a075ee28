"""``redactor token ...``, ``redactor webhook-secret ...`` and ``redactor serve`` argument checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.auth import principal_for_token, webhook_secrets
from redactor.cli import app
from redactor.store import open_store

runner = CliRunner()


def test_web_cli_token_create_list_revoke(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    r = runner.invoke(app, ["token", "create", "--role", "host", "--host", "acme", "--store", db])
    assert r.exit_code == 0, r.output
    token = r.output.strip()
    principal = principal_for_token(open_store(db), token)
    assert principal is not None
    assert (principal.role, principal.host) == ("host", "acme")
    listed = runner.invoke(app, ["token", "list", "--store", db]).output
    assert principal.token_id in listed
    assert token not in listed
    r = runner.invoke(app, ["token", "revoke", principal.token_id, "--store", db])
    assert r.exit_code == 0
    assert principal_for_token(open_store(db), token) is None
    assert runner.invoke(app, ["token", "revoke", principal.token_id, "--store", db]).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "host"],
        ["--role", "support", "--host", "acme"],
        ["--role", "host", "--host", "../etc"],
        ["--role", "root"],
    ],
)
def test_web_cli_token_create_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    r = runner.invoke(app, ["token", "create", *args, "--store", str(tmp_path / "r.db")])
    assert r.exit_code == 2


def test_web_cli_webhook_secret_set_and_rotate(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    assert (
        runner.invoke(app, ["webhook-secret", "rotate", "--host", "acme", "--store", db]).exit_code
        == 2
    )
    first = runner.invoke(
        app, ["webhook-secret", "set", "--host", "acme", "--store", db]
    ).output.strip()
    second = runner.invoke(
        app, ["webhook-secret", "rotate", "--host", "acme", "--store", db]
    ).output.strip()
    assert webhook_secrets(open_store(db), "acme") == [second, first]
    third = runner.invoke(
        app, ["webhook-secret", "rotate", "--host", "acme", "--store", db]
    ).output.strip()
    assert webhook_secrets(open_store(db), "acme") == [third, second]
    r = runner.invoke(
        app, ["webhook-secret", "set", "--host", "acme", "--secret", "short", "--store", db]
    )
    assert r.exit_code == 2  # fmt: skip


def test_web_cli_serve_rejects_a_bad_bind(tmp_path: Path) -> None:
    r = runner.invoke(app, ["serve", "--bind", "not-an-ip", "--store", str(tmp_path / "r.db")])
    assert r.exit_code == 2
