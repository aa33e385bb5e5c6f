"""Deadline reminders: a week before a unit's dossier (hồ sơ đề nghị) is due, the officers
subscribed at that unit are reminded, once per deadline, unless the unit has proposed already.
The deadlines are scoring's (configured per province and title)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from services.notification.domain import REMINDER, Notice
from services.notification.ports import StoresOf, SubscribedUnits
from services.notification.service import schedule

REMIND_DAYS_BEFORE = 7

Deadlines = Callable[[str, str, int], list[dict[str, Any]]]


def due_reminders(
    tenant: str,
    unit_code: str,
    unitpath: str,
    unit_name: str,
    deadlines: list[dict[str, Any]],
    year: int,
    today: date,
) -> list[Notice]:
    """The reminders ``today`` calls for at one unit (pure)."""
    found = []
    for item in deadlines:
        due = item.get("dossier_due")
        if not due or item.get("proposed"):
            continue
        days_left = (date.fromisoformat(due) - today).days
        if not 0 <= days_left <= REMIND_DAYS_BEFORE:
            continue
        found.append(
            Notice(
                id=f"reminder-{tenant}-{unit_code}-{item['title']}-{year}-dossier",
                name=REMINDER,
                tenant=tenant,
                unitpath=unitpath,
                data={
                    "title": item["title"],
                    "year": year,
                    "dueDate": due,
                    "daysLeft": days_left,
                    "unitCode": unit_code,
                    "unitName": unit_name,
                },
            )
        )
    return found


def plan_reminders(
    units: SubscribedUnits, stores_of: StoresOf, deadlines: Deadlines, today: date, now: datetime
) -> int:
    """Plan every reminder due today for the units that have subscribers, in every province
    (each through its own stores); returns how many are new."""
    planned = 0
    for unit in sorted(units.units(), key=lambda u: (u.tenant, u.unit_code)):
        stores = stores_of(unit.tenant)
        for year in (today.year - 1, today.year):
            items = deadlines(unit.tenant, unit.unit_code, year)
            for notice in due_reminders(
                unit.tenant, unit.unit_code, unit.unitpath, unit.unit_name, items, year, today
            ):
                planned += schedule(stores, notice, now)
    return planned
