"""Issue 13's holes, one test each: raw speaker names, the raw route, delete actors, hardening.

Each test here failed on the code before issue 13 and passes after; the names say which hole.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from redactor.auth import set_webhook_secret
from redactor.cli import app as cli_app
from redactor.detect import Detector
from redactor.store import Store
from redactor.web.webhooks import sign
from tests.conftest import store_location
from tests.synthetic import SECRET
from tests.web_support import Web, make_named_web, make_web, names_in

runner = CliRunner()


@pytest.fixture
def web(tmp_path: Path) -> Web:
    return make_web(tmp_path)


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory, detector: Detector) -> Web:
    """A WebVTT call whose voice tags and participants are real-looking names."""
    return make_named_web(tmp_path_factory.mktemp("named"), detector)


# -- hole 1: raw speaker names ---------------------------------------------------------------


def test_access_hole1_named_fixture_really_has_names_in_the_raw_record(named: Web) -> None:
    """Guard: the fixture's raw transcript holds the names, so the walk below can fail."""
    raw = named.store.recordings.raw_transcript("rec-named")
    assert {seg.speaker for seg in raw.segments} == {"Sam Carter", "Jennifer Morales"}


@pytest.mark.parametrize(
    ("who", "path", "accept"),
    [
        ("support", "/api/recordings", "application/json"),
        ("support", "/api/recordings?q=named", "application/json"),
        ("support", "/api/recordings/rec-named?ticket=SUP-1", "application/json"),
        ("support", "/", "text/html"),
        ("support", "/?q=rec", "text/html"),
        ("support", "/recordings/rec-named", "text/html"),
        ("support", "/recordings/rec-named?ticket=SUP-1", "text/html"),
        ("acme", "/api/recordings", "application/json"),
        ("acme", "/api/recordings/rec-named", "application/json"),
        ("acme", "/api/recordings/rec-named/export", "application/json"),
        ("acme", "/api/recordings/rec-named/export?format=csv", "text/csv"),
        ("acme", "/api/grants", "application/json"),
        ("acme", "/", "text/html"),
        ("admin", "/api/recordings", "application/json"),
        ("admin", "/api/recordings/rec-named/export", "application/json"),
        ("admin", "/api/admin/audit", "application/json"),
        ("admin", "/audit", "text/html"),
    ],
)
def test_access_hole1_no_raw_name_on_any_endpoint(
    named: Web, who: str, path: str, accept: str
) -> None:
    r = named.client.get(path, headers={**named.auth(who), "accept": accept})
    assert r.status_code == 200, (path, r.text[:200])
    assert names_in(r.text) == [], path


def test_access_hole1_speakers_are_the_transcripts_placeholders(named: Web) -> None:
    body = named.client.get(
        "/api/recordings/rec-named?ticket=SUP-1", headers=named.auth("support")
    ).json()
    in_text = {seg["speaker"] for seg in body["transcript"]["segments"]}
    assert set(body["speakers"]) == in_text
    assert all(s.startswith("[PERSON_") for s in body["speakers"])
    listed = named.client.get("/api/recordings?q=named", headers=named.auth("support")).json()
    assert set(listed["recordings"][0]["speakers"]) == in_text


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_access_hole1_subject_export_has_no_raw_name(named: Web, fmt: str) -> None:
    r = named.client.post(
        "/api/subjects/export",
        json={"identifier": "jennifer.morales@example.com", "format": fmt},
        headers=named.auth("acme"),
    )
    assert r.status_code == 200
    assert "rec-named" in r.text
    assert names_in(r.text) == []


def test_access_hole1_cli_list_and_show_have_no_raw_name(named: Web) -> None:
    loc = store_location(named.store)
    for args in (
        ["list", "--json"],
        ["list"],
        ["show", "rec-named"],
        ["show", "rec-named", "-f", "vtt"],
    ):
        r = runner.invoke(cli_app, [*args, "--store", loc])
        assert r.exit_code == 0, r.output
        assert names_in(r.output) == [], args


