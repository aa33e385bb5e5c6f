"""The directory of organisation units in MongoDB: one province's units (tenant-bound, for
everything that writes or must stay inside a province) and the public directory (read-only,
across provinces)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from pymongo.database import Database

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.registration.directory.hierarchy import (
    inherited_paths,
    pick_version,
    reference_day,
    unit_id,
    valid_at,
)

UNITS = "units"

Unit = dict[str, Any]


class DirectoryStore:
    """One province's units: lookups that must not leave the province (a registration's unit,
    a branch) and every write (loading, reorganisations, branches)."""

    def __init__(self, db: TenantDatabase) -> None:
        self.tenant = db.tenant
        self.db = db  # the province's database (the branches moved with a merger live there)
        self.units = db[UNITS]

    def version(self, scheme: str, code: str) -> Unit | None:
        return self.by_id(unit_id(self.tenant, scheme, code))

    def by_id(self, unit_id_: str) -> Unit | None:
        return self.units.find_one({"_id": unit_id_})

    def get(self, code: str, at: date | None = None) -> Unit | None:
        """The unit ``code`` as it was at ``at`` (default today)."""
        return pick_version(self.units.find({"code": code}), at or date.today())

    def at_level(self, level: str) -> list[Unit]:
        """Every version of every unit of a level, whatever its validity."""
        return list(self.units.find({"level": level}))

    def upsert(self, units: list[Unit]) -> int:
        """Idempotent load: each unit is written by its ``_id``; returns how many were new."""
        if not units:
            return 0
        result = self.units.update_each([({"_id": u["_id"]}, {"$set": u}, True) for u in units])
        return int(result.upserted_count)

    def update(self, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields on units by ``_id`` (links of a reorganisation)."""
        self.units.update_each(
            [({"_id": _id}, {"$set": fields}, False) for _id, fields in changes.items()]
        )


DirectoryStores = Callable[[str], DirectoryStore]
"""A tenant-bound directory store for a province: what work spanning provinces (loading the
whole country, the 2025 reorganisation that links units of old and new provinces) is given."""


def directory_stores(db: Database) -> DirectoryStores:
    return lambda tenant: DirectoryStore(TenantDatabase(db, tenant))


class PublicDirectory:
    """The directory as anyone may read it, across provinces. The units are public data (the
    official list of administrative units), and some lookups have no province to start from:
    a unit by its national code or by its version id (links of a reorganisation cross
    provinces), a search of the whole country. Read-only: every write goes through
    :class:`DirectoryStore`."""

    def __init__(self, db: Database) -> None:
        self.units = db[UNITS]

    def by_id(self, unit_id_: str) -> Unit | None:
        return self.units.find_one({"_id": unit_id_})

    def get(self, tenant: str, code: str, at: date | None = None) -> Unit | None:
        """The unit ``code`` of ``tenant`` as it was at ``at`` (default today)."""
        return pick_version(self.units.find({"tenant": tenant, "code": code}), at or date.today())

    def find_by_code(self, code: str, at: date | None = None) -> Unit | None:
        return pick_version(self.units.find({"code": code}), at or date.today())

    def children(self, unit: Unit, at: date | None = None) -> list[Unit]:
        """The units under ``unit`` that existed on ``at`` (default: while ``unit`` existed)."""
        day = at or reference_day(unit, date.today())
        found = self.units.find(
            {"tenant": unit["tenant"], "parent_code": unit["code"], "scheme": unit["scheme"]}
        )
        return _sorted_valid(found, day, key=lambda child: child["code"])

    def by_ids(self, unit_ids: list[str]) -> dict[str, Unit]:
        """Units by their version ids, in one read."""
        return {u["_id"]: u for u in self.units.find({"_id": {"$in": list(unit_ids)}})}

    def inherited_paths(self, tenant: str, unit_path: str) -> list[str]:
        """The paths of the units the tenant's unit at ``unit_path`` was formed from,
        transitively (their records are now its officers'); empty for a unit formed from none.
        Predecessors may be units of another (pre-2025) province."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:
            return []
        unit = self.get(tenant, path.code)
        if unit is None or unit["path"] != unit_path or not unit.get("predecessors"):
            return []
        return inherited_paths(unit, self.by_ids)

    def children_of_many(self, units: list[Unit]) -> dict[str, list[Unit]]:
        """:meth:`children` of many units (``{unit id: children}``): one read per tenant and
        scheme, then each parent's children as :meth:`children` picks them."""
        answer: dict[str, list[Unit]] = {}
        groups: dict[tuple[str, str], list[Unit]] = {}
        for unit in units:
            groups.setdefault((unit["tenant"], unit["scheme"]), []).append(unit)
        today = date.today()
        for (tenant, scheme), parents in groups.items():
            codes = list(dict.fromkeys(p["code"] for p in parents))
            found = self.units.find(
                {"tenant": tenant, "scheme": scheme, "parent_code": {"$in": codes}}
            )
            by_parent: dict[str, list[Unit]] = {}
            for child in found:
                by_parent.setdefault(child["parent_code"], []).append(child)
            for parent in parents:
                answer[parent["_id"]] = _sorted_valid(
                    by_parent.get(parent["code"], []),
                    reference_day(parent, today),
                    key=lambda child: child["code"],
                )
        return answer

    def search(
        self,
        *,
        tenant: str | None = None,
        level: str | None = None,
        parent: Unit | None = None,
        text: str | None = None,
        at: date | None = None,
        limit: int = 50,
    ) -> list[Unit]:
        """Units by level, parent and name; the name matches with or without diacritics."""
        query: dict[str, Any] = {}
        if parent is not None:
            query.update(
                tenant=parent["tenant"], parent_code=parent["code"], scheme=parent["scheme"]
            )
        elif tenant:
            query["tenant"] = tenant
        if level:
            query["level"] = level
        if text and search_key(text):
            query["name_key"] = {"$regex": re.escape(search_key(text))}
        day = at or date.today()
        if parent is not None and at is None:
            day = reference_day(parent, day)
        found = _sorted_valid(
            self.units.find(query), day, key=lambda unit: (unit["depth"], unit["code"])
        )
        return found[:limit]


def _sorted_valid(units: Iterable[Unit], day: date, key: Callable[[Unit], Any]) -> list[Unit]:
    return sorted((u for u in units if valid_at(u, day)), key=key)
