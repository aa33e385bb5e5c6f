"""Helpers for integration tests: real broker and Mongo-compatible server, no mocks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from kombu import Connection, Queue

from khuyenhoc.envelope import EventType
from khuyenhoc.outbox import EventPublisher
from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.topology import dead_letter_queue, event_exchange
from services.registration.commands import load_directory
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import service as scoring_service
from services.scoring import store as scoring_store


def registered_event(
    subject: str = "hh-1", commune_path: str = "20/183/06184", year: int = 2024
) -> dict[str, Any]:
    enrolment = Enrolment(
        subject, SubjectKind.HOUSEHOLD, Title.FAMILY, year, UnitPath.parse(commune_path)
    )
    return enrolment.registered_event(datetime.now(UTC))


def withdrawn_event(registered: dict[str, Any], reason: str = "") -> dict[str, Any]:
    """The withdrawal of the enrolment a ``registered`` event announced, a moment later."""
    enrolment = Enrolment(
        registered["data"]["subjectId"],
        SubjectKind(registered["data"]["subjectKind"]),
        Title(registered["data"]["title"]),
        registered["data"]["year"],
        UnitPath.parse(registered["unitpath"]),
    )
    return enrolment.withdrawn_event(datetime.now(UTC), reason)


def publish(config: dict[str, Any], event: dict[str, Any]) -> None:
    assert EventPublisher(config, "registration").publish(event)


def registered_count(config: dict[str, Any], path: str, year: int = 2024) -> int:
    db = service_database(config, "scoring")
    assessments = scoring_store.Assessments(TenantDatabase(db, UnitPath.parse(path).tenant))
    stats = scoring_service.unit_stats(assessments, UnitPath.parse(path), year)
    return stats.get("FAMILY", {}).get("registered", 0)


def load_demo_directory(config: dict[str, Any], *provinces: str) -> None:
    for province in provinces or ("20",):
        load_directory(config, province, "2024", show_progress=False)


def registration_db(config: dict[str, Any]):
    return service_database(config, "registration")


def dead_letters(config: dict[str, Any], service: str) -> list[tuple[Any, dict[str, Any]]]:
    """Drain ``dlq.<service>``: (raw body, headers) of every parked message."""
    found = []
    with Connection(config["AMQP_URI"]) as connection:
        queue = dead_letter_queue(service)(connection.default_channel)
        queue.declare()
        while (message := queue.get(no_ack=True)) is not None:
            found.append((message.body, message.headers))
    return found


def tap(config: dict[str, Any], kind: EventType) -> Queue:
    """A queue bound to an event's exchange, to read exactly what was published."""
    return Queue(
        f"tap-{kind.name}-{uuid.uuid4().hex[:8]}",
        exchange=event_exchange(kind.service, config),
        routing_key=kind.name,
        durable=False,
        auto_delete=True,
    )


def publish_raw(
    config: dict[str, Any], body: Any, kind: EventType, content_type: str | None = None
) -> None:
    """Publish anything to an event's routing key, as a buggy or hostile producer would."""
    with Connection(config["AMQP_URI"]) as connection:
        producer = connection.Producer(serializer="json")
        raw = {"content_type": content_type, "content_encoding": "binary"} if content_type else {}
        producer.publish(
            body,
            exchange=event_exchange(kind.service, config),
            routing_key=kind.name,
            delivery_mode=2,
            mandatory=True,
            **raw,
        )
