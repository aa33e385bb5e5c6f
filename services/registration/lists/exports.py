"""The officers' paper record: a unit's registrations for a year as an .xlsx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import export_rows
from khuyenhoc.tenancy import UnitPath
from services.registration.messages import (
    EXPORT_COLUMNS,
    EXPORT_HEADING,
    EXPORT_KINDS,
    EXPORT_STATUSES,
    EXPORT_TITLES,
)

if TYPE_CHECKING:
    from services.registration.enrolment.store import Registrations

PAGE = 1000


def registrations_workbook(registrations: Registrations, path: UnitPath, year: int) -> bytes:
    title = EXPORT_HEADING.format(year=year, code=path.code)
    return export_rows(title, EXPORT_COLUMNS, _rows(registrations, path, year))


def _rows(registrations: Registrations, path: UnitPath, year: int) -> Iterator[list[Any]]:
    number, after = 0, None
    while True:
        page, cursor = registrations.list_page(path, year, None, None, None, after, PAGE)
        if not page:
            return
        details = registrations.subject_details([e.subject_id for e in page])
        for enrolment in page:
            number += 1
            subject = details.get(enrolment.subject_id, {})
            yield [
                number,
                enrolment.name,
                EXPORT_KINDS.get(enrolment.subject_kind),
                EXPORT_TITLES.get(enrolment.title),
                subject.get("address"),
                EXPORT_STATUSES.get(enrolment.status, enrolment.status),
                enrolment.id,
            ]
        if cursor is None:
            return
        after = cursor
