"""Rate limits and the request body cap at the gateway's door.

A token bucket per (kind, key), in memory in each gateway process: ``sign_in`` (signIn,
refreshSession, signInWithOidc) per client address and per credential (username, refresh
token); ``public`` (``/graphql`` without a token, the public pages ``/cong-khai``…,
``/xac-minh``, ``/verify``) per client address; ``token`` (any ``/graphql`` request with a
bearer token) per token, only when configured. A bucket holds ``burst`` requests and refills
``per_second``; an empty one answers HTTP 429 with ``Retry-After`` and a Vietnamese message.

The client address is the connection's, unless it is one of ``TRUSTED_PROXIES``: then the
right-most address of ``X-Forwarded-For`` that is not a trusted proxy (a client may write any
``X-Forwarded-For``; only what the trusted proxies appended counts).

Config (all optional)::

    RATE_LIMITS: {sign_in: {burst: 30, per_second: 0.5}, public: {burst: 120, per_second: 20},
                  token: {burst: 300, per_second: 50}}  # token: off unless given
    TRUSTED_PROXIES: "10.0.0.5, 10.0.0.6"
    MAX_BODY_BYTES: 15728640
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any

from nameko.extensions import DependencyProvider

from gateway.messages import message

# Generous enough for an office of officers behind one address and for the test suites, which
# sign in a lot; tight enough that a password guesser gets ~1,800 tries an hour, not millions.
DEFAULT_RATES: dict[str, tuple[float, float]] = {  # kind: (burst, per second)
    "sign_in": (30.0, 0.5),
    "public": (120.0, 20.0),
}
# Requests per bearer token: off unless configured (officers' tools and the benchmarks send
# hundreds a second with one token; the services' own bounds hold them).
KINDS = frozenset({*DEFAULT_RATES, "token"})
MAX_BODY_BYTES = 15 * 1024 * 1024  # a 10 MB upload, base64, fits; see deploy/config.yaml
DRAIN_MOST = 64 * 1024 * 1024  # a refused body up to this is read (and dropped) before the 413
MAX_KEYS = 100_000  # buckets kept per process (least recently used forgotten first)
SIGN_IN_FIELDS = frozenset({"signIn", "refreshSession", "signInWithOidc"})
CREDENTIALS = frozenset({"username", "refreshToken"})  # sign-in's arguments with a bucket each
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"

Answer = tuple[int, dict[str, str], str]


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets by (kind, key); ``clock`` is injectable so tests never sleep."""

    def __init__(
        self,
        rates: Mapping[str, tuple[float, float]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.rates = dict(rates or DEFAULT_RATES)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()
        self._lock = Lock()

    def take(self, kind: str, key: str) -> float:
        """0 when the request may go on, else the seconds until it may be retried."""
        burst, per_second = self.rates[kind]
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop((kind, key), None) or _Bucket(burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * per_second)
            bucket.at = now
            self._buckets[(kind, key)] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / per_second if per_second > 0 else 3600.0


def too_many(retry_after: float) -> Answer:
    """HTTP 429 with ``Retry-After`` (whole seconds, at least 1) and the Vietnamese message."""
    seconds = max(1, math.ceil(retry_after))
    error = {
        "message": message("rate_limited", seconds=seconds),
        "extensions": {"code": "TOO_MANY_REQUESTS", "retryAfter": seconds},
    }
    body = json.dumps({"errors": [error]}, ensure_ascii=False)
    headers = {"Content-Type": "application/json; charset=utf-8", "Retry-After": str(seconds)}
    return 429, headers, body


def too_large(most: int) -> Answer:
    """HTTP 413 for a body over the cap, before any of it is parsed."""
    error = {
        "message": message("body_too_large", most=most),
        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
    }
    body = json.dumps({"errors": [error]}, ensure_ascii=False)
    return 413, {"Content-Type": "application/json; charset=utf-8"}, body


class Door:
    """What a gateway process lets in: its limiter, trusted proxies and body cap."""

    def __init__(
        self,
        limiter: RateLimiter | None = None,
        trusted_proxies: frozenset[str] = frozenset(),
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.limiter = limiter or RateLimiter()
        self.trusted_proxies = trusted_proxies
        self.max_body = max_body

    def address(self, request: Any) -> str:
        """The client's address (see the module's docstring for proxies)."""
        remote = str(request.remote_addr or "")
        if remote not in self.trusted_proxies:
            return remote
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed([a for a in forwarded if a]):
            if hop not in self.trusted_proxies:
                return hop
        return remote

    def check(self, kind: str, key: str) -> Answer | None:
        """None, or the 429 answer when the bucket is empty."""
        wait = self.limiter.take(kind, key)
        return too_many(wait) if wait else None

    def public(self, request: Any) -> Answer | None:
        return self.check("public", self.address(request))

    def token(self, header: str) -> Answer | None:
        """Per bearer token (its digest: tokens are never kept), when ``token`` is configured."""
        if "token" not in self.limiter.rates:
            return None
        return self.check("token", hashlib.sha256(header.encode()).hexdigest()[:32])

    def credential(self, value: str) -> Answer | None:
        """Sign-in per username or refresh token (its digest), whatever the address: a guesser
        spread over many addresses still gets one account's rate."""
        digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]
        return self.check("sign_in", f"credential:{digest}")

    def body_too_large(self, request: Any) -> Answer | None:
        """413 before reading a body the client says is over the cap, or that turns out to be."""
        length = request.content_length
        if length is not None and length > self.max_body:
            _drain(request.stream, length)
            return too_large(self.max_body)
        if length is None and request.method == "POST":
            data = request.stream.read(self.max_body + 1)
            if len(data) > self.max_body:
                return too_large(self.max_body)
            request._cached_data = data  # what get_data() answers from now on
        return None


def _drain(stream: Any, length: int) -> None:
    """Read and drop a refused body (in small chunks, never held) so the client reads the 413
    rather than a reset connection; a body past ``DRAIN_MOST`` is left unread."""
    if length > DRAIN_MOST:
        return
    left = length
    while left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            return
        left -= len(chunk)


def door_from(config: Mapping[str, Any]) -> Door:
    """The door a config describes; unknown kinds and bad numbers stop the start."""
    rates = dict(DEFAULT_RATES)
    for kind, given in (config.get("RATE_LIMITS") or {}).items():
        if kind not in KINDS:
            raise ValueError(f"RATE_LIMITS: unknown kind {kind!r} (one of {sorted(KINDS)})")
        if not given:
            continue
        burst, per_second = rates.get(kind, (300.0, 50.0))
        burst = float(given.get("burst", burst))
        per_second = float(given.get("per_second", per_second))
        if burst < 1 or per_second < 0:
            raise ValueError(f"RATE_LIMITS.{kind}: burst ≥ 1 and per_second ≥ 0")
        rates[kind] = (burst, per_second)
    proxies = config.get("TRUSTED_PROXIES") or ""
    if isinstance(proxies, str):
        proxies = proxies.split(",")
    trusted = frozenset(str(p).strip() for p in proxies if str(p).strip())
    max_body = int(config.get("MAX_BODY_BYTES") or MAX_BODY_BYTES)
    return Door(RateLimiter(rates), trusted, max_body)


class GatewayDoor(DependencyProvider):
    """One door per gateway process (its buckets live as long as the process)."""

    door: Door

    def setup(self) -> None:
        self.door = door_from(self.container.config)

    def get_dependency(self, worker_ctx: Any) -> Door:
        return self.door