# -- hole 2: the raw transcript without a grant -------------------------------------------------


@pytest.mark.parametrize("who", ["support", "acme", "admin"])
def test_access_hole2_no_raw_transcript_without_a_grant(web: Web, who: str) -> None:
    r = web.client.get("/api/recordings/rec-a1/raw?ticket=T-1", headers=web.auth(who))
    assert r.status_code in (403, 404)
    assert "Zebulon" not in r.text


# -- hole 3: who deleted ------------------------------------------------------------------------


def _purge_rows(store: Store, rid: str) -> list[dict[str, Any]]:
    return [e for e in store.audit.entries(rid) if e.action == "purge"]


def test_access_hole3_host_delete_is_audited_with_the_host_token(web: Web) -> None:
    assert web.client.delete("/api/recordings/rec-a1", headers=web.auth("acme")).status_code == 200
    rows = _purge_rows(web.store, "rec-a1")
    assert len(rows) == 1
    assert rows[0].actor.startswith("host:")
    assert rows[0].actor != "redactor"


def test_access_hole3_subject_delete_is_audited_with_the_caller(web: Web) -> None:
    from sqlalchemy import insert

    from redactor.store import schema as s

    digest = web.store.subjects.hash("who@example.com")
    with web.store.begin() as conn:
        conn.execute(
            insert(s.participants).values(
                recording_id="rec-a2", role="customer", opted_out=False, subject_hash=digest
            )
        )
    r = web.client.post(
        "/api/subjects/delete", json={"identifier": "who@example.com"}, headers=web.auth("admin")
    )
    assert r.status_code == 200
    rows = _purge_rows(web.store, "rec-a2")
    assert [r.actor[:6] for r in rows] == ["admin:"]


def test_access_hole3_webhook_delete_is_audited_as_the_webhook(web: Web) -> None:
    secret = set_webhook_secret(web.store, "acme")
    body = json.dumps({"event_id": "evt-9", "recording_id": "rec-a1"}).encode()
    ts = int(time.time())
    headers = {
        "X-Redactor-Host": "acme",
        "X-Redactor-Timestamp": str(ts),
        "X-Redactor-Signature": sign(secret, ts, body),
    }
    assert (
        web.client.post("/webhooks/recording-deleted", content=body, headers=headers).status_code
        == 202
    )
    rows = _purge_rows(web.store, "rec-a1")
    assert len(rows) == 1
    assert rows[0].actor == "webhook:acme"
    assert "evt-9" in rows[0].detail


# -- hole 4: the smaller ones -------------------------------------------------------------------

HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


def _raw_post(web: Web, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> Any:
    """POST straight into the ASGI app with header bytes as a client sent them (the test
    client re-encodes header values as UTF-8, which real clients need not do)."""
    import asyncio

    app = web.client.app
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        "headers": [(b"host", b"testserver"), (b"content-length", str(len(body)).encode()),
                    *headers],
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}


