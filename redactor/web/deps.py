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

__all__ = ["SESSION_COOKIE", "check_origin", "current", "optional_principal", "require", "store_of"]

SESSION_COOKIE = "redactor_session"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class LoginRequired(Exception):
    """A page was asked for without a session: the app redirects to the login page."""


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def optional_principal(request: Request) -> Principal | None:
    store = store_of(request)
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return principal_for_token(store, token.strip())
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid:
        return None
    principal = principal_for_session(store, sid)
    if principal is not None:
        check_origin(request)
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
