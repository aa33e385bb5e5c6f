"""Webhook signatures: HMAC-SHA256 over ``timestamp + "." + body``.

Every request carries ``X-Khuyenhoc-Timestamp`` (Unix seconds) and ``X-Khuyenhoc-Signature:
v1=<hex>``. A partner verifies with :func:`verify` (or the same few lines in its own language):
the signature proves the sender holds the shared secret and the body is unchanged; the
timestamp, signed with it, lets the receiver refuse a captured request played again later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Khuyenhoc-Timestamp"
SIGNATURE_HEADER = "X-Khuyenhoc-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(ValueError):
    """The request is not from us, was changed, or is too old (a replay)."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """The request's timestamp if the signature is ours and fresh; :class:`InvalidSignature`
    otherwise. ``headers`` is looked up case-insensitively."""
    found = {key.lower(): value for key, value in headers.items()}
    raw_time = found.get(TIMESTAMP_HEADER.lower(), "")
    given = found.get(SIGNATURE_HEADER.lower(), "")
    try:
        timestamp = int(raw_time)
    except ValueError as exc:
        raise InvalidSignature("missing or malformed timestamp") from exc
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance (replayed or clock skew)")
    candidates = [part.strip() for part in given.split(",")]  # several during key rotation
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("signature does not match")
    return timestamp
