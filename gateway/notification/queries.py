"""Queries of notification: the delivery log of a unit and the units below it."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import READERS, authenticated, readable_unit
from gateway.notification.types import DeliveryStatus, Notification
from gateway.pagination import connection, page_arguments, window_page
from gateway.wire import enum_value

LOG_MOST = 500  # notification.delivery_log answers at most this many deliveries

NotificationConnection = connection(
    Notification, "Notification", "deliveries (lượt gửi thông báo) in the log"
)


def resolve_notifications(
    root: Any,
    info: Any,
    unit_code: str,
    recipient: str | None = None,
    event_id: str | None = None,
    status: Any = None,
    first: int = 50,
    after: str | None = None,
) -> dict[str, Any]:
    """The log of a unit the caller reads; the same refusal whether the unit exists or not.
    Newest first, among the newest ``LOG_MOST`` (notification's cap); a delivery logged while
    a client pages does not repeat a row (the cursor holds the last row's id)."""
    caller = authenticated(info)
    unit = info.context.rpc.registration.get_unit(unit_code, caller.tenant)
    path = readable_unit(info, unit, READERS)
    wanted = enum_value(status)

    def fetch(limit: int) -> list[dict[str, Any]]:
        return info.context.rpc.notification.delivery_log(
            path.tenant, str(path), recipient, event_id, wanted, limit
        )

    scope = f"{path}|{recipient}|{event_id}|{wanted}"
    return window_page(
        "notifications", scope, first, after, fetch, lambda row: row.get("_id"), LOG_MOST
    )


QUERIES: dict[str, Any] = {
    "notifications": graphene.Field(
        graphene.NonNull(NotificationConnection),
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        recipient=graphene.String(description="e.g. subject:hh-3f9a0c11aa"),
        event_id=graphene.String(
            description="Only the deliveries of this event (its CloudEvents id)"
        ),
        status=graphene.Argument(DeliveryStatus, description="Only deliveries in this state"),
        **page_arguments("deliveries (lượt gửi)"),
        resolver=resolve_notifications,
        description="Delivery log (nhật ký gửi) of a unit and the units below it, newest first; "
        "pages reach the newest 500 deliveries: narrow with recipient, eventId or status",
    ),
}
