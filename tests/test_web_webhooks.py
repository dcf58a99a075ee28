"""The signed deletion webhook: verification, idempotency, rotation, background purge."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi import HTTPException
from sqlalchemy import func, select

from redactor.auth import rotate_webhook_secret, set_webhook_secret
from redactor.purge import verify_purge
from redactor.store import schema as s
from redactor.web.webhooks import MAX_BODY, sign, verify
from tests.web_support import Web, make_web

URL = "/webhooks/recording-deleted"


@pytest.fixture
def web(tmp_path: Path) -> Web:
    w = make_web(tmp_path)
    w.tokens["acme_secret"] = set_webhook_secret(w.store, "acme")
    w.tokens["globex_secret"] = set_webhook_secret(w.store, "globex")
    return w


def body_for(rid: str, event_id: str = "evt-1") -> bytes:
    return json.dumps({"event_id": event_id, "recording_id": rid}).encode()


def signed(secret: str, body: bytes, host: str = "acme", ts: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    return {
        "X-Redactor-Host": host,
        "X-Redactor-Timestamp": str(ts),
        "X-Redactor-Signature": sign(secret, ts, body),
        "Content-Type": "application/json",
    }


def events(web: Web) -> int:
    with web.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(s.webhook_events)).scalar_one())


def test_webhook_purges_in_the_background_with_a_receipt_by_event_id(web: Web) -> None:
    body = body_for("rec-a1")
    r = web.client.post(URL, content=body, headers=signed(web.tokens["acme_secret"], body))
    assert r.status_code == 202
    assert r.json()["status"] == "accepted"
    # TestClient runs background tasks before it returns: the purge has finished.
    assert not web.store.recordings.exists("rec-a1")
    assert verify_purge(web.store, "rec-a1") == []
    assert web.store.recordings.exists("rec-a2")
    r = web.client.get("/api/webhook-events/evt-1", headers=web.auth("acme"))
    assert r.status_code == 200
    event = r.json()
    assert event["status"] == "done"
    assert event["receipt"]["recording_id"] == "rec-a1"
    assert event["receipt"]["reason"] == "host-deleted"
    # another host cannot read it
    assert (
        web.client.get("/api/webhook-events/evt-1", headers=web.auth("globex")).status_code == 404
    )


def test_webhook_replay_is_a_no_op(web: Web) -> None:
    body = body_for("rec-a1")
    headers = signed(web.tokens["acme_secret"], body)
    assert web.client.post(URL, content=body, headers=headers).status_code == 202
    audit_before = len(web.store.audit.entries())
    r = web.client.post(URL, content=body, headers=headers)
    assert (r.status_code, r.json()["status"]) == (200, "duplicate")
    assert len(web.store.audit.entries()) == audit_before
    assert events(web) == 1


def _alter(body: bytes) -> bytes:
    return body.replace(b"rec-a1", b"rec-a2")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("bad signature", 401),
        ("missing signature", 401),
        ("missing timestamp", 400),
        ("non-numeric timestamp", 400),
        ("stale timestamp", 401),
        ("future timestamp", 401),
        ("body altered after signing", 401),
        ("signed with another host's secret", 401),
        ("unknown host", 401),
        ("missing host", 400),
        ("hostile host", 400),
        ("oversized body", 413),
        ("oversized body without length", 413),
    ],
)
def test_webhook_rejects_and_purges_nothing(web: Web, case: str, expected: int) -> None:
    secret = web.tokens["acme_secret"]
    body = body_for("rec-a1")
    headers = signed(secret, body)
    content: bytes | object = body
    if case == "bad signature":
        headers["X-Redactor-Signature"] = "v1=" + "0" * 64
    elif case == "missing signature":
        del headers["X-Redactor-Signature"]
    elif case == "missing timestamp":
        del headers["X-Redactor-Timestamp"]
    elif case == "non-numeric timestamp":
        headers["X-Redactor-Timestamp"] = "yesterday"
    elif case == "stale timestamp":
        headers = signed(secret, body, ts=int(time.time()) - 301)
    elif case == "future timestamp":
        headers = signed(
            secret, body, ts=int(time.time()) + 360
        )  # not 301: a slow run would bring it into the window
    elif case == "body altered after signing":
        content = _alter(body)
    elif case == "signed with another host's secret":
        headers = signed(web.tokens["globex_secret"], body, host="acme")
    elif case == "unknown host":
        headers = signed(secret, body, host="initech")
    elif case == "missing host":
        del headers["X-Redactor-Host"]
    elif case == "hostile host":
        headers["X-Redactor-Host"] = "../etc"
    elif case == "oversized body":
        big = json.dumps({"event_id": "e", "recording_id": "rec-a1", "pad": "x" * MAX_BODY})
        content = big.encode()
        headers = signed(secret, big.encode())
    elif case == "oversized body without length":
        big = b"x" * (MAX_BODY + 10)
        headers = signed(secret, big)
        content = iter([big[:MAX_BODY], big[MAX_BODY:]])  # chunked: no Content-Length
    r = web.client.post(URL, content=content, headers=headers)  # type: ignore[arg-type]
    assert r.status_code == expected
    assert web.store.recordings.exists("rec-a1")
    assert web.store.recordings.exists("rec-a2")
    assert events(web) == 0


def test_webhook_cannot_purge_another_hosts_recording(web: Web) -> None:
    body = body_for("rec-g1")
    r = web.client.post(URL, content=body, headers=signed(web.tokens["acme_secret"], body))
    assert r.status_code == 202
    assert r.json()["status"] == "not_found"
    assert web.store.recordings.exists("rec-g1")


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"event_id": 1, "recording_id": "rec-a1"}',
     b'{"event_id": "e-1", "recording_id": "../etc/passwd"}', b'{"event_id": "e 1"}'],
)  # fmt: skip
def test_webhook_bad_body_is_400_after_verification(web: Web, body: bytes) -> None:
    r = web.client.post(URL, content=body, headers=signed(web.tokens["acme_secret"], body))
    assert r.status_code == 400
    assert events(web) == 0


def test_webhook_rotation_keeps_two_secrets_valid(web: Web) -> None:
    first = web.tokens["acme_secret"]
    second = rotate_webhook_secret(web.store, "acme")
    for i, secret in enumerate([first, second]):
        body = body_for("rec-none", f"evt-rot-{i}")
        assert web.client.post(URL, content=body, headers=signed(secret, body)).status_code == 202
    rotate_webhook_secret(web.store, "acme")
    body = body_for("rec-none", "evt-rot-old")
    assert web.client.post(URL, content=body, headers=signed(first, body)).status_code == 401
    body = body_for("rec-none", "evt-rot-2")
    assert web.client.post(URL, content=body, headers=signed(second, body)).status_code == 202


def test_webhook_for_an_already_purged_recording_returns_its_receipt(web: Web) -> None:
    web.client.delete("/api/recordings/rec-a1", headers=web.auth("acme"))
    body = body_for("rec-a1", "evt-late")
    r = web.client.post(URL, content=body, headers=signed(web.tokens["acme_secret"], body))
    assert r.json()["status"] == "done"
    event = web.client.get("/api/webhook-events/evt-late", headers=web.auth("acme")).json()
    assert event["receipt"]["recording_id"] == "rec-a1"


@pytest.mark.parametrize(
    ("offset", "ok"), [(0, True), (-299, True), (299, True), (-301, False), (301, False)]
)
def test_webhook_verify_tolerance(offset: int, ok: bool) -> None:
    at = 1_700_000_000.0
    ts = str(int(at) + offset)
    sig = sign("s" * 32, ts, b"{}")
    if ok:
        verify(["s" * 32], ts, sig, b"{}", at=at)
    else:
        with pytest.raises(HTTPException):
            verify(["s" * 32], ts, sig, b"{}", at=at)
