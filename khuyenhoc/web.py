"""What every service answers over HTTP: ``/health`` for probes, ``/metrics`` for Prometheus."""

from __future__ import annotations

import json
from typing import Any

from nameko.web.handlers import http

from khuyenhoc import metrics
from khuyenhoc.metrics import Instrumentation
from khuyenhoc.secret_keys import SecretsCheck
from khuyenhoc.storage import StoreError as PyMongoError
from khuyenhoc.storage import ping

JSON = {"Content-Type": "application/json; charset=utf-8"}


def json_response(status: int, payload: Any) -> tuple[int, dict[str, str], str]:
    return status, JSON, json.dumps(payload, ensure_ascii=False)


class ObservableService:
    """Base of every nameko service class: health, metrics and per-entrypoint timing."""

    name: str
    instrumentation = Instrumentation()
    secrets_check = SecretsCheck()  # no start on a published or short key (outside development)

    @http("GET", "/health")
    def health(self, request: Any) -> tuple[int, dict[str, str], str]:
        checks: dict[str, str] = {}
        db = getattr(self, "db", None)
        if db is not None:
            try:
                ping(db)
                checks["mongo"] = "ok"
            except PyMongoError as exc:
                return json_response(
                    503, {"service": self.name, "status": "down", "mongo": str(exc)}
                )
        return json_response(200, {"service": self.name, "status": "ok", **checks})

    @http("GET", "/metrics")
    def metrics(self, request: Any) -> tuple[int, dict[str, str], str]:
        return metrics.render()
