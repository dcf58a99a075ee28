"""How a deletion webhook proves it comes from the host: Standard Webhooks, and the legacy scheme.

**Standard Webhooks** (https://www.standardwebhooks.com, verified with the ``standardwebhooks``
package): the host signs ``<webhook-id>.<webhook-timestamp>.<raw body>`` with HMAC-SHA256 under
the base64-decoded ``whsec_`` secret and sends ``webhook-id``, ``webhook-timestamp`` (Unix
seconds, within five minutes) and ``webhook-signature`` (``v1,<base64>``, several separated by
spaces while rotating). The ``webhook-id`` is the event id: a redelivery with the same id is a
duplicate.

**Legacy** (``X-Redactor-Timestamp`` / ``X-Redactor-Signature: v1=<hex>``): HMAC-SHA256 over
``<timestamp>.<raw body>`` keyed with the secret string itself; the event id is the body's
``event_id``. Kept for senders written before Standard Webhooks; new senders should not use it.

Every malformed header is a clean 400/401: no parsing here can raise anything else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Mapping, Sequence

from fastapi import HTTPException
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

__all__ = [
    "LEGACY_SIG_HEADER",
    "LEGACY_TS_HEADER",
    "TOLERANCE_S",
    "sign",
    "uses_standard_webhooks",
    "verify",
    "verify_standard",
]

TOLERANCE_S = 300  # the Standard Webhooks tolerance, and the legacy one
LEGACY_TS_HEADER = "x-redactor-timestamp"
LEGACY_SIG_HEADER = "x-redactor-signature"
ID_HEADER, TS_HEADER, SIG_HEADER = "webhook-id", "webhook-timestamp", "webhook-signature"
# ASCII digits only: "²".isdigit() is true, and int("²") raises.
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
_MAX_SIGNATURES = 8


def uses_standard_webhooks(headers: Mapping[str, str]) -> bool:
    return any(h in headers for h in (ID_HEADER, TS_HEADER, SIG_HEADER))


def _check_timestamp(value: str | None, header: str, at: float | None) -> int:
    if not value:
        raise HTTPException(400, f"missing {header} header")
    if not _UNIX_SECONDS.fullmatch(value):
        raise HTTPException(400, f"{header}: must be Unix seconds")
    ts = int(value)
    if abs((time.time() if at is None else at) - ts) > TOLERANCE_S:
        raise HTTPException(401, f"{header}: outside the {TOLERANCE_S} s tolerance")
    return ts


def verify_standard(
    secrets_: Sequence[str], headers: Mapping[str, str], body: bytes
) -> tuple[str, int]:
    """The ``webhook-id`` and timestamp of a request one of the host's secrets signed.

    Raises HTTPException (400 for a malformed request, 401 for a signature that does not
    verify). The headers are checked here first, so the package only ever sees well-formed
    values; the package then checks the tolerance and the signatures in constant time.
    """
    msg_id = headers.get(ID_HEADER, "")
    if not msg_id:
        raise HTTPException(400, f"missing {ID_HEADER} header")
    ts = _check_timestamp(headers.get(TS_HEADER), TS_HEADER, None)
    signature = headers.get(SIG_HEADER, "")
    if not signature:
        raise HTTPException(401, f"missing {SIG_HEADER} header")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "body: not valid UTF-8") from None
    # Only well-formed "v1,<base64>" entries reach the package (it would raise on others).
    parts = [p for p in signature.split(" ") if p][:_MAX_SIGNATURES]
    wellformed = " ".join(p for p in parts if _is_v1(p))
    if not wellformed:
        raise HTTPException(401, "signature does not match")
    given = {ID_HEADER: msg_id, TS_HEADER: str(ts), SIG_HEADER: wellformed}
    ok = False
    for secret in secrets_:
        try:
            Webhook(secret).verify(text, given, json_parse=False)
            ok = True
        except (WebhookVerificationError, binascii.Error, ValueError):
            continue
    if not ok:
        raise HTTPException(401, "signature does not match")
    return msg_id, ts


def _is_v1(entry: str) -> bool:
    version, _, sig = entry.partition(",")
    if version != "v1" or not sig:
        return False
    try:
        return len(base64.b64decode(sig, validate=True)) == hashlib.sha256().digest_size
    except (binascii.Error, ValueError):
        return False


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The legacy ``X-Redactor-Signature`` value a sender computes (also used by the tests)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(
    secrets_: Sequence[str],
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    at: float | None = None,
) -> None:
    """Legacy scheme: raise HTTPException unless one signature matches one secret in time."""
    _check_timestamp(timestamp, LEGACY_TS_HEADER, at)
    assert timestamp is not None
    if not signature:
        raise HTTPException(401, f"missing {LEGACY_SIG_HEADER} header")
    given = [p.strip() for p in signature.split(",") if p.strip()][:4]
    ok = False
    for secret in secrets_:
        expected = sign(secret, timestamp, body)
        for g in given:
            # Check every pair (no early exit) so timing says nothing about which matched.
            ok |= hmac.compare_digest(expected.encode(), g.encode())
    if not ok:
        raise HTTPException(401, "signature does not match")
