"""Token guesses are throttled per client address and per token id tried, at the login form
and at the bearer header, and each failure is audited without the token (issue 13)."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from redactor.cli import app
from redactor.store import Store, open_store
from redactor.store import schema as s
from redactor.web.throttle import MAX_FAILURES, WINDOW
from tests.conftest import store_location
from tests.web_support import Web, make_web


@pytest.fixture
def web(tmp_path: Path) -> Web:
    return make_web(tmp_path)


def _from(web: Web, address: str) -> TestClient:
    return TestClient(web.client.app, client=(address, 40000), raise_server_exceptions=False)


def _wrong(token: str, n: int = 0) -> str:
    """The same token id with another secret: a guess at that token."""
    prefix, token_id, _ = token.split("_", 2)
    return f"{prefix}_{token_id}_wrong-secret-{n:04d}-xxxxxxxxxxxxxxxxxxxxxxxx"


def _id(token: str) -> str:
    return token.split("_")[1]


def _auth_rows(store: Store) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.actor, e.detail)
        for e in store.audit.entries()
        if e.action.startswith(("login_", "bearer_"))
    ]


def test_throttle_one_token_guessed_from_many_addresses_is_locked(web: Web) -> None:
    """Guesses at one token id from 5 addresses: the 6th address is refused even with the
    right token, while another token from that address still works."""
    token = web.tokens["support"]
    for i in range(MAX_FAILURES):
        r = _from(web, f"10.0.0.{i + 1}").post("/login", data={"token": _wrong(token, i)})
        assert r.status_code == 401
    fresh = _from(web, "10.0.1.1")
    r = fresh.post("/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == 429 and r.headers["retry-after"] == "900"
    r = fresh.get("/api/recordings", headers=web.auth("support"))
    assert r.status_code == 429, "the bearer door is locked for that token too"
    r = fresh.get("/api/recordings", headers=web.auth("acme"))
    assert r.status_code == 200, "another token from the same address is not throttled"
    rows = _auth_rows(web.store)
    assert [a for a, _, _ in rows] == ["login_failed"] * MAX_FAILURES + [
        "login_throttled",
        "bearer_throttled",
    ]
    assert all(f'"token_id": "{_id(token)}"' in d for _, _, d in rows)


def test_throttle_failed_bearer_tokens_count_and_are_audited_without_the_secret(
    web: Web,
) -> None:
    token = web.tokens["acme"]
    guesser = _from(web, "192.0.2.7")
    guesses = [_wrong(token, i) for i in range(MAX_FAILURES)]
    for g in guesses:
        r = guesser.get("/api/recordings", headers={"Authorization": f"Bearer {g}"})
        assert r.status_code == 401
    r = guesser.get("/api/recordings", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 429 and r.headers["retry-after"] == "900"
    assert r.headers["cache-control"] == "no-store"  # an error response like every other
    # the address is throttled for other tokens and for the login form as well
    assert guesser.get("/api/recordings", headers=web.auth("globex")).status_code == 429
    assert guesser.post("/login", data={"token": web.tokens["admin"]}).status_code == 429
    rows = _auth_rows(web.store)
    assert [a for a, _, _ in rows] == ["bearer_failed"] * MAX_FAILURES + [
        "bearer_throttled",
        "bearer_throttled",
        "login_throttled",
    ]
    assert {actor for _, actor, _ in rows} == {"client:192.0.2.7"}
    everything = repr(web.store.audit.entries())
    assert not [g for g in guesses if g.split("_", 2)[2] in everything]
    assert token.split("_", 2)[2] not in everything and "wrong-secret" not in everything


def test_throttle_login_and_bearer_failures_add_up_per_address(web: Web) -> None:
    c = _from(web, "198.51.100.1")
    for i in range(MAX_FAILURES - 1):
        assert c.post("/login", data={"token": f"not a token {i}"}).status_code == 401
    r = c.get("/api/recordings", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401
    assert c.get("/api/recordings", headers=web.auth("support")).status_code == 429
    *typed, refused = _auth_rows(web.store)
    # what was typed is not a token: no token id, and nothing of it in the audit log
    assert [(a, d) for a, _, d in typed] == [("login_failed", "{}")] * (MAX_FAILURES - 1) + [
        ("bearer_failed", "{}")
    ]
    assert refused[0] == "bearer_throttled" and _id(web.tokens["support"]) in refused[2]
    assert "not a token" not in repr(web.store.audit.entries())
    assert "nonsense" not in repr(web.store.audit.entries())


def test_throttle_valid_bearer_requests_are_not_counted(web: Web) -> None:
    c = _from(web, "198.51.100.2")
    for _ in range(3 * MAX_FAILURES):
        assert c.get("/api/recordings", headers=web.auth("support")).status_code == 200
    r = c.get("/api/recordings", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert r.status_code == 401  # not a bearer token: not a guess at one
    assert _auth_rows(web.store) == []


def test_throttle_an_html_error_page_counts_a_wrong_bearer_once(web: Web) -> None:
    """The error page looks up the caller again: the failure must not be counted twice."""
    r = web.client.get(
        "/recordings/rec-a1?ticket=T-1",
        headers={"Authorization": f"Bearer {_wrong(web.tokens['support'])}", "Accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code in (303, 401)
    assert [a for a, _, _ in _auth_rows(web.store)] == ["bearer_failed"]


def test_throttle_a_good_login_clears_its_address_and_token(web: Web) -> None:
    token = web.tokens["admin"]
    c = _from(web, "203.0.113.9")
    for i in range(MAX_FAILURES - 1):
        assert c.post("/login", data={"token": _wrong(token, i)}).status_code == 401
    assert c.post("/login", data={"token": token}, follow_redirects=False).status_code == 303
    for i in range(MAX_FAILURES - 1):  # a fresh count: not throttled yet
        assert (
            _from(web, "203.0.113.10").post("/login", data={"token": _wrong(token, i)}).status_code
            == 401
        )


def test_throttle_migration_adds_the_token_column_to_an_old_store(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    st = open_store(str(db))
    with st.engine.begin() as conn:  # make it a store from before migration 8
        conn.execute(text("DROP INDEX ix_login_failures_token_id"))
        conn.execute(text("ALTER TABLE login_failures DROP COLUMN token_id"))
        conn.execute(text(f"DELETE FROM schema_migrations WHERE version = {len(s.MIGRATIONS)}"))
    st.close()
    st = open_store(str(db))
    assert st.schema_version == len(s.MIGRATIONS)
    cols = {c["name"] for c in inspect(st.engine).get_columns("login_failures")}
    assert "token_id" in cols
    st.logins.record_failure("10.1.1.1", window=WINDOW, throttled=False, token_id="0123456789ab")
    assert st.logins.failures("10.9.9.9", WINDOW, token_id="0123456789ab") == 1
    st.close()


# -- redactor show ID --audio: audited with its real actor ----------------------------------


def _show_audio(web: Web, *args: str) -> object:
    return CliRunner().invoke(
        app,
        ["show", *args, "--store", store_location(web.store)],
        env={"REDACTOR_ARTIFACTS": str(web.store.artifact_root)},
    )


def test_show_audio_is_audited_with_the_account_running_it(tmp_path: Path) -> None:
    web = make_web(tmp_path, on_disk=True)
    out = tmp_path / "out.wav"
    r = _show_audio(web, "rec-a1", "--audio", str(out), "--ticket", "SUP-7")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    (row,) = [e for e in web.store.audit.entries("rec-a1") if e.action == "write_redacted_audio"]
    assert row.actor == f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    assert row.ticket == "SUP-7" and str(out) not in repr(row)
    r = _show_audio(web, "rec-a2", "--audio", str(tmp_path / "b.wav"))  # no ticket: still audited
    assert r.exit_code == 0  # type: ignore[attr-defined]
    assert [e.ticket for e in web.store.audit.entries("rec-a2")] == [None]


@pytest.mark.parametrize(
    "args",
    [
        ("rec-none", "--audio", "{out}"),
        ("rec-a1", "--audio", "{out}", "--ticket", "has space"),
    ],
)
def test_show_audio_refused_writes_nothing_and_audits_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    web = make_web(tmp_path, on_disk=True)
    out = tmp_path / "out.wav"
    r = _show_audio(web, *(a.format(out=out) for a in args))
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert not out.exists()
    assert not [e for e in web.store.audit.entries() if e.action == "write_redacted_audio"]
