"""Request dependencies: the store, and who the caller is (API token or browser session).

An API client sends ``Authorization: Bearer rdk_...``; a browser logs in once with its token
and then carries a session cookie (HttpOnly, SameSite=Strict). A state-changing request that
rides on the cookie must also come from our own origin (defence in depth over SameSite).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request

from redactor.auth import Principal, principal_for_session, principal_for_token
from redactor.store import Store
from redactor.web.throttle import Attempt

__all__ = ["SESSION_COOKIE", "check_origin", "current", "optional_principal", "require", "store_of"]

SESSION_COOKIE = "redactor_session"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class LoginRequired(Exception):
    """A page was asked for without a session: the app redirects to the login page."""


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def optional_principal(request: Request) -> Principal | None:
    """The caller of this request, worked out once (an error page asks again: the failed
    bearer token it answers for must not count twice)."""
    done: tuple[Principal | None] | None = getattr(request.state, "principal", None)
    if done is None:
        request.state.principal = (None,)  # a 429 raised below leaves "nobody"
        request.state.principal = done = (_principal(request),)
    return done[0]


def _principal(request: Request) -> Principal | None:
    store = store_of(request)
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return _bearer(store, Attempt.of(request, token.strip(), "bearer"), token.strip())
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid:
        return None
    principal = principal_for_session(store, sid)
    if principal is not None:
        check_origin(request)
    return principal


def _bearer(store: Store, attempt: Attempt, token: str) -> Principal | None:
    """A bearer token's principal. A wrong token is a failed authentication, throttled and
    audited like a failed login (``redactor.web.throttle``); a throttled one is not even
    looked up: 429."""
    if attempt.throttled(store):
        raise HTTPException(
            429, "too many failed authentications", {"Retry-After": attempt.retry_after}
        )
    principal = principal_for_token(store, token) if token else None
    if principal is None:
        attempt.failed(store)
    return principal


def check_origin(request: Request) -> None:
    """Refuse a state-changing browser request sent from another site's page."""
    if request.method in _SAFE_METHODS:
        return
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(403, "cross-origin request refused")


def current(request: Request) -> Principal:
    """The caller, or 401 (API) / a redirect to the login page (HTML)."""
    principal = optional_principal(request)
    if principal is None:
        if request.url.path.startswith(("/api/", "/webhooks/")):
            raise HTTPException(401, "authentication required", {"WWW-Authenticate": "Bearer"})
        raise LoginRequired()
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency that lets only these roles through (403 for any other valid caller)."""

    def dependency(principal: Principal = Depends(current)) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"role {principal.role} may not do this")
        return principal

    return dependency
