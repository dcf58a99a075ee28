"""Throttling token guesses: failed logins (the form) and failed bearer authentications.

Every failure counts against the client address and, when the token tried names a token id
(``rdk_<id>_...``), against that token id. After ``MAX_FAILURES`` of either within ``WINDOW``,
every attempt on it, right or wrong, gets 429 with ``Retry-After`` until the window passes
without one. Per address stops one client guessing; per token id stops many addresses
guessing one token's secret (the price: someone hammering a token id locks its holder out
for the window too; revoke and re-create a token under attack). Each failure and each refused
attempt is audited by ``client:<address>`` with the token id, never the token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request

from redactor.auth import TOKEN_PREFIX
from redactor.store import Store

__all__ = ["MAX_FAILURES", "WINDOW", "Attempt"]

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
# The id part of a token as ``create_token`` makes it (12 hex digits); nothing else of what
# was typed is ever kept, so a password pasted into the form cannot land in the audit log.
_TOKEN_ID = re.compile(re.escape(TOKEN_PREFIX) + r"([0-9a-f]{12})_")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One authentication attempt: from where, which token id it named, through which door."""

    client: str
    token_id: str | None
    via: str  # login | bearer

    @classmethod
    def of(cls, request: Request, token: str, via: str) -> Attempt:
        client = (request.client.host if request.client else "unknown")[:64]
        m = _TOKEN_ID.match(token)
        return cls(client, m.group(1) if m else None, via)

    @property
    def retry_after(self) -> str:
        return str(int(WINDOW.total_seconds()))

    def throttled(self, store: Store) -> bool:
        """Whether this attempt must be refused unchecked; a refusal is recorded and audited
        (and keeps the window open)."""
        if store.logins.failures(self.client, WINDOW, token_id=self.token_id) < MAX_FAILURES:
            return False
        self._record(store, throttled=True)
        return True

    def failed(self, store: Store) -> None:
        self._record(store, throttled=False)

    def succeeded(self, store: Store) -> None:
        store.logins.clear(self.client, token_id=self.token_id)

    def _record(self, store: Store, *, throttled: bool) -> None:
        store.logins.record_failure(
            self.client, window=WINDOW, throttled=throttled, token_id=self.token_id, via=self.via
        )
