"""Break-glass grants: the host grants, a named admin uses it with a ticket, all audited."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from redactor.auth import create_token
from redactor.purge import verify_purge
from tests.synthetic import SECRET
from tests.web_support import Web, make_web


@pytest.fixture
def web(tmp_path: Path) -> Web:
    w = make_web(tmp_path)
    w.tokens["admin2"] = create_token(w.store, role="admin", name="other-admin")
    return w


def token_id(web: Web, who: str) -> str:
    return web.tokens[who].split("_")[1]


def grant(web: Web, rid: str = "rec-a1", *, who: str = "acme", **extra: Any) -> Any:
    body = {"recording_id": rid, "reason": "legal hold 7", "grantee": token_id(web, "admin")}
    return web.client.post("/api/grants", json={**body, **extra}, headers=web.auth(who))


def raw(web: Web, grant_id: str | None, rid: str = "rec-a1", who: str = "admin") -> Any:
    q = "?ticket=SUP-9" + (f"&grant={grant_id}" if grant_id else "")
    return web.client.get(f"/api/recordings/{rid}/raw{q}", headers=web.auth(who))


def test_grants_host_grants_admin_reads_raw_and_host_sees_the_use(web: Web) -> None:
    r = grant(web)
    assert r.status_code == 201, r.text
    g = r.json()
    assert g["state"] == "active" and g["grantee"] == token_id(web, "admin")
    r = raw(web, g["id"])
    assert r.status_code == 200
    assert SECRET in r.text
    assert r.headers["cache-control"] == "no-store"
    uses = [e for e in web.store.audit.entries("rec-a1") if e.action == "grant_use:raw_transcript"]
    assert len(uses) == 1
    assert uses[0].ticket == "SUP-9" and g["id"] in uses[0].detail
    assert uses[0].actor.startswith("admin:")
    listed = web.client.get("/api/grants", headers=web.auth("acme")).json()["grants"]
    assert [x["id"] for x in listed] == [g["id"]]
    assert [u["ticket"] for u in listed[0]["uses"]] == ["SUP-9"]
    export = web.client.get("/api/recordings/rec-a1/export", headers=web.auth("acme")).json()
    assert export["grants"][0]["uses"][0]["what"] == "raw_transcript"
    assert "grant_use:raw_transcript" in [e["action"] for e in export["audit"]]
    assert "grant_create" in [e["action"] for e in export["audit"]]
    csv_text = web.client.get(
        "/api/recordings/rec-a1/export?format=csv", headers=web.auth("acme")
    ).text
    assert g["id"] in csv_text


@pytest.mark.parametrize(
    "case", ["no grant", "other admin", "other recording", "revoked", "expired", "bogus id"]
)
def test_grants_refused_uses_show_nothing_raw_and_are_audited(web: Web, case: str) -> None:
    g = grant(web, expires_in=1 if case == "expired" else 3600).json()
    gid: str | None = g["id"]
    who, rid = "admin", "rec-a1"
    if case == "no grant":
        gid = None
    elif case == "other admin":
        who = "admin2"
    elif case == "other recording":
        rid = "rec-a2"
    elif case == "revoked":
        assert web.client.delete(f"/api/grants/{gid}", headers=web.auth("acme")).status_code == 200
    elif case == "expired":
        time.sleep(1.1)
    elif case == "bogus id":
        gid = "grt_0000000000000000"
    r = raw(web, gid, rid=rid, who=who)
    assert r.status_code == 403
    assert SECRET not in r.text
    refused = [e for e in web.store.audit.entries(rid) if e.action.startswith("grant_refused")]
    assert len(refused) == 1
    assert not [e for e in web.store.audit.entries() if e.action.startswith("grant_use")]


@pytest.mark.parametrize(
    ("who", "rid", "extra", "status"),
    [
        ("globex", "rec-a1", {}, 404),  # another host's recording
        ("support", "rec-a1", {}, 403),
        ("admin", "rec-a1", {}, 403),  # only the host grants
        ("acme", "rec-a1", {"expires_in": 24 * 3600 + 1}, 422),
        ("acme", "rec-a1", {"expires_in": 0}, 422),
        ("acme", "rec-a1", {"reason": "two\nlines"}, 400),
        ("acme", "rec-a1", {"grantee": "nosuchtoken"}, 400),
        ("acme", "../etc", {}, 400),
    ],
)
def test_grants_bad_creation_is_refused(
    web: Web, who: str, rid: str, extra: dict[str, Any], status: int
) -> None:
    assert grant(web, rid, who=who, **extra).status_code == status
    assert web.store.grants.of(host=None) == []


def test_grants_grantee_must_be_an_admin_token(web: Web) -> None:
    r = grant(web, grantee=token_id(web, "support"))
    assert r.status_code == 400


def test_grants_are_host_scoped(web: Web) -> None:
    gid = grant(web).json()["id"]
    assert web.client.get("/api/grants", headers=web.auth("globex")).json() == {"grants": []}
    assert web.client.delete(f"/api/grants/{gid}", headers=web.auth("globex")).status_code == 404
    assert raw(web, gid).status_code == 200
    admin_list = web.client.get("/api/grants", headers=web.auth("admin")).json()["grants"]
    assert [x["id"] for x in admin_list] == [gid]


def test_grants_a_purge_removes_grants_but_keeps_the_audit_trail(web: Web) -> None:
    gid = grant(web).json()["id"]
    assert raw(web, gid).status_code == 200
    assert web.client.delete("/api/recordings/rec-a1", headers=web.auth("acme")).status_code == 200
    assert verify_purge(web.store, "rec-a1") == []
    assert web.store.grants.of(host="acme") == []
    actions = [e.action for e in web.store.audit.entries("rec-a1")]
    assert "grant_use:raw_transcript" in actions and "purge" in actions
