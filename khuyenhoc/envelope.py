"""The event envelope: CloudEvents 1.0 (structured JSON) plus ``tenant`` and ``unitpath``.

Pure: building and reading envelopes does no I/O, so domain code and tests use it freely.
Schema validation lives in :mod:`khuyenhoc.contracts`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from khuyenhoc.tenancy import UnitPath

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class EventType:
    """One versioned event contract: who emits it, its name (the AMQP routing key), its major."""

    service: str
    name: str
    major: int

    @property
    def type(self) -> str:
        return f"vn.khuyenhoc.{self.service}.{self.name}.v{self.major}"

    @property
    def source(self) -> str:
        return f"/khuyenhoc/{self.service}"

    @property
    def dataschema(self) -> str:
        return f"urn:khuyenhoc:schema:{self.name}:{self.major}"


@dataclass(frozen=True)
class Envelope:
    """A received event, after validation."""

    id: str
    type: str
    source: str
    subject: str
    time: str
    tenant: str
    unitpath: UnitPath
    data: dict[str, Any]

    @classmethod
    def from_dict(cls, event: dict[str, Any]) -> Envelope:
        return cls(
            id=event["id"],
            type=event["type"],
            source=event["source"],
            subject=event["subject"],
            time=event["time"],
            tenant=event["tenant"],
            unitpath=UnitPath.parse(event["unitpath"]),
            data=event["data"],
        )


def new_event(
    kind: EventType,
    *,
    subject: str,
    unit_path: UnitPath,
    data: dict[str, Any],
    event_id: str | None = None,
    time: datetime | None = None,
) -> dict[str, Any]:
    """Build the structured CloudEvent for ``kind``; the tenant is the path's province."""
    return {
        "specversion": SPEC_VERSION,
        "id": event_id or str(uuid.uuid4()),
        "source": kind.source,
        "type": kind.type,
        "time": (time or datetime.now(UTC)).isoformat(),
        "subject": subject,
        "datacontenttype": CONTENT_TYPE,
        "dataschema": kind.dataschema,
        "tenant": unit_path.tenant,
        "unitpath": str(unit_path),
        "data": data,
    }
