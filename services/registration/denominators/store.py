"""Denominator entries in MongoDB, for one province: one document per unit and year, keyed by
``tenant:path:year``, with the unit's ``unitpath`` (a single-field index: a subtree is one range
read, as :mod:`services.scoring.stats_store` reads counters) and its ``path_N`` fields.

The directory's units below a unit are read here too (read-only: the directory's own store
belongs to its module), to know which units a figure rolls up from."""

from __future__ import annotations

from collections.abc import Iterable
from threading import Lock
from typing import Any

from pymongo import ASCENDING

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath

DENOMINATORS = "denominators"
UNITS = "units"
UNITPATH_INDEX = "by_unitpath"
UPPER = "/\uffff"
ROLLUP_LEVELS = ("province", "district", "commune", "hamlet")

_indexed: set[tuple[str, str]] = set()
_lock = Lock()


class Denominators:
    def __init__(self, db: TenantDatabase) -> None:
        self.tenant = db.tenant
        self.entries = db[DENOMINATORS]
        self.units = db[UNITS]
        _ensure_index(db)

    def get(self, entry_id: str) -> dict[str, Any] | None:
        return self.entries.find_one({"_id": entry_id})

    def put(self, document: dict[str, Any]) -> None:
        fields = {k: v for k, v in document.items() if k != "_id"}
        self.entries.update_one({"_id": document["_id"]}, {"$set": fields}, upsert=True)

    def put_many(self, documents: list[dict[str, Any]]) -> None:
        for document in documents:
            self.put(document)

    def subtree(self, ancestor: UnitPath, year: int) -> dict[str, dict[str, Any]]:
        """The year's entries at or below ``ancestor`` (one range read on ``unitpath``), and
        the entries of its ancestors (for the mountain flag), by path."""
        text = str(ancestor)
        found = self.entries.find({"unitpath": {"$gte": text, "$lte": text + UPPER}})
        answer = {
            d["unitpath"]: d
            for d in found
            if d.get("year") == year
            and (d["unitpath"] == text or d["unitpath"].startswith(text + "/"))
        }
        codes = ancestor.codes
        above = [
            f"{self.tenant}:{'/'.join(codes[:depth])}:{year}" for depth in range(1, len(codes))
        ]
        if above:
            for d in self.entries.find({"_id": {"$in": above}}):
                answer[d["unitpath"]] = d
        return answer

    def units_below(self, ancestor: UnitPath) -> list[dict[str, Any]]:
        """Every version of the directory's units of the province that roll figures up (not
        branches) at or below ``ancestor``."""
        text = str(ancestor)
        projection = {"path": 1, "level": 1, "valid_from": 1, "valid_to": 1, "code": 1}
        found = self.units.find({"level": {"$in": list(ROLLUP_LEVELS)}}, projection)
        return [u for u in found if u["path"] == text or u["path"].startswith(text + "/")]


def _ensure_index(db: TenantDatabase) -> None:
    key = (str(id(db.db.client)), db.db.name)
    if key in _indexed:
        return
    with _lock:
        if key not in _indexed:
            db.db[DENOMINATORS].create_index([("unitpath", ASCENDING)], name=UNITPATH_INDEX)
            _indexed.add(key)


def valid_in(units: Iterable[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    return [
        u
        for u in units
        if (u.get("valid_from") is None or u["valid_from"] <= day)
        and (u.get("valid_to") is None or u["valid_to"] >= day)
    ]
