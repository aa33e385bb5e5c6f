"""Enrolments and subjects as the store hands them back: typed records instead of raw
documents, so the use cases and the answers read named fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from khuyenhoc.tenancy import UnitPath
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title


@dataclass(frozen=True)
class EnrolmentRecord:
    id: str
    tenant: str
    subject_id: str
    subject_kind: str
    title: str
    year: int
    status: str
    name: str
    unit_code: str
    unitpath: str
    links: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> EnrolmentRecord:
        return cls(
            id=doc["_id"],
            tenant=doc["tenant"],
            subject_id=doc["subject_id"],
            subject_kind=doc["subject_kind"],
            title=doc["title"],
            year=int(doc["year"]),
            status=doc["status"],
            name=doc.get("name") or "",
            unit_code=doc["unit_code"],
            unitpath=doc["unitpath"],
            links=dict(doc.get("links") or {}),
        )

    def enrolment(self) -> Enrolment:
        """The domain value this record stores (to raise its events)."""
        return Enrolment(
            self.subject_id,
            SubjectKind(self.subject_kind),
            Title(self.title),
            self.year,
            UnitPath.parse(self.unitpath),
            tuple(sorted(self.links.items())),
            self.unit_code if self.unit_code != self.unitpath.rsplit("/", 1)[-1] else None,
        )


@dataclass(frozen=True)
class SubjectRecord:
    id: str
    tenant: str
    kind: str
    name: str
    unit_code: str
    unitpath: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> SubjectRecord:
        return cls(
            id=doc["_id"],
            tenant=doc["tenant"],
            kind=doc["kind"],
            name=doc.get("name") or "",
            unit_code=doc["unit_code"],
            unitpath=doc.get("unitpath"),
            phone=doc.get("phone"),
            email=doc.get("email"),
            address=doc.get("address"),
        )
