"""The JSON API and pages over a store of synthetic recordings (no models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redactor.purge import verify_purge
from tests.synthetic import SECRET, marker
from tests.web_support import Web, make_web


@pytest.fixture
def web(tmp_path: Path) -> Web:
    return make_web(tmp_path)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("support", ["rec-a1", "rec-a2", "rec-g1"]),
        ("admin", ["rec-a1", "rec-a2", "rec-g1"]),
        ("acme", ["rec-a1", "rec-a2"]),
        ("globex", ["rec-g1"]),
    ],
)
def test_api_list_is_scoped_to_the_host(web: Web, who: str, expected: list[str]) -> None:
    r = web.client.get("/api/recordings", headers=web.auth(who))
    assert r.status_code == 200
    assert [x["id"] for x in r.json()["recordings"]] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("q=a2", ["rec-a2"]), ("host=globex", ["rec-g1"]), ("until=2000-01-01", [])],
)
def test_api_list_search_filters(web: Web, query: str, expected: list[str]) -> None:
    r = web.client.get(f"/api/recordings?{query}", headers=web.auth("support"))
    assert [x["id"] for x in r.json()["recordings"]] == expected


def test_api_support_view_needs_a_ticket_and_is_audited(web: Web) -> None:
    r = web.client.get("/api/recordings/rec-a1", headers=web.auth("support"))
    assert r.status_code == 400
    assert "ticket" in r.json()["error"]
    r = web.client.get("/api/recordings/rec-a1?ticket=SUP-42", headers=web.auth("support"))
    assert r.status_code == 200
    body = r.json()
    assert marker("rec-a1") in body["transcript"]["segments"][0]["text"]
    assert body["summaries"][0]["label"] == "inferred"
    views = [e for e in web.store.audit.entries("rec-a1") if e.action == "view_redacted"]
    assert len(views) == 1
    assert views[0].ticket == "SUP-42"
    assert views[0].actor.startswith("support:")


@pytest.mark.parametrize("ticket", ["", "has space", "x" * 65, "<script>", "SUP-1;DROP"])
def test_api_bad_ticket_is_refused(web: Web, ticket: str) -> None:
    r = web.client.get(
        "/api/recordings/rec-a1", params={"ticket": ticket}, headers=web.auth("support")
    )
    assert r.status_code in (400, 422)
    assert not [e for e in web.store.audit.entries("rec-a1") if e.action == "view_redacted"]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/recordings/rec-a1?ticket=T-1", "application/json"),
        ("/api/recordings/rec-a1/audio?ticket=T-1", "*/*"),
        ("/recordings/rec-a1?ticket=T-1", "text/html"),
        ("/api/recordings/rec-a1/export", "application/json"),
        ("/api/recordings/rec-a1/export?format=csv", "text/csv"),
    ],
)
def test_api_content_responses_are_not_cached(web: Web, path: str, accept: str) -> None:
    who = "admin" if "export" in path else "support"
    r = web.client.get(path, headers={**web.auth(who), "accept": accept})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_api_support_reaches_no_raw_text(web: Web) -> None:
    """Everything a support token can fetch about a recording is free of the raw secret."""
    h = web.auth("support")
    paths = [
        "/api/recordings",
        "/api/recordings/rec-a1?ticket=T-1",
        "/api/recordings/rec-a1/audio?ticket=T-1",
        "/recordings/rec-a1?ticket=T-1",
        "/",
    ]
    for path in paths:
        r = web.client.get(path, headers=h)
        assert r.status_code == 200, path
        assert SECRET not in r.text, path
        assert SECRET.encode() not in r.content, path


def test_api_host_sets_consent_and_deletes_its_recording(web: Web) -> None:
    h = web.auth("acme")
    r = web.client.put("/api/recordings/rec-a1/consent", json={"consent_training": True}, headers=h)
    assert r.status_code == 200
    assert web.store.recordings.get("rec-a1").consent_training is True
    r = web.client.delete("/api/recordings/rec-a1", headers=h)
    assert r.status_code == 200
    assert r.json()["receipt"]["reason"] == "host-deleted"
    assert verify_purge(web.store, "rec-a1") == []
    assert web.client.get("/api/recordings/rec-a1", headers=h).status_code == 404
    assert web.store.recordings.exists("rec-a2")


def test_api_admin_manages_tokens(web: Web) -> None:
    h = web.auth("admin")
    r = web.client.post("/api/admin/tokens", json={"role": "host", "host": "initech"}, headers=h)
    assert r.status_code == 201
    token, token_id = r.json()["token"], r.json()["id"]
    listed = web.client.get("/api/admin/tokens", headers=h).json()["tokens"]
    assert token_id in [t["id"] for t in listed]
    assert token not in str(listed)
    new = {"Authorization": f"Bearer {token}"}
    assert web.client.get("/api/recordings", headers=new).json() == {"recordings": []}
    assert web.client.delete(f"/api/admin/tokens/{token_id}", headers=h).status_code == 200
    assert web.client.get("/api/recordings", headers=new).status_code == 401


def test_api_host_token_needs_a_host(web: Web) -> None:
    r = web.client.post("/api/admin/tokens", json={"role": "host"}, headers=web.auth("admin"))
    assert r.status_code == 400


def test_api_tokens_are_stored_hashed(web: Web) -> None:
    from sqlalchemy import select

    from redactor.store import schema as s

    with web.store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(s.api_tokens))]
    for token in web.tokens.values():
        assert token not in repr(stored)


def test_web_login_session_and_logout(web: Web) -> None:
    c = web.client
    r = c.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    r = c.post("/login", data={"token": "rdk_nope_nope"})
    assert r.status_code == 401
    r = c.post("/login", data={"token": web.tokens["support"]}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    r = c.get("/recordings/rec-a1", headers={"accept": "text/html"})
    assert r.status_code == 200
    assert 'name="ticket"' in r.text
    r = c.post("/logout", headers={"origin": "https://evil.example"})
    assert r.status_code == 403  # cross-origin on the cookie
    c.post("/logout")
    r = c.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303


def test_web_audit_page_is_admin_only(web: Web) -> None:
    web.client.get("/recordings/rec-a1?ticket=T-7", headers=web.auth("support"))
    r = web.client.get("/audit", headers={**web.auth("admin"), "accept": "text/html"})
    assert r.status_code == 200
    assert "T-7" in r.text
    r = web.client.get("/audit", headers={**web.auth("support"), "accept": "text/html"})
    assert r.status_code == 403
