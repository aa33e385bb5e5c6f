"""Registration's use cases: thin orchestration of domain rules and stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.domain import Enrolment, Household, SubjectKind, Title
from services.registration.hierarchy import registration_date
from services.registration.schemas import MESSAGES

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.store import Directory, Registrations


@dataclass(frozen=True)
class Registered:
    enrolment_id: str
    subject_id: str
    title: str
    year: int
    unit_path: str
    created: bool  # False when this was a re-submission of an existing enrolment

    def as_dict(self) -> dict[str, object]:
        return {
            "enrolmentId": self.enrolment_id,
            "subjectId": self.subject_id,
            "title": self.title,
            "year": self.year,
            "unitPath": self.unit_path,
            "created": self.created,
        }


def commune_path(directory: Directory, tenant: str, code: str, year: int) -> UnitPath:
    """The commune's path inside ``tenant`` as the directory stood for ``year``; another
    tenant's commune is simply not found."""
    unit = directory.get(tenant, code, registration_date(year, date.today()))
    if unit is None or unit["level"] != "commune":
        raise InvalidInput([MESSAGES.error("communeCode", "commune_not_found")])
    return UnitPath.parse(unit["path"])


def register_household(
    directory: Directory,
    registrations: Registrations,
    household: Household,
    year: int,
    now: datetime | None = None,
) -> Registered:
    """Register the household (once) and enrol it for "Gia đình học tập" in ``year`` (once)."""
    now = now or datetime.now(UTC)
    path = commune_path(directory, household.tenant, household.commune_code, year)
    registrations.add_subject(household.as_document(path, now))
    enrolment = Enrolment(household.subject_id, SubjectKind.HOUSEHOLD, Title.FAMILY, year, path)
    created = registrations.add_enrolment(
        enrolment.as_document(now), enrolment.registered_event(now)
    )
    return Registered(
        enrolment.id, household.subject_id, Title.FAMILY.value, year, str(path), created
    )
