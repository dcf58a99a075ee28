"""Hardening of ``redactor serve`` (issue 13, hole 4): every error path keeps the security
headers and logs no traceback; trusted hosts; no redirect built from a header; exact ids."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redactor.web import create_app
from tests.web_support import Web, make_web

HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


@pytest.fixture
def web(tmp_path: Path) -> Web:
    return make_web(tmp_path)


def test_hardening_an_unexpected_error_is_500_with_headers_and_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    w = make_web(tmp_path)

    def broken_purge(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("Zebulon Quackenbush")  # content in an exception must not leak

    client = TestClient(
        create_app(w.store, purge=broken_purge, allowed_hosts=["testserver"]),
        raise_server_exceptions=False,
    )
    with caplog.at_level(logging.DEBUG):
        r = client.delete("/api/recordings/rec-a1", headers=w.auth("acme"))
    assert r.status_code == 500
    assert r.json() == {"error": "internal error"}
    for h in HEADERS:
        assert h in r.headers
    assert r.headers["cache-control"] == "no-store"
    assert all(rec.exc_info is None for rec in caplog.records)
    assert "Zebulon" not in caplog.text


def test_hardening_ids_with_a_trailing_newline_are_refused() -> None:
    from redactor.errors import InputError
    from redactor.ingest import validate_id

    with pytest.raises(InputError):
        validate_id("rec-a1\n")


def test_hardening_redirects_do_not_follow_the_host_header(web: Web) -> None:
    r = web.client.get(
        "/api/recordings/",
        headers={**web.auth("support"), "host": "evil.example"},
        follow_redirects=False,
    )
    assert "evil.example" not in r.headers.get("location", "")
    assert r.status_code == 400  # not an allowed host
    r = web.client.get("/api/recordings/", headers=web.auth("support"), follow_redirects=False)
    assert not 300 <= r.status_code < 400


@pytest.mark.parametrize(
    ("host", "status"), [("localhost", 200), ("127.0.0.1:8000", 200), ("evil.example", 400)]
)
def test_hardening_only_allowed_hosts_are_served(tmp_path: Path, host: str, status: int) -> None:
    w = make_web(tmp_path)
    client = TestClient(create_app(w.store), raise_server_exceptions=False)  # the defaults
    r = client.get("/api/recordings", headers={**w.auth("support"), "host": host})
    assert r.status_code == status
    for h in HEADERS:
        assert h in r.headers


def test_hardening_serve_rejects_a_bad_allowed_host(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from redactor.cli import app

    r = CliRunner().invoke(
        app, ["serve", "--allowed-host", "evil/x", "--store", str(tmp_path / "r.db")]
    )
    assert r.exit_code == 2
    assert "--allowed-host" in r.output
