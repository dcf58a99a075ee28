"""The host deletion webhook: ``POST /webhooks/recording-deleted``.

The host signs the request the Standard Webhooks way (see ``redactor.web.signing``; any
Standard Webhooks library does it) and names itself in ``X-Redactor-Host``::

    X-Redactor-Host: acme
    webhook-id: msg_2b5qVkT9                  (the event id: a redelivery is a duplicate)
    webhook-timestamp: 1718000000             (Unix seconds, within five minutes)
    webhook-signature: v1,<base64>[ v1,<base64>]

with a JSON body ``{"recording_id": "..."}`` (``type: "recording.deleted"``, ``timestamp``
and a ``data`` object may be present and are tolerated). The legacy scheme
(``X-Redactor-Timestamp``/``X-Redactor-Signature`` and ``event_id`` in the body) is still
accepted. Any of the host's valid secrets (two during a rotation) verifies. The answer is
immediate (202); the purge runs after the response, and its receipt is kept with the event
(``GET /api/webhook-events/{event_id}``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import JSONResponse

from redactor.auth import webhook_secrets
from redactor.errors import InputError, RedactorError
from redactor.ingest import validate_id
from redactor.purge import begin_purge
from redactor.store import Store
from redactor.store.records import PurgeReceipt, PurgeStatus, WebhookStatus
from redactor.web.deps import store_of
from redactor.web.signing import (
    LEGACY_SIG_HEADER,
    LEGACY_TS_HEADER,
    TOLERANCE_S,
    sign,
    uses_standard_webhooks,
    verify,
    verify_standard,
)

__all__ = ["MAX_BODY", "TOLERANCE_S", "resume_events", "router", "sign", "verify", "verify_request"]

log = logging.getLogger("redactor.web.webhooks")

MAX_BODY = 16 * 1024
HOST_HEADER = "x-redactor-host"
EVENT_TYPE = "recording.deleted"

router = APIRouter()
_LENGTH = re.compile(r"[0-9]{1,12}")  # not isdigit(): "²" is a digit to Python


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not _LENGTH.fullmatch(declared) or int(declared) > MAX_BODY):
        raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(body: bytes, *, legacy: bool) -> tuple[str | None, str]:
    """The body's event id (legacy scheme only) and recording id."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("body: not valid JSON") from None
    if not isinstance(data, dict):
        raise InputError("body: must be a JSON object with recording_id")
    if data.get("type", EVENT_TYPE) != EVENT_TYPE:
        raise InputError(f"body: type must be {EVENT_TYPE!r}")
    rid = data.get("recording_id")
    if not isinstance(rid, str):
        raise InputError("body: recording_id must be a string")
    if not legacy:
        return None, validate_id(rid)
    event_id = data.get("event_id")
    if not isinstance(event_id, str):
        raise InputError("body: event_id must be a string (or sign with Standard Webhooks)")
    return validate_id(event_id, "event id"), validate_id(rid)


def verify_request(request: Request, body: bytes) -> tuple[str, str, str]:
    """``(host, event id, recording id)`` of a request the named host signed; else 400/401."""
    host = request.headers.get(HOST_HEADER, "")
    if not host:
        raise HTTPException(400, f"missing {HOST_HEADER} header")
    validate_id(host, "host id")
    secrets = webhook_secrets(store_of(request), host)
    if uses_standard_webhooks(request.headers):
        msg_id, _ = verify_standard(secrets, request.headers, body)
        _, rid = _parse(body, legacy=False)
        return host, validate_id(msg_id, "webhook-id"), rid
    verify(
        secrets, request.headers.get(LEGACY_TS_HEADER), request.headers.get(LEGACY_SIG_HEADER), body
    )
    event_id, rid = _parse(body, legacy=True)
    assert event_id is not None
    return host, event_id, rid


