"""Cross-origin calls to ``/graphql`` and ``/files/...`` from the browser apps a deployment names.

``CORS_ORIGINS`` lists exact origins (see :func:`khuyenhoc.config.cors_origins`); none means
same origin only. An allowed origin is echoed in ``Access-Control-Allow-Origin``; any other
gets no CORS header, so the browser keeps the answer from its page. Tokens travel in the
``Authorization`` header, never in cookies, so credentials are not allowed.
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Response

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

    def preflight(self, request: Any, methods: str = ALLOWED_METHODS) -> Answer:
        """``OPTIONS /graphql`` (or ``/files/...``, GET only): what a page of an allowed origin
        may send, cached ``max-age``."""
        headers = {"Allow": f"{methods}, OPTIONS", "Vary": "Origin"}
        origin = request.headers.get("Origin", "")
        if self.allowed(origin):
            headers |= {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
            }
        return 204, headers, ""

    def decorate(self, request: Any, answer: Any, expose: str | None = None) -> Any:
        """An answer with ``Vary: Origin`` and, for an allowed origin, the origin echoed (and
        the response headers its script may read, ``expose``). ``answer`` is a nameko
        ``(status, headers, body)`` or a werkzeug ``Response`` (a file)."""
        origin = request.headers.get("Origin", "")
        extra = {}
        if self.allowed(origin):
            extra["Access-Control-Allow-Origin"] = origin
            if expose:
                extra["Access-Control-Expose-Headers"] = expose
        if isinstance(answer, Response):
            answer.headers["Vary"] = _vary(answer.headers.get("Vary"), "Origin")
            answer.headers.update(extra)
            return answer
        status, headers, body = answer
        headers = {**headers, "Vary": _vary(headers.get("Vary"), "Origin"), **extra}
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
