"""The association's branches (chi hội) and members in MongoDB, for one province."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from khuyenhoc.outbox import with_outbox
from khuyenhoc.storage import DuplicateKey, TenantDatabase, forget_change, increment_once
from khuyenhoc.tenancy import UnitPath

UNITS = "units"
SEQUENCES = "sequences"
BRANCH_NAMES = "branch_names"
MEMBERS = "members"
MEMBERSHIPS = "memberships"
MAX_PATH_DEPTH = 4  # province / district / commune / branch


class Branches:
    """Branch numbering, the one-open-branch-per-name rule, and member counts per year."""

    def __init__(self, db: TenantDatabase) -> None:
        self.tenant = db.tenant
        self.units = db[UNITS]
        self.sequences = db[SEQUENCES]
        self.names = db[BRANCH_NAMES]
        self.members = db[MEMBERS]
        self.memberships = db[MEMBERSHIPS]

    def next_number(self, commune_code: str) -> int:
        counter = self.sequences.find_one_and_update(
            {"_id": f"branch:{self.tenant}:{commune_code}"},
            {"$inc": {"n": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(counter["n"])

    def claim_name(self, claim_id: str, code: str) -> str:
        """The code holding the name: ``code`` if the claim is new, else the earlier holder."""
        try:
            self.names.insert_one({"_id": claim_id, "code": code})
        except DuplicateKey:
            holder = self.names.find_one({"_id": claim_id})
            return str(holder["code"]) if holder else code
        return code

    def release_name(self, claim_id: str) -> None:
        self.names.delete_one({"_id": claim_id})

    def add(self, unit: dict[str, Any]) -> None:
        self.units.update_one({"_id": unit["_id"]}, {"$setOnInsert": unit}, upsert=True)

    def change(self, unit_id_: str, fields: dict[str, Any]) -> None:
        self.units.update_one({"_id": unit_id_}, {"$set": fields})

    def set_members(self, document: dict[str, Any]) -> None:
        self.members.update_one({"_id": document["_id"]}, {"$set": document}, upsert=True)

    def member_count(self, path: UnitPath, year: int) -> int:
        """Members of every branch at or below the unit: one read per branch, not per member.
        A branch counts the larger of its declared total and its members registered by name."""
        found = self.members.find(
            {"tenant": path.tenant, "year": year, f"path_{path.depth}": path.code},
            {"count": 1, "registered": 1},
        )
        return sum(
            max(int(doc.get("count") or 0), int(doc.get("registered") or 0)) for doc in found
        )

    def add_membership(
        self, membership: dict[str, Any], event: dict[str, Any], members_doc: dict[str, Any]
    ) -> bool:
        """Record a member's year in a branch with its event, and count it once; False when
        that membership existed (and had been counted)."""
        try:
            self.memberships.insert_one(with_outbox(membership, event))
        except DuplicateKey:
            existing = self.memberships.find_one({"_id": membership["_id"]}, {"counted": 1})
            if existing and existing.get("counted"):
                return False
        identity = {k: v for k, v in members_doc.items() if k not in ("_id", "count")}
        members = self.members
        increment_once(members, members_doc["_id"], membership["_id"], {"registered": 1}, identity)
        self.memberships.update_one({"_id": membership["_id"]}, {"$set": {"counted": 1}})
        forget_change(members, members_doc["_id"], membership["_id"])
        return True

    def member_counts(self, year: int) -> list[tuple[dict[str, Any], int]]:
        """Every branch's member count of the year (as :meth:`member_count` counts it), with
        the branch's path fields: what ``unit_figures_many`` sums per unit."""
        paths = {f"path_{depth}": 1 for depth in range(MAX_PATH_DEPTH)}
        found = self.members.find({"year": year}, {"count": 1, "registered": 1, **paths})
        return [
            (doc, max(int(doc.get("count") or 0), int(doc.get("registered") or 0))) for doc in found
        ]

    def branches_of(self, commune_code: str, scheme: str) -> list[dict[str, Any]]:
        """Every version of every branch under a commune (of one scheme), open or closed."""
        found = self.units.find({"parent_code": commune_code, "level": "branch"})
        return [unit for unit in found if unit.get("scheme") == scheme]

    def members_from(self, branch: dict[str, Any], year: int) -> list[dict[str, Any]]:
        """A branch's member counts of ``year`` and later (read by its path field, indexed)."""
        path = UnitPath.parse(branch["path"])
        found = self.members.find({f"path_{path.depth}": path.code})
        return [
            doc
            for doc in found
            if doc.get("branch_code") == branch["code"] and int(doc.get("year") or 0) >= year
        ]

    def forget_members(self, ids: list[str]) -> None:
        for _id in ids:
            self.members.delete_one({"_id": _id})

    def all_branches(self) -> list[dict[str, Any]]:
        """The province's branches, open or closed (one read for many units' figures)."""
        return list(self.units.find({"level": "branch"}))

    def under(self, path: UnitPath) -> list[dict[str, Any]]:
        found = self.units.find({"tenant": path.tenant, "level": "branch"})
        return [unit for unit in found if unit.get(f"path_{path.depth}") == path.code]
