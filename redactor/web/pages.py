"""Server-rendered pages: log in, find a recording, open it for a ticket, read the audit log.

Opening a recording shows a ticket form first; only with a ticket does the page carry the
redacted transcript, and that view is written to the audit log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from redactor.auth import Principal, create_session, end_session, principal_for_token
from redactor.errors import InputError
from redactor.formats.export import audio_check_line
from redactor.summarize import SUMMARY_TITLES, stored_summary
from redactor.web.api import search_recordings
from redactor.web.content import (
    audio_check,
    check_ticket,
    has_redacted_audio,
    support_transcript,
    transcript_view,
    visible_recording,
)
from redactor.web.deps import SESSION_COOKIE, check_origin, current, require, store_of
from redactor.web.throttle import Attempt

__all__ = ["router", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter()


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", principal=None, error=None)


@router.post("/login", response_model=None)
def login(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
    """Log in with a token. Each failure is audited; after 5 failures from one client address,
    or against one token id, in 15 minutes every attempt (right or wrong) from that address or
    on that token gets 429 until the window passes (``redactor.web.throttle``)."""
    check_origin(request)
    store = store_of(request)
    attempt = Attempt.of(request, token.strip(), "login")
    if attempt.throttled(store):
        response = render(
            request,
            "login.html",
            429,
            principal=None,
            error="Too many failed logins; try again in 15 minutes.",
        )
        response.headers["Retry-After"] = attempt.retry_after
        return response
    principal = principal_for_token(store, token.strip())
    if principal is None:
        attempt.failed(store)
        return render(request, "login.html", 401, principal=None, error="That token is not valid.")
    attempt.succeeded(store)
    sid = create_session(store, principal)
    store.audit.record(actor=principal.actor, action="login")
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        sid,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=8 * 3600,
    )
    return resp


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    check_origin(request)
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        end_session(store_of(request), sid)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    p: Principal = Depends(current),
    q: Annotated[str, Query(max_length=128)] = "",
    host: Annotated[str, Query(max_length=128)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    try:
        d_since = date.fromisoformat(since) if since else None
        d_until = date.fromisoformat(until) if until else None
    except ValueError:
        raise InputError("since/until: dates as YYYY-MM-DD") from None
    rows = search_recordings(request, p, q=q, host=host, since=d_since, until=d_until)
    return render(
        request,
        "list.html",
        principal=p,
        recordings=rows,
        q=q,
        host=host,
        since=since,
        until=until,
    )


@router.get("/recordings/{recording_id}", response_class=HTMLResponse)
def recording(
    request: Request,
    recording_id: str,
    p: Principal = Depends(current),
    ticket: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    store = store_of(request)
    rec = visible_recording(store, recording_id, p.host if p.role == "host" else None)
    if ticket is None:
        return render(request, "ticket.html", principal=p, rec=rec, error=None)
    try:
        check_ticket(ticket)
    except InputError as exc:
        return render(request, "ticket.html", 400, principal=p, rec=rec, error=str(exc))
    red = support_transcript(store, rec.id)
    store.audit.record(actor=p.actor, action="view_redacted", recording_id=rec.id, ticket=ticket)
    return render(
        request,
        "recording.html",
        principal=p,
        rec=rec,
        ticket=ticket,
        policy=red.policy,
        segments=transcript_view(red),
        summary=stored_summary(store, rec.id),
        summary_titles=SUMMARY_TITLES,
        has_audio=has_redacted_audio(store, rec.id),
        audio_check=_check_line(audio_check(store, rec.id)),
    )


def _check_line(check: dict[str, Any] | None) -> str | None:
    return None if check is None else audio_check_line(check)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    p: Principal = Depends(require("admin")),
    recording_id: Annotated[str, Query(max_length=128)] = "",
) -> HTMLResponse:
    store = store_of(request)
    entries = store.audit.entries(recording_id or None)[-500:]
    return render(
        request, "audit.html", principal=p, entries=list(reversed(entries)), rid=recording_id
    )
