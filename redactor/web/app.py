"""The FastAPI application: ``create_app(store)`` wires pages, API, webhook and static files.

Every response except static files is sent with ``Cache-Control: no-store`` (transcript
content must not linger in browser or proxy caches) and a strict Content-Security-Policy:
scripts and styles come from ``/static`` only. The headers are added by an ASGI middleware
that also turns any unexpected exception into a plain 500, so error paths carry them too and
no traceback reaches the log. Errors answer with a short message that names the input and the
problem; exceptions are never echoed, so no content can leak through them.

Only requests for an allowed ``Host`` are served (``--allowed-host``; loopback names by
default), and there are no trailing-slash redirects: nothing builds a URL from a header.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redactor.errors import ForbiddenError, InputError, NotFoundError, RedactorError
from redactor.store import PurgeReceipt, Store
from redactor.web import api, grants, pages, webhooks
from redactor.web.deps import LoginRequired, optional_principal

__all__ = ["create_app"]

log = logging.getLogger("redactor.web")

STATIC_DIR = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

PurgeFn = Callable[..., PurgeReceipt]
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def _resume(store: Store, purge_fn: PurgeFn) -> None:
    """At start: finish the purges a previous server was killed in (webhook or API), then
    the webhook events they answer. A failure is logged and retried at the next start."""
    from redactor.purge import resume_purges
    from redactor.web.webhooks import resume_events

    try:
        jobs = resume_purges(store)
        events = resume_events(store, purge_fn)
    except Exception as exc:
        log.error("resuming unfinished purges failed: %s", type(exc).__name__)
        return
    if jobs or events:
        log.warning("resumed %d unfinished purge(s), %d webhook event(s)", len(jobs), events)


def _default_purge() -> PurgeFn:
    from redactor.purge import purge

    return purge


def create_app(
    store: Store,
    *,
    purge: PurgeFn | None = None,
    allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
) -> FastAPI:
    """The support viewer and host API over ``store``.

    ``purge`` is the function that purges a recording (``redactor.purge.purge`` by default):
    ``purge(store, recording_id, reason, actor=...) -> receipt``. ``allowed_hosts`` are the
    ``Host`` header values served (``*.example.com`` wildcards allowed); others get 400.
    """
    purge_fn = purge or _default_purge()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _resume(store, purge_fn)
        yield

    app = FastAPI(
        title="redactor",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.purge = purge_fn
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(grants.router)
    app.include_router(webhooks.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_handlers(app)
    # Added last = outermost: the host check's 400 gets the security headers as well.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds the security and cache headers to every response, and answers an unexpected
    exception with a plain 500 (logged by type only: its message could hold content)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                if static:
                    headers["Cache-Control"] = "public, max-age=300"
                else:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            log.error("request failed: %s", type(exc).__name__)
            if started:  # too late for an error response; the server closes the connection
                return
            response = _error(Request(scope), 500, "internal error")
            await response(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/webhooks/")) or "text/html" not in (
        request.headers.get("accept", "")
    )


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    principal = None
    try:
        principal = optional_principal(request)
    except HTTPException:
        principal = None
    return pages.render(
        request, "error.html", status, principal=principal, status=status, message=message
    )


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = _error(request, exc.status_code, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        # Only where the problem is, never the submitted value (it could be personal data).
        where = sorted({".".join(str(x) for x in e.get("loc", ())) for e in exc.errors()})
        return _error(request, 422, "invalid request: " + ", ".join(where))

    @app.exception_handler(RedactorError)
    async def redactor_error(request: Request, exc: RedactorError) -> Response:
        if isinstance(exc, NotFoundError):
            return _error(request, 404, str(exc))
        if isinstance(exc, ForbiddenError):
            return _error(request, 403, str(exc))
        if isinstance(exc, InputError):
            return _error(request, 400, str(exc))
        log.warning("request failed: %s", type(exc).__name__)
        return _error(request, 500, "internal error")
