"""Prometheus metrics shared by every service, and the instrumentation of every entrypoint."""

from __future__ import annotations

import time
from typing import Any

from nameko.extensions import DependencyProvider
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

EVENTS_EMITTED = Counter(
    "khuyenhoc_events_emitted_total",
    "Events published to the broker",
    ["service", "type", "tenant"],
)
EVENTS_CONSUMED = Counter(
    "khuyenhoc_events_consumed_total",
    "Events received, by outcome (processed, duplicate, dead_lettered, requeued)",
    ["service", "type", "tenant", "outcome"],
)
DEAD_LETTERS = Counter(
    "khuyenhoc_dead_letters_total",
    "Messages parked in a service's dead-letter queue, by reason (undecodable, not_an_object, "
    "unsupported_type, invalid_contract, unknown_tenant, handler_error)",
    ["service", "reason"],
)
NOTIFICATIONS = Counter(
    "khuyenhoc_notifications_total",
    "Notification deliveries by channel, tenant and outcome (sent, failed, retried, dead, "
    "skipped, deferred)",
    ["channel", "tenant", "outcome"],
)
HANDLER_SECONDS = Histogram(
    "khuyenhoc_handler_seconds", "Time spent in each entrypoint", ["service", "entrypoint"]
)
HANDLER_ERRORS = Counter(
    "khuyenhoc_handler_errors_total",
    "Entrypoint calls that raised",
    ["service", "entrypoint", "error"],
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "khuyenhoc_outbox_publish_failures_total",
    "Outbox events the broker did not accept yet",
    ["service", "type"],
)
OUTBOX_LAG = Gauge(
    "khuyenhoc_outbox_pending_documents",
    "Documents with unpublished events after a relay pass",
    ["service"],
)


def render() -> tuple[int, dict[str, str], str]:
    """A nameko HTTP response with the process's metrics."""
    return 200, {"Content-Type": CONTENT_TYPE_LATEST}, generate_latest().decode("utf-8")


class Instrumentation(DependencyProvider):
    """Times every worker and counts the ones that fail, whatever the entrypoint type."""

    def __init__(self) -> None:
        self._started: dict[Any, float] = {}

    def worker_setup(self, worker_ctx: Any) -> None:
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self._started.pop(worker_ctx, None)
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        if started is not None:
            HANDLER_SECONDS.labels(service, name).observe(time.perf_counter() - started)
        if exc_info is not None:
            HANDLER_ERRORS.labels(service, name, exc_info[0].__name__).inc()