@pytest.mark.parametrize("value", ["²", "¹²³", "12 ", "+12", "9" * 40])
def test_access_hole4_odd_webhook_timestamp_is_400_with_headers(web: Web, value: str) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: it was a 500 without headers."""
    secret = set_webhook_secret(web.store, "acme")
    body = b'{"event_id": "e-1", "recording_id": "rec-a1"}'
    status, headers = _raw_post(
        web,
        "/webhooks/recording-deleted",
        [
            (b"x-redactor-host", b"acme"),
            (b"x-redactor-timestamp", value.encode("latin-1")),  # read back as latin-1
            (b"x-redactor-signature", sign(secret, value, body).encode()),
        ],
        body,
    )
    assert status == 400
    for h in HEADERS:
        assert h in headers
    assert web.store.recordings.exists("rec-a1")


@pytest.mark.parametrize("value", ["²", "¹²³", "+12", "1e9"])
def test_access_hole4_odd_standard_webhook_timestamp_is_400(web: Web, value: str) -> None:
    secret = set_webhook_secret(web.store, "acme")
    body = b'{"recording_id": "rec-a1"}'
    status, headers = _raw_post(
        web,
        "/webhooks/recording-deleted",
        [
            (b"x-redactor-host", b"acme"),
            (b"webhook-id", b"msg_1"),
            (b"webhook-timestamp", value.encode("latin-1")),
            (b"webhook-signature", b"v1," + secret[6:].encode()),
        ],
        body,
    )
    assert status == 400
    assert "content-security-policy" in headers
    assert web.store.recordings.exists("rec-a1")


@pytest.mark.parametrize(
    "path",
    [
        "/api/recordings/rec-a1?ticket=SUP-1%0A",
        "/api/recordings/rec-a1?ticket=SUP-1%0D%0A",
        "/recordings/rec-a1?ticket=SUP-1%0A",
    ],
)
def test_access_hole4_trailing_newline_ticket_is_refused(web: Web, path: str) -> None:
    r = web.client.get(path, headers={**web.auth("support"), "accept": "text/html"})
    assert r.status_code == 400
    assert not [e for e in web.store.audit.entries("rec-a1") if e.action == "view_redacted"]


def test_access_hole4_other_hosts_webhook_leaves_no_audit_row_on_the_recording(web: Web) -> None:
    secret = set_webhook_secret(web.store, "acme")
    body = json.dumps({"event_id": "evt-x", "recording_id": "rec-g1"}).encode()
    ts = int(time.time())
    headers = {
        "X-Redactor-Host": "acme",
        "X-Redactor-Timestamp": str(ts),
        "X-Redactor-Signature": sign(secret, ts, body),
    }
    r = web.client.post("/webhooks/recording-deleted", content=body, headers=headers)
    assert r.json()["status"] == "not_found"
    assert [e.actor for e in web.store.audit.entries("rec-g1")] == []
    export = web.client.get("/api/recordings/rec-g1/export", headers=web.auth("globex")).json()
    assert not [e for e in export["audit"] if "acme" in e["actor"]]


def test_access_hole4_admin_chooses_the_host_of_a_webhook_event(web: Web) -> None:
    for host in ("acme", "globex"):
        secret = set_webhook_secret(web.store, host)
        body = json.dumps({"event_id": "evt-same", "recording_id": "rec-none"}).encode()
        ts = int(time.time())
        headers = {
            "X-Redactor-Host": host,
            "X-Redactor-Timestamp": str(ts),
            "X-Redactor-Signature": sign(secret, ts, body),
        }
        assert (
            web.client.post(
                "/webhooks/recording-deleted", content=body, headers=headers
            ).status_code
            == 202
        )
    for host in ("acme", "globex"):
        r = web.client.get(f"/api/webhook-events/evt-same?host={host}", headers=web.auth("admin"))
        assert r.status_code == 200
        assert r.json()["host"] == host
    # a host's own token cannot pick another host
    r = web.client.get("/api/webhook-events/evt-same?host=globex", headers=web.auth("acme"))
    assert r.json()["host"] == "acme"


def test_access_hole4_tokens_expire(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    r = runner.invoke(
        cli_app, ["token", "create", "--role", "support", "--expires-in", "1h", "--store", db]
    )
    assert r.exit_code == 0, r.output
    token = r.output.strip()
    from redactor.auth import principal_for_token
    from redactor.store import open_store

    st = open_store(db)
    assert principal_for_token(st, token) is not None
    later = time.time() + 3601
    assert principal_for_token(st, token, at=later) is None
    listed = runner.invoke(cli_app, ["token", "list", "--store", db]).output
    assert "expires" in listed
    for bad in ("0h", "400d", "soon", "-1h"):
        r = runner.invoke(
            cli_app, ["token", "create", "--role", "support", "--expires-in", bad, "--store", db]
        )
        assert r.exit_code == 2, bad


def test_access_hole4_expired_token_gets_401(web: Web) -> None:
    from redactor.auth import create_token

    token = create_token(web.store, role="support", expires_in=1)
    h = {"Authorization": f"Bearer {token}"}
    assert web.client.get("/api/recordings", headers=h).status_code == 200
    time.sleep(1.1)
    assert web.client.get("/api/recordings", headers=h).status_code == 401


def test_access_hole4_failed_logins_are_throttled_and_audited(web: Web) -> None:
    codes = [web.client.post("/login", data={"token": f"rdk_x_{i}"}).status_code for i in range(50)]
    assert codes[0] == 401
    assert 429 in codes
    first_429 = codes.index(429)
    assert first_429 <= 10
    assert set(codes[first_429:]) == {429}
    # while throttled, even the right token is refused from this client
    r = web.client.post("/login", data={"token": web.tokens["support"]}, follow_redirects=False)
    assert r.status_code == 429
    assert "retry-after" in r.headers
    failed = [e for e in web.store.audit.entries() if e.action.startswith("login_")]
    assert len(failed) == 50 + 1
    assert all("rdk_x_" not in repr(e) for e in failed)


def test_access_hole4_every_state_change_names_its_actor(web: Web) -> None:
    h = web.auth("acme")
    web.client.put("/api/recordings/rec-a1/consent", json={"consent_training": True}, headers=h)
    ad = web.auth("admin")
    r = web.client.post("/api/admin/tokens", json={"role": "support", "name": "x"}, headers=ad)
    web.client.delete(f"/api/admin/tokens/{r.json()['id']}", headers=ad)
    actions = {e.action: e.actor for e in web.store.audit.entries()}
    assert actions["consent-training"].startswith("host:")
    assert actions["token_create"].startswith("admin:")
    assert actions["token_revoke"].startswith("admin:")


def test_access_hole1_migration_redacts_speakers_already_stored(tmp_path: Path) -> None:
    """A store written before the fix held raw labels in ``recordings.speakers``: opening it
    with this version replaces them with the redacted transcripts' labels."""
    from sqlalchemy import delete, update

    from redactor.store import open_store
    from redactor.store import schema as s
    from tests.synthetic import make_recording

    db = str(tmp_path / "old.db")
    st = open_store(db)
    make_recording(st, "rec-old")
    mine = 1 + [n for n, _ in s.MIGRATIONS].index("access_grants_expiry_redacted_speakers")
    with st.begin() as conn:  # as the old code stored it, before this migration
        conn.execute(update(s.recordings).values(speakers='["Jennifer Morales"]'))
        conn.execute(delete(s.schema_migrations).where(s.schema_migrations.c.version == mine))
    st.close()
    st = open_store(db)
    assert st.recordings.get("rec-old").speakers == ("customer",)  # the redaction's label
    assert st.schema_version == len(s.MIGRATIONS)


