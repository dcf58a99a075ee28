"""Break-glass over HTTP: hosts create, list and revoke grants; an admin uses one, raw.

``/api/recordings/{id}/raw`` and ``/api/recordings/{id}/reveal`` are the only raw routes, and
both need ``grant=`` (a grant of the recording's host naming the caller's admin token) and
``ticket=``; see ``redactor.grants``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from redactor.auth import Principal
from redactor.grants import MAX_GRANT_TTL, create_grant, revoke_grant, use_grant
from redactor.reveal import reveal
from redactor.serialize import transcript_to_dict
from redactor.web.content import check_ticket, visible_recording
from redactor.web.deps import require, store_of

__all__ = ["router"]

router = APIRouter(prefix="/api")

HostOnly = Depends(require("host"))
HostOrAdmin = Depends(require("host", "admin"))
AdminOnly = Depends(require("admin"))
Ticket = Annotated[str | None, Query(max_length=64)]
GrantQ = Annotated[str | None, Query(max_length=40)]


class GrantBody(BaseModel):
    recording_id: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=200)
    grantee: str = Field(min_length=1, max_length=32, description="the admin's token id")
    expires_in: int = Field(
        default=3600, gt=0, le=int(MAX_GRANT_TTL.total_seconds()), description="seconds"
    )


@router.post("/grants", status_code=201)
def grant_create(request: Request, body: GrantBody, p: Principal = HostOnly) -> dict[str, Any]:
    assert p.host is not None
    grant = create_grant(
        store_of(request),
        host=p.host,
        recording_id=body.recording_id,
        reason=body.reason,
        grantee=body.grantee,
        expires_in=timedelta(seconds=body.expires_in),
        actor=p.actor,
    )
    return grant.as_dict()


@router.get("/grants")
def grant_list(
    request: Request,
    recording_id: Annotated[str | None, Query(max_length=128)] = None,
    p: Principal = HostOrAdmin,
) -> dict[str, Any]:
    """A host's grants with every use; an admin sees all grants."""
    store = store_of(request)
    if recording_id is not None:
        visible_recording(store, recording_id, p.host if p.role == "host" else None)
    grants = store.grants.of(host=p.host if p.role == "host" else None, recording_id=recording_id)
    return {"grants": [g.as_dict() for g in grants]}


@router.delete("/grants/{grant_id}")
def grant_revoke(request: Request, grant_id: str, p: Principal = HostOnly) -> dict[str, Any]:
    revoke_grant(store_of(request), grant_id, host=p.host, actor=p.actor)
    return {"id": grant_id, "revoked": True}


@router.get("/recordings/{recording_id}/raw")
def get_raw(
    request: Request,
    recording_id: str,
    ticket: Ticket = None,
    grant: GrantQ = None,
    p: Principal = AdminOnly,
) -> dict[str, Any]:
    """The raw transcript, for the admin a host's grant names; the use is audited first."""
    store = store_of(request)
    rec = visible_recording(store, recording_id, None)
    check_ticket(ticket)
    assert ticket is not None
    use_grant(
        store,
        grant,
        recording_id=rec.id,
        token_id=p.token_id,
        actor=p.actor,
        ticket=ticket,
        what="raw_transcript",
    )
    raw = store.recordings.raw_transcript(rec.id)
    return {"id": rec.id, "grant": grant, "raw_transcript": transcript_to_dict(raw)}


@router.get("/recordings/{recording_id}/reveal")
def get_reveal(
    request: Request,
    recording_id: str,
    ticket: Ticket = None,
    grant: GrantQ = None,
    policy: Annotated[str, Query(max_length=64)] = "escrow",
    p: Principal = AdminOnly,
) -> dict[str, Any]:
    """A redaction with its ``encrypt.v1`` values decrypted, under the same grant rules."""
    store = store_of(request)
    rec = visible_recording(store, recording_id, None)
    check_ticket(ticket)
    assert ticket is not None
    text = reveal(store, rec.id, policy=policy, actor=p.actor, token_id=p.token_id,
                  ticket=ticket, grant=grant)  # fmt: skip
    return {"id": rec.id, "grant": grant, "policy": policy, "text": text}
