"""Cross-origin calls to ``/graphql`` from the browser apps a deployment names.

``CORS_ORIGINS`` lists exact origins (see :func:`khuyenhoc.config.cors_origins`); none means
same origin only. An allowed origin is echoed in ``Access-Control-Allow-Origin``; any other
gets no CORS header, so the browser keeps the answer from its page. Tokens travel in the
``Authorization`` header, never in cookies, so credentials are not allowed.
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from khuyenhoc.config import ANY_ORIGIN, cors_origins

Answer = tuple[int, dict[str, str], Any]

ALLOWED_METHODS = "POST, GET"
ALLOWED_HEADERS = "Authorization, Content-Type"
MAX_AGE_SECONDS = 7200  # Chromium's ceiling


class CorsPolicy:
    def __init__(self, origins: frozenset[str]) -> None:
        self.origins = origins

    def allowed(self, origin: str) -> bool:
        return bool(origin) and (ANY_ORIGIN in self.origins or origin.lower() in self.origins)

    def preflight(self, request: Any) -> Answer:
        """``OPTIONS /graphql``: what a page of an allowed origin may send, cached ``max-age``."""
        headers = {"Allow": "GET, POST, OPTIONS", "Vary": "Origin"}
        origin = request.headers.get("Origin", "")
        if self.allowed(origin):
            headers |= {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
            }
        return 204, headers, ""

    def decorate(self, request: Any, answer: Answer) -> Answer:
        """An answer with ``Vary: Origin`` and, for an allowed origin, the origin echoed."""
        status, headers, body = answer
        headers = {**headers, "Vary": _vary(headers.get("Vary"), "Origin")}
        origin = request.headers.get("Origin", "")
        if self.allowed(origin):
            headers["Access-Control-Allow-Origin"] = origin
        return status, headers, body


def _vary(existing: str | None, name: str) -> str:
    names = [part.strip() for part in (existing or "").split(",") if part.strip()]
    return ", ".join(names if name in names else [*names, name])


class Cors(DependencyProvider):
    """The policy, read from the config when the gateway starts: a malformed ``CORS_ORIGINS``
    (or ``*`` outside development) stops the start with the reason."""

    policy: CorsPolicy

    def setup(self) -> None:
        self.policy = CorsPolicy(cors_origins(self.container.config))

    def get_dependency(self, worker_ctx: Any) -> CorsPolicy:
        return self.policy
