"""Branches (chi hội) of the association under a commune, and their members per year.

A branch is a unit of the directory one level below its commune, with its own code
(``<commune>-<nnn>``), kind, life span and name history; member counts are kept per branch and
year and roll up to every level like any other figure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import new_event
from khuyenhoc.events import MEMBER_JOINED
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key


class BranchKind(StrEnum):
    RESIDENTIAL = "residential"  # khu phố / thôn / bản / tổ dân phố
    SCHOOL = "school"  # trường học
    CLAN = "clan"  # dòng họ
    AGENCY = "agency"  # cơ quan, đơn vị
    BOARD = "board"  # the commune association's own board (Ban khuyến học)


# The kinds as the association's reports name them (seed 004's five-year review).
BRANCH_KIND_NAMES: dict[str, str] = {
    BranchKind.RESIDENTIAL: "Chi hội khu dân cư/thôn",
    BranchKind.SCHOOL: "Chi hội trường học",
    BranchKind.CLAN: "Chi hội dòng họ",
    BranchKind.AGENCY: "Chi hội cơ quan, doanh nghiệp",
    BranchKind.BOARD: "Ban khuyến học",
}


def branch_code(commune_code: str, sequence: int) -> str:
    return f"{commune_code}-{sequence:03d}"


def name_claim_id(tenant: str, commune_code: str, name: str) -> str:
    """One open branch per name in a commune, however the name is typed."""
    return f"{tenant}:{commune_code}:{search_key(name)}"


@dataclass(frozen=True)
class NewBranch:
    commune: dict[str, Any]  # the commune's directory document
    code: str
    name: str
    kind: BranchKind
    opened_on: date

    def as_unit(self, unit_id: str) -> dict[str, Any]:
        path = UnitPath.parse(self.commune["path"]).child(self.code)
        return {
            "_id": unit_id,
            "tenant": self.commune["tenant"],
            "scheme": self.commune["scheme"],
            "code": self.code,
            "name": self.name,
            "name_key": search_key(self.name),
            "names": [{"name": self.name, "from": self.opened_on.isoformat()}],
            "kind": self.kind.value,
            "level": "branch",
            "levels": self.commune.get("levels"),
            "parent_code": self.commune["code"],
            "path": str(path),
            **path.depth_fields(),
            "depth": path.depth,
            "valid_from": self.opened_on.isoformat(),
            "valid_to": None,
        }


def carried_branch(
    old: dict[str, Any], commune: dict[str, Any], code: str, unit_id: str, on: date
) -> dict[str, Any]:
    """The new version of a branch re-attached to ``commune`` from ``on`` (a merger of its
    commune, or a move): the same name and kind, a new code under the new commune, linked back
    to the old branch, whose history stays where it was."""
    name = str(old["name"])
    unit = NewBranch(commune, code, name, BranchKind(old.get("kind") or "residential"), on).as_unit(
        unit_id
    )
    unit["predecessors"] = [branch_link(old, counts=True)]
    return unit


def branch_link(unit: dict[str, Any], counts: bool) -> dict[str, Any]:
    return {
        "id": unit["_id"],
        "tenant": unit["tenant"],
        "code": unit["code"],
        "name": unit.get("name"),
        "path": unit["path"],
        "partial": False,
        "counts": counts,
    }


def active_in(unit: dict[str, Any], year: int) -> bool:
    """A branch counts for a year if it was open on any day of it."""
    opened, closed = unit.get("valid_from"), unit.get("valid_to")
    return (opened is None or opened <= f"{year}-12-31") and (
        closed is None or closed >= f"{year}-01-01"
    )


def renamed(unit: dict[str, Any], name: str, on: date) -> dict[str, Any]:
    """Fields of a renamed branch: the new name, and the old one kept in its history."""
    return {
        "name": name,
        "name_key": search_key(name),
        "names": [*unit.get("names", []), {"name": name, "from": on.isoformat()}],
    }


def members_document(unit: dict[str, Any], year: int, count: int) -> dict[str, Any]:
    path = UnitPath.parse(unit["path"])
    return {
        "_id": f"{unit['tenant']}:{unit['code']}:{year}",
        "tenant": unit["tenant"],
        "branch_code": unit["code"],
        "year": year,
        "count": count,
        **path.depth_fields(),
    }


@dataclass(frozen=True)
class NewMember:
    """A hội viên joining a branch for a year; the same person (name and birth year, however
    typed) in the same branch is one member, and joins a given year once."""

    branch: dict[str, Any]  # the branch's directory document
    full_name: str
    year: int
    joined_on: date
    birth_year: int | None = None

    @property
    def member_id(self) -> str:
        parts = (
            self.branch["tenant"],
            self.branch["code"],
            search_key(self.full_name),
            str(self.birth_year or ""),
        )
        return "mb-" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]

    @property
    def membership_id(self) -> str:
        return f"{self.member_id}-{self.year}"

    def joined_event(self, now: datetime) -> dict[str, Any]:
        return new_event(
            MEMBER_JOINED,
            subject=f"member/{self.member_id}",
            unit_path=UnitPath.parse(self.branch["path"]),
            time=now,
            data={
                "memberId": self.member_id,
                "branchCode": self.branch["code"],
                "unitCode": self.branch["parent_code"],
                "year": self.year,
                "joinedOn": self.joined_on.isoformat(),
            },
        )

    def as_document(self, now: datetime) -> dict[str, Any]:
        path = UnitPath.parse(self.branch["path"])
        return {
            "_id": self.membership_id,
            "tenant": self.branch["tenant"],
            "member_id": self.member_id,
            "branch_code": self.branch["code"],
            "year": self.year,
            "full_name": self.full_name,
            "name_key": search_key(self.full_name),
            "birth_year": self.birth_year,
            "joined_on": self.joined_on.isoformat(),
            **path.depth_fields(),
            "counted": 0,
            "created_at": now,
        }
