"""Hamlets in MongoDB, for one province: their numbering per commune, the one-open-hamlet-per-
name claims, their documents in the directory's ``units`` (level ``hamlet``), and the link
of a residential branch to its hamlet."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from khuyenhoc.storage import DuplicateKey, TenantDatabase


class Hamlets:
    """Hamlet numbering, the one-open-hamlet-per-name rule, and the hamlets' unit documents."""

    def __init__(self, db: TenantDatabase) -> None:
        self.tenant = db.tenant
        self.units = db["units"]
        self.sequences = db["sequences"]
        self.names = db["hamlet_names"]

    def next_number(self, commune_code: str) -> int:
        counter = self.sequences.find_one_and_update(
            {"_id": f"hamlet:{self.tenant}:{commune_code}"},
            {"$inc": {"n": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(counter["n"])

    def claim_name(self, claim: str, code: str) -> str:
        try:
            self.names.insert_one({"_id": claim, "code": code})
        except DuplicateKey:
            holder = self.names.find_one({"_id": claim})
            return str(holder["code"]) if holder else code
        return code

    def release_name(self, claim: str, code: str | None = None) -> None:
        """Free a name (only while ``code`` holds it, when given)."""
        self.names.delete_one({"_id": claim} if code is None else {"_id": claim, "code": code})

    def holder(self, claim: str) -> str | None:
        """The code of the hamlet holding a name claim, if any."""
        found = self.names.find_one({"_id": claim})
        return str(found["code"]) if found else None

    def take_name(self, claim: str, code: str) -> None:
        """Give a name to ``code`` whoever held it (a hamlet moving into a merged commune)."""
        self.names.update_one({"_id": claim}, {"$set": {"code": code}}, upsert=True)

    def hamlets_of(self, commune_code: str, scheme: str) -> list[dict[str, Any]]:
        """Every version of every hamlet under a commune (of one scheme), open or closed."""
        found = self.units.find({"parent_code": commune_code, "level": "hamlet"})
        return [unit for unit in found if unit.get("scheme") == scheme]

    def add(self, unit: dict[str, Any]) -> None:
        self.units.update_one({"_id": unit["_id"]}, {"$setOnInsert": unit}, upsert=True)

    def change(self, unit_id_: str, fields: dict[str, Any]) -> None:
        self.units.update_one({"_id": unit_id_}, {"$set": fields})
