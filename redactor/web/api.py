"""The JSON API under ``/api``: recordings for support and hosts, data-subject requests, admin.

Host tokens are scoped: every recording lookup goes through ``visible_recording`` with the
token's host, so another host's recording is a 404, indistinguishable from a missing one.
Support tokens read redacted data only, and only with a ticket; every read is audited.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from redactor.auth import (
    MAX_TOKEN_TTL,
    TOKEN_TTL,
    Principal,
    create_token,
    list_tokens,
    revoke_token,
)
from redactor.errors import NotFoundError
from redactor.ingest import validate_id
from redactor.store import RecordingRow
from redactor.web.content import (
    check_ticket,
    redacted_audio,
    summary_texts,
    support_transcript,
    visible_recording,
)
from redactor.web.deps import require, store_of
from redactor.web.subjects import (
    delete_subject,
    export_recording,
    export_subject,
    to_csv,
)
from redactor.web.webhooks import webhook_event

__all__ = ["router", "search_recordings"]

router = APIRouter(prefix="/api")

Anyone = Depends(require("support", "host", "admin"))
HostOrAdmin = Depends(require("host", "admin"))
AdminOnly = Depends(require("admin"))
Ticket = Annotated[str | None, Query(max_length=64)]


def _scope(p: Principal) -> str | None:
    return p.host if p.role == "host" else None


def search_recordings(
    request: Request,
    p: Principal,
    *,
    q: str = "",
    host: str = "",
    since: date | None = None,
    until: date | None = None,
) -> list[RecordingRow]:
    """Recordings the caller may see, filtered by id substring, host and creation date."""
    rows = store_of(request).recordings.all(host=_scope(p) or (host or None))
    return [
        r
        for r in rows
        if (not q or q.lower() in r.id.lower())
        and (since is None or r.created_at.date() >= since)
        and (until is None or r.created_at.date() <= until)
    ]


def _rec_json(r: RecordingRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "host": r.host,
        "status": r.status,
        "kind": r.source_kind,
        "language": r.language,
        "duration": round(r.duration_s, 2),
        "speakers": list(r.speakers),
        "consent_training": r.consent_training,
        "created": r.created_at.isoformat(timespec="seconds"),
    }


@router.get("/recordings")
def list_recordings(
    request: Request,
    p: Principal = Anyone,
    q: Annotated[str, Query(max_length=128)] = "",
    host: Annotated[str, Query(max_length=128)] = "",
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    rows = search_recordings(request, p, q=q, host=host, since=since, until=until)
    return {"recordings": [_rec_json(r) for r in rows]}


@router.get("/recordings/{recording_id}")
def get_recording(
    request: Request, recording_id: str, ticket: Ticket = None, p: Principal = Anyone
) -> dict[str, Any]:
    """The redacted transcript and summaries; support must give a ticket, every read is audited."""
    store = store_of(request)
    rec = visible_recording(store, recording_id, _scope(p))
    if p.role == "support" or ticket is not None:
        check_ticket(ticket)
    red = support_transcript(store, rec.id)
    store.audit.record(actor=p.actor, action="view_redacted", recording_id=rec.id, ticket=ticket)
    return {
        **_rec_json(rec),
        "transcript": red.to_json(rec.id),
        "summaries": [
            {"label": "inferred", "kind": kind, "producer": producer, "text": text}
            for kind, _, producer, text in summary_texts(store, rec.id)
        ],
    }


@router.get("/recordings/{recording_id}/audio")
def get_audio(
    request: Request, recording_id: str, ticket: Ticket = None, p: Principal = Anyone
) -> StreamingResponse:
    store = store_of(request)
    rec = visible_recording(store, recording_id, _scope(p))
    if p.role == "support" or ticket is not None:
        check_ticket(ticket)
    audio = redacted_audio(store, rec.id)
    size = audio.size
    span = _byte_range(request.headers.get("range"), size)
    start, stop = span or (0, size)
    chunks = audio.byte_range(start, stop) if span else audio.chunks()
    first = next(chunks, b"")  # a file that does not decrypt fails here, before the headers
    store.audit.record(
        actor=p.actor, action="play_redacted_audio", recording_id=rec.id, ticket=ticket
    )
    headers = {"content-length": str(stop - start), "accept-ranges": "bytes"}
    if span:
        headers["content-range"] = f"bytes {start}-{stop - 1}/{size}"
    return StreamingResponse(
        itertools.chain([first], chunks),
        status_code=206 if span else 200,
        media_type=audio.media_type,
        headers=headers,
    )


_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``[start, stop)`` of a single-range ``Range`` header (how a player seeks); None for
    none, or for a form we do not serve (several ranges: the whole file, as RFC 9110 allows).
    An unsatisfiable range is a 416."""
    m = _RANGE.fullmatch(header.strip()) if header else None
    if m is None or m.group(1) == m.group(2) == "":
        return None
    if m.group(1) == "":  # the last N bytes
        start, stop = max(0, size - int(m.group(2))), size
    else:
        start = int(m.group(1))
        if m.group(2) and int(m.group(2)) < start:
            return None  # not a valid range: ignored, the whole file
        stop = min(size, int(m.group(2)) + 1) if m.group(2) else size
    if start >= stop:
        raise HTTPException(416, "range not satisfiable", {"Content-Range": f"bytes */{size}"})
    return start, stop


