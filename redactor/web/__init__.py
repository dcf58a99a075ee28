"""``redactor serve``: the support viewer (redacted only, ticket-bound, audited) and host API."""

from __future__ import annotations

from redactor.web.app import create_app

__all__ = ["create_app"]
