"""Registration rules: subjects, their identity for de-duplication, enrolments for a title."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import new_event
from khuyenhoc.events import REGISTERED
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key

FIRST_YEAR = 2000  # earliest programme year the platform records


class Title(StrEnum):
    FAMILY = "FAMILY"
    CLAN = "CLAN"
    COMMUNITY = "COMMUNITY"
    COMMUNE_COMMUNITY = "COMMUNE_COMMUNITY"
    UNIT = "UNIT"
    CITIZEN = "CITIZEN"


class SubjectKind(StrEnum):
    HOUSEHOLD = "household"
    CLAN = "clan"
    COMMUNITY = "community"
    LEARNING_UNIT = "learning_unit"
    CITIZEN = "citizen"


def registration_years(today: date) -> range:
    """Years one may register for: the programme's records up to next year's early sign-up."""
    return range(FIRST_YEAR, today.year + 2)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Member:
    name: str
    relation: str
    birth_year: int | None = None
    learning: bool = False


@dataclass(frozen=True)
class Household:
    """A household of a commune; the same head and hamlet in the same commune is the same
    household, however the name was typed (case, diacritics, spacing, Unicode form)."""

    tenant: str
    commune_code: str
    head_name: str
    address: str
    members: tuple[Member, ...] = ()
    phone: str | None = None

    @property
    def subject_id(self) -> str:
        key = _digest(
            self.tenant, self.commune_code, search_key(self.head_name), search_key(self.address)
        )
        return f"hh-{key}"

    def as_document(self, unit_path: UnitPath, now: datetime) -> dict[str, Any]:
        return {
            "_id": self.subject_id,
            "tenant": self.tenant,
            "kind": SubjectKind.HOUSEHOLD.value,
            "unit_code": self.commune_code,
            "unitpath": str(unit_path),
            **unit_path.depth_fields(),
            "head_name": self.head_name,
            "name_key": search_key(self.head_name),
            "address": self.address,
            "members": [vars(m) for m in self.members],
            "phone": self.phone,
            "created_at": now,
        }


@dataclass(frozen=True)
class Enrolment:
    """A subject's registration for one title in one year; its id is its natural key."""

    subject_id: str
    subject_kind: SubjectKind
    title: Title
    year: int
    unit_path: UnitPath

    @property
    def id(self) -> str:
        return f"{self.unit_path.tenant}-{self.title.value}-{self.year}-{self.subject_id}"

    def registered_event(self, now: datetime) -> dict[str, Any]:
        return new_event(
            REGISTERED,
            subject=f"enrolment/{self.id}",
            unit_path=self.unit_path,
            time=now,
            data={
                "enrolmentId": self.id,
                "subjectId": self.subject_id,
                "subjectKind": self.subject_kind.value,
                "title": self.title.value,
                "year": self.year,
                "unitCode": self.unit_path.code,
            },
        )

    def as_document(self, now: datetime) -> dict[str, Any]:
        return {
            "_id": self.id,
            "tenant": self.unit_path.tenant,
            "subject_id": self.subject_id,
            "subject_kind": self.subject_kind.value,
            "title": self.title.value,
            "year": self.year,
            "unit_code": self.unit_path.code,
            "unitpath": str(self.unit_path),
            **self.unit_path.depth_fields(),
            "status": "ENROLLED",
            "created_at": now,
        }