@router.delete("/recordings/{recording_id}")
def delete_recording(
    request: Request, recording_id: str, p: Principal = HostOrAdmin
) -> dict[str, Any]:
    store = store_of(request)
    rec = visible_recording(store, recording_id, _scope(p))
    receipt = request.app.state.purge(store, rec.id, "host-deleted", actor=p.actor)
    return {"id": rec.id, "receipt": receipt.as_dict()}


class ConsentBody(BaseModel):
    consent_training: bool


@router.put("/recordings/{recording_id}/consent")
def set_consent(
    request: Request, recording_id: str, body: ConsentBody, p: Principal = HostOrAdmin
) -> dict[str, Any]:
    store = store_of(request)
    rec = visible_recording(store, recording_id, _scope(p))
    store.subjects.set_training_consent(rec.id, body.consent_training, actor=p.actor)
    return {"id": rec.id, "consent_training": body.consent_training}


def _export_response(data: dict[str, Any], fmt: str, name: str) -> Response:
    if fmt == "csv":
        return Response(
            to_csv(data),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return JSONResponse(data)


@router.get("/recordings/{recording_id}/export")
def export_one(
    request: Request,
    recording_id: str,
    format: Literal["json", "csv"] = "json",
    p: Principal = HostOrAdmin,
) -> Response:
    store = store_of(request)
    rec = visible_recording(store, recording_id, _scope(p))
    store.audit.record(actor=p.actor, action="export_recording", recording_id=rec.id)
    return _export_response(export_recording(store, rec.id), format, rec.id)


class SubjectBody(BaseModel):
    """The identifier travels in the body (not the URL), so access logs never hold it."""

    identifier: str = Field(min_length=1, max_length=256)
    host: str | None = Field(default=None, max_length=128)
    format: Literal["json", "csv"] = "json"


def _subject_host(p: Principal, body: SubjectBody) -> str | None:
    if p.role == "host":
        return p.host
    return None if body.host is None else validate_id(body.host, "host id")


@router.post("/subjects/export")
def subject_export(request: Request, body: SubjectBody, p: Principal = HostOrAdmin) -> Response:
    store = store_of(request)
    data = export_subject(store, body.identifier, _subject_host(p, body), actor=p.actor)
    return _export_response(data, body.format, "subject-export")


@router.post("/subjects/delete")
def subject_delete(
    request: Request, body: SubjectBody, p: Principal = HostOrAdmin
) -> dict[str, Any]:
    store = store_of(request)
    receipts = delete_subject(
        store, body.identifier, _subject_host(p, body), request.app.state.purge, actor=p.actor
    )
    return {"purged": len(receipts), "receipts": receipts}


@router.get("/webhook-events/{event_id}")
def get_webhook_event(
    request: Request,
    event_id: str,
    host: Annotated[str | None, Query(max_length=128)] = None,
    p: Principal = HostOrAdmin,
) -> dict[str, Any]:
    """A webhook event; event ids are per host, so an admin names the host (``host=``)."""
    validate_id(event_id, "event id")
    if host is not None:
        validate_id(host, "host id")
    event = webhook_event(store_of(request), _scope(p) or host, event_id)
    if event is None:
        raise NotFoundError(f"webhook event {event_id}: not found")
    return event


# -- admin ---------------------------------------------------------------------------------


class TokenBody(BaseModel):
    role: Literal["support", "host", "admin"]
    host: str | None = Field(default=None, max_length=128)
    name: str = Field(default="", max_length=128)
    expires_in: int = Field(
        default=int(TOKEN_TTL.total_seconds()),
        gt=0,
        le=int(MAX_TOKEN_TTL.total_seconds()),
        description="seconds",
    )


@router.get("/admin/tokens")
def admin_tokens(request: Request, p: Principal = AdminOnly) -> dict[str, Any]:
    rows = list_tokens(store_of(request))
    for r in rows:
        for k in ("created_at", "expires_at", "revoked_at"):
            r[k] = r[k].isoformat() if r[k] else None
    return {"tokens": rows}


@router.post("/admin/tokens", status_code=201)
def admin_create_token(
    request: Request, body: TokenBody, p: Principal = AdminOnly
) -> dict[str, Any]:
    token = create_token(
        store_of(request),
        role=body.role,
        host=body.host,
        name=body.name,
        expires_in=body.expires_in,
        actor=p.actor,
    )
    return {"token": token, "id": token.split("_")[1]}


@router.delete("/admin/tokens/{token_id}")
def admin_revoke_token(request: Request, token_id: str, p: Principal = AdminOnly) -> dict[str, Any]:
    if not token_id.isalnum() or len(token_id) > 32:
        raise HTTPException(400, "invalid token id")
    revoke_token(store_of(request), token_id, actor=p.actor)
    return {"id": token_id, "revoked": True}


@router.get("/admin/audit")
def admin_audit(
    request: Request, recording_id: str | None = None, p: Principal = AdminOnly
) -> dict[str, Any]:
    if recording_id is not None:
        validate_id(recording_id)
    entries = [e.as_dict() for e in store_of(request).audit.entries(recording_id)]
    for e in entries:
        e["at"] = e["at"].isoformat()
    return {"entries": entries}