def test_access_hole2_no_route_shows_raw_content_without_a_grant(web: Web) -> None:
    """Every GET route of the app, for every role, with a ticket but no grant: no raw text."""
    schema = web.client.app.openapi()  # type: ignore[attr-defined]
    paths = sorted(p for p, ops in schema["paths"].items() if "get" in ops)
    assert "/api/recordings/{recording_id}/raw" in paths
    for who in ("support", "acme", "admin"):
        for path in paths:
            url = path.format(recording_id="rec-a1", event_id="evt-1", grant_id="grt_x")
            r = web.client.get(url + "?ticket=T-1", headers={**web.auth(who), "accept": "*/*"})
            assert r.status_code < 500, (who, url)
            assert SECRET not in r.text, (who, url)


def test_access_docs_route_table_lists_every_route(web: Web) -> None:
    """docs/serve.md's table names every method and path the app serves."""
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "serve.md").read_text()
    table = doc[doc.index("## Every route") :]
    schema = web.client.app.openapi()  # type: ignore[attr-defined]
    missing = []
    for path, ops in schema["paths"].items():
        shown = re.sub(
            r"\{\w+\}", lambda m: "{id}" if m.group() == "{recording_id}" else m.group(), path
        )
        for method in ops:
            if not re.search(rf"`{method.upper()} {re.escape(shown)}[`?\s]", table):
                missing.append(f"{method.upper()} {shown}")
    assert missing == []