@router.post("/webhooks/recording-deleted")
async def recording_deleted(request: Request, background: BackgroundTasks) -> JSONResponse:
    store = store_of(request)
    body = await _read_body(request)
    host, event_id, rid = verify_request(request, body)
    purge_fn = request.app.state.purge
    earlier = store.webhooks.event(host, event_id)
    if earlier is not None:
        if earlier.status != WebhookStatus.ACCEPTED:
            return JSONResponse({"event_id": event_id, "status": "duplicate"}, status_code=200)
        # Sent again while unfinished (the server died after the 202): run the job again.
        background.add_task(_run_purge, store, purge_fn, host, event_id, earlier.recording_id)
        return _accepted(event_id, WebhookStatus.ACCEPTED)
    status, receipt = _initial_status(store, purge_fn, host, rid)
    new = store.webhooks.add_event(
        host=host, event_id=event_id, recording_id=rid, status=status, receipt=receipt
    )
    if not new:
        return JSONResponse({"event_id": event_id, "status": "duplicate"}, status_code=200)
    if status == WebhookStatus.ACCEPTED:
        background.add_task(_run_purge, store, purge_fn, host, event_id, rid)
    return _accepted(event_id, status)


def _accepted(event_id: str, status: WebhookStatus) -> JSONResponse:
    return JSONResponse(
        {
            "event_id": event_id,
            "status": status,
            "receipt_url": f"/api/webhook-events/{event_id}",
        },
        status_code=202,
    )


def _initial_status(
    store: Store, purge_fn: Any, host: str, rid: str
) -> tuple[WebhookStatus, PurgeReceipt | None]:
    """accepted (purge to run), done (purged before: its receipt) or not_found.

    Before ``accepted`` is recorded (and answered) the purge job is committed, so a server
    killed after the 202 finishes it at its next start. An id nobody has stored yet is
    tombstoned for this host (the recording may still be on its way) and answered like
    another host's recording: ``not_found``, so the answer says nothing about other hosts.
    """
    job = store.purges.job(rid)
    tomb = store.purges.tombstone(rid)
    if tomb is not None and tomb.host == host:
        if job is not None and job.status == PurgeStatus.RUNNING:
            return WebhookStatus.ACCEPTED, None  # a purge cut off earlier: finish it
        return WebhookStatus.DONE, tomb.receipt
    if store.recordings.exists(rid):
        if store.recordings.get(rid).host != host:
            return WebhookStatus.NOT_FOUND, None
        begin_purge(store, rid, "host-deleted", host=host)
        return WebhookStatus.ACCEPTED, None
    if tomb is None:
        begin_purge(store, rid, "host-deleted", host=host)
        receipt = purge_fn(store, rid, "host-deleted", actor=f"webhook:{host}")
        return WebhookStatus.NOT_FOUND, receipt
    return WebhookStatus.NOT_FOUND, None


def resume_events(store: Store, purge_fn: Any) -> int:
    """Finish every accepted event (a server killed after its 202); how many there were."""
    events = store.webhooks.unfinished()
    for event in events:
        _run_purge(store, purge_fn, event.host, event.event_id, event.recording_id)
    return len(events)


def _run_purge(store: Store, purge_fn: Any, host: str, event_id: str, rid: str) -> None:
    receipt: PurgeReceipt | None = None
    try:
        receipt = purge_fn(
            store,
            rid,
            "host-deleted",
            actor=f"webhook:{host}",
            audit_detail={"event_id": event_id},
        )
        status = WebhookStatus.DONE
    except RedactorError as exc:
        log.warning("webhook event purge failed: %s", type(exc).__name__)
        status = WebhookStatus.FAILED
    except Exception as exc:  # a background task must record its failure, not vanish
        log.error("webhook event purge failed: %s", type(exc).__name__)
        status = WebhookStatus.FAILED
    store.webhooks.finish_event(host, event_id, status, receipt)


def webhook_event(store: Store, host: str | None, event_id: str) -> dict[str, Any] | None:
    """An event and its receipt (None if this host has no such event)."""
    event = store.webhooks.event(host, event_id)
    if event is None:
        return None
    return {
        "event_id": event.event_id,
        "host": event.host,
        "recording_id": event.recording_id,
        "status": event.status,
        "received_at": event.received_at.isoformat(),
        "finished_at": event.finished_at.isoformat() if event.finished_at else None,
        # a purge done before with no receipt of its own (a tombstone made before the
        # recording was stored) answers {}, as it always has
        "receipt": event.receipt.as_dict()
        if event.receipt
        else ({} if event.status == WebhookStatus.DONE else None),
    }
