"""Queries of notification: the delivery log of a unit and the units below it."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import READERS, authenticated, readable_unit
from gateway.notification.types import DeliveryStatus, Notification
from gateway.wire import enum_value


def resolve_notifications(
    root: Any,
    info: Any,
    unit_code: str,
    recipient: str | None = None,
    event_id: str | None = None,
    status: Any = None,
    first: int = 50,
) -> list[dict[str, Any]]:
    """The log of a unit the caller reads; the same refusal whether the unit exists or not."""
    caller = authenticated(info)
    unit = info.context.rpc.registration.get_unit(unit_code, caller.tenant)
    path = readable_unit(info, unit, READERS)
    return info.context.rpc.notification.delivery_log(
        path.tenant, str(path), recipient, event_id, enum_value(status), first
    )


QUERIES: dict[str, Any] = {
    "notifications": graphene.List(
        graphene.NonNull(Notification),
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        recipient=graphene.String(description="e.g. subject:hh-3f9a0c11aa"),
        event_id=graphene.String(
            description="Only the deliveries of this event (its CloudEvents id)"
        ),
        status=graphene.Argument(DeliveryStatus, description="Only deliveries in this state"),
        first=graphene.Int(default_value=50, description="At most this many deliveries"),
        resolver=resolve_notifications,
        description="Delivery log of a unit and the units below it, newest first",
    ),
}
