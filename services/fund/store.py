"""MongoDB adapter of the fund: fund documents, the immutable ledger, donations, disbursements,
membership fees, roll-up counters and honour-roll lines.

Exactly once without multi-document transactions (MongoDB and nx-27017 alike):

* **The fund document is the commit point.** A movement is planned against the fund as read
  (balance, last receipt number per year, ``version``) and written back in ONE update filtered by
  ``_id`` and that ``version`` (and, for a payment, ``balance >= amount``). The same write keeps the
  plan as ``pending.<movement id>`` and the movement's event in the outbox. If anyone changed the
  fund meanwhile, nothing is written and the movement is planned again from the new state. So two
  payments racing for the same money cannot both pass, and a receipt number is taken only by the
  write that records its donation: it cannot be taken twice (a second writer fails on
  ``version``) nor lost (a crash after the write leaves the donation with its number in
  ``pending``, and settling finishes it). Numbers are therefore gap-free per fund and year.
* **Settling** turns a pending plan into its documents, in an order that is safe to repeat: insert
  the ledger transactions (immutable, ``_id`` = movement id; a second insert is a duplicate),
  write the donation / disbursement / fee documents, apply the receiving leg of a transfer to the
  other fund (itself a guarded fund write), add the figures with :func:`increment_once`, and only
  then drop ``pending.<id>``. A crash anywhere leaves the plan pending; the next request for the
  same movement, or the sweep (``settle_pending``), finishes it.
* **Counter markers are kept** (unlike scoring's, which are forgotten once settled): two settlers
  of one movement may run at once (a retry or the sweep next to the original request), and one
  that read the plan before the other finished must still find the marker, or it would count
  again. A marker is ~40 bytes per movement of the counter's unit and year, so even 100,000
  movements of one unit in one year stay under 4 MB; figures are read without them.
* **Already done?** A movement id is known when the fund has it pending or the ledger holds it;
  the fund is read before the ledger, so a movement committed by someone else in between either
  makes our guarded write fail or is visible in one of the two places.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.outbox import PENDING, ensure_outbox_index
from khuyenhoc.storage import increment_once
from khuyenhoc.tenancy import UnitPath
from services.fund.domain import FundState, Posting, fund_id, posting_from_record

FUNDS = "funds"
TRANSACTIONS = "transactions"
DONATIONS = "donations"
DISBURSEMENTS = "disbursements"
FEES = "fees"
COUNTERS = "counters"
DONORS = "donors"
OUTBOX_COLLECTIONS = (FUNDS,)
MAX_DEPTH = 4  # province / district / commune / branch
ATTEMPTS = 200
SETTLE_FLAG = "settle_pending"


def prepare(db: Database) -> None:
    ensure_outbox_index(db[FUNDS])
    db[FUNDS].create_index([(SETTLE_FLAG, ASCENDING)], name="settle_pending")
    db[FUNDS].create_index([("tenant", ASCENDING)], name="by_tenant")
    db[TRANSACTIONS].create_index(
        [("fund_id", ASCENDING), ("date", ASCENDING)], name="by_fund_date"
    )
    db[TRANSACTIONS].create_index([("tenant", ASCENDING)], name="by_tenant")
    for name in (DONATIONS, DISBURSEMENTS):
        db[name].create_index(
            [("fund_id", ASCENDING), ("sort_key", ASCENDING)], name="by_fund_sort"
        )
    db[DISBURSEMENTS].create_index([("fund_id", ASCENDING)], name="by_fund")
    for depth in range(MAX_DEPTH):
        db[COUNTERS].create_index(
            [("tenant", ASCENDING), (f"path_{depth}", ASCENDING)], name=f"rollup_{depth}"
        )
    db[DONORS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)],
        name="by_unit_year",
    )


class ConcurrentChange(RuntimeError):
    """The fund kept changing under us for too long; the caller may try again."""


def _year_key(year: int) -> str:
    # a field named "2024" could be read as an array index by some servers: prefix it
    return f"y{year}"


class FundStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.funds = db[FUNDS]
        self.transactions = db[TRANSACTIONS]

    # --- funds ----------------------------------------------------------------------------------

    def ensure(self, unit: dict[str, Any], now_iso: str) -> FundState:
        """The fund of a unit, opened (balance 0) on its first use."""
        path = UnitPath.parse(unit["path"])
        ident = fund_id(path.tenant, unit["code"])
        doc = self.funds.find_one({"_id": ident})
        if doc is None:
            with suppress(DuplicateKeyError):
                self.funds.insert_one(
                    {
                        "_id": ident,
                        "tenant": path.tenant,
                        "unit_code": unit["code"],
                        "unit_name": unit.get("name"),
                        "unit_level": unit.get("level"),
                        "unitpath": str(path),
                        **path.depth_fields(),
                        "balance": 0,
                        "last_day": None,
                        "receipts": {},
                        "version": 0,
                        "opened_at": now_iso,
                        SETTLE_FLAG: 0,
                    }
                )
            doc = self.funds.find_one({"_id": ident})
        return self._state(doc)

    def get(self, ident: str) -> dict[str, Any] | None:
        return self.funds.find_one({"_id": ident}, {"outbox": 0})

    def under(self, path: UnitPath) -> list[dict[str, Any]]:
        return list(
            self.funds.find({"tenant": path.tenant, f"path_{path.depth}": path.code}, {"outbox": 0})
        )

    def of_tenant(self, tenant: str) -> list[dict[str, Any]]:
        return list(self.funds.find({"tenant": tenant}, {"outbox": 0, "pending": 0}))

    @staticmethod
    def _state(doc: dict[str, Any]) -> FundState:
        receipts = {k[1:]: v for k, v in (doc.get("receipts") or {}).items()}
        return FundState.from_document({**doc, "receipts": receipts})

    # --- posting ----------------------------------------------------------------------------------

    def post(
        self, ident: str, posting_id: str, plan: Callable[[FundState], Posting]
    ) -> tuple[dict[str, Any], bool]:
        """Commit the movement ``posting_id`` planned by ``plan`` against the fund as it is, then
        settle it. Returns (its record, True) — or (the earlier record, False) when the movement
        was already booked. ``plan`` raises to refuse."""
        for attempt in range(ATTEMPTS):
            doc = self.funds.find_one({"_id": ident})
            if doc is None:
                raise LookupError(ident)
            existing = self.existing(doc, posting_id)
            if existing is not None:
                return existing, False
            posting = plan(self._state(doc))
            if self._commit(self._state(doc), posting):
                record = posting.record()
                self.settle(ident, posting.id, record)
                self.clear_settled(ident)
                return record, True
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
        raise ConcurrentChange(f"fund {ident} kept changing")

    def existing(self, doc: dict[str, Any], posting_id: str) -> dict[str, Any] | None:
        """The record of a movement the fund already booked: settled first if still pending."""
        pending = (doc.get("pending") or {}).get(posting_id)
        if pending is not None:
            self.settle(doc["_id"], posting_id, pending)
            return pending
        done = self.transactions.find_one({"_id": posting_id})
        if done is not None:
            return {"transactions": [done], "result": {}, "content": None, "settled": True}
        return None

    def _commit(self, state: FundState, posting: Posting) -> bool:
        """The one atomic write: new balance, receipt counter, pending plan, event — only if the
        fund is still as read (``version``), and for a payment only if it still covers it."""
        last_day = posting.day if not state.last_day else max(state.last_day, posting.day)
        new_set: dict[str, Any] = {
            "balance": state.balance + posting.balance_change,
            "last_day": last_day.isoformat(),
            f"pending.{posting.id}": posting.record(),
            SETTLE_FLAG: 1,
        }
        increments: dict[str, int] = {"version": 1}
        if posting.receipt_year is not None:
            year = posting.receipt_year
            new_set[f"receipts.{_year_key(year)}"] = int(state.receipts.get(str(year), 0)) + 1
        if posting.event is not None:
            new_set[f"outbox.{posting.event['id']}"] = posting.event
            new_set[PENDING] = 1
            increments["outbox_rev"] = 1
        guard: dict[str, Any] = {"_id": state.id, "version": state.version}
        if posting.balance_change < 0:
            guard["balance"] = {"$gte": -posting.balance_change}
        result = self.funds.update_one(guard, {"$set": new_set, "$inc": increments})
        return result.modified_count == 1

    def settle(self, ident: str, posting_id: str, record: dict[str, Any]) -> None:
        """Finish a committed movement; every step is safe to repeat."""
        for transaction in record.get("transactions") or ():
            with suppress(DuplicateKeyError):
                self.transactions.insert_one(transaction)
        for document in record.get("documents") or ():
            collection = self.db[document["collection"]]
            if "insert" in document:
                with suppress(DuplicateKeyError):
                    collection.insert_one(document["insert"])
            else:
                collection.update_one(
                    {"_id": document["id"], **document.get("guard", {})}, {"$set": document["set"]}
                )
        follow_up = record.get("follow_up")
        if follow_up:
            self._apply_follow_up(follow_up["fund_id"], posting_from_record(follow_up["posting"]))
        for counter in record.get("counters") or ():
            increment_once(
                self.db[counter["collection"]],
                counter["id"],
                posting_id,
                counter["increments"],
                counter["identity"],
            )
        self.funds.update_one({"_id": ident}, {"$unset": {f"pending.{posting_id}": ""}})

    def _apply_follow_up(self, ident: str, posting: Posting) -> None:
        """The receiving side of a transfer (or of its reversal): money in, so it never fails for
        want of balance; booked once by its own id."""
        self.post(ident, posting.id, lambda state: posting)

    def clear_settled(self, ident: str) -> None:
        """Lower the sweep flag when nothing is pending; a commit in between (``version``) keeps
        it up."""
        doc = self.funds.find_one({"_id": ident}, {"pending": 1, "version": 1})
        if doc and not doc.get("pending"):
            self.funds.update_one(
                {"_id": ident, "version": doc.get("version", 0)}, {"$set": {SETTLE_FLAG: 0}}
            )

    def settle_pending(self, limit: int = 100) -> int:
        """Finish movements a crash left half-done; returns how many were settled."""
        settled = 0
        for doc in list(self.funds.find({SETTLE_FLAG: 1}).limit(limit)):
            for posting_id, record in list((doc.get("pending") or {}).items()):
                self.settle(doc["_id"], posting_id, record)
                settled += 1
            self.clear_settled(doc["_id"])
        return settled

    # --- ledger and records ---------------------------------------------------------------------

    def transaction(self, ident: str) -> dict[str, Any] | None:
        return self.transactions.find_one({"_id": ident})

    def transactions_of(self, ident: str, until: str | None = None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"fund_id": ident}
        if until:
            query["date"] = {"$lte": until}
        return list(self.transactions.find(query))

    def transactions_of_tenant(self, tenant: str) -> Iterable[dict[str, Any]]:
        return self.transactions.find({"tenant": tenant})

    def insert_proposal(self, proposal: dict[str, Any]) -> None:
        self.db[DISBURSEMENTS].insert_one(proposal)

    def record(self, collection: str, ident: str) -> dict[str, Any] | None:
        return self.db[collection].find_one({"_id": ident})

    def page(
        self,
        collection: str,
        ident: str,
        after: str | None,
        limit: int,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Records of a fund in (date, number) order from the cursor ``after``."""
        bounds: dict[str, Any] = {}
        if after or since:
            bounds["$gt"] = max(after or "", since or "")
        if until:
            bounds["$lt"] = until
        query: dict[str, Any] = {"fund_id": ident}
        if bounds:
            query["sort_key"] = bounds
        return list(
            self.db[collection].find(query).sort("sort_key", ASCENDING).limit(max(0, limit))
        )

    def proposals_of(self, ident: str) -> list[dict[str, Any]]:
        return list(self.db[DISBURSEMENTS].find({"fund_id": ident}))

    def in_period(self, collection: str, ident: str, start: str, end: str) -> list[dict[str, Any]]:
        """A fund's donations or disbursements dated ``start``..``end`` (sort keys begin with
        the day, so this is one indexed range)."""
        since, until = start.replace("-", ""), end.replace("-", "")
        return self.page(collection, ident, None, 1_000_000, since=since, until=f"{until}|~")

    # --- figures ----------------------------------------------------------------------------------

    def counters_under(self, path: UnitPath) -> list[dict[str, Any]]:
        """Every unit counter at or below the unit, all years: one row per unit and year."""
        return list(
            self.db[COUNTERS].find(
                {"tenant": path.tenant, f"path_{path.depth}": path.code}, {"applied": 0}
            )
        )

    def donors_of(self, tenant: str, unit_code: str, year: int) -> list[dict[str, Any]]:
        return list(
            self.db[DONORS].find(
                {"tenant": tenant, "unit_code": unit_code, "year": year}, {"applied": 0}
            )
        )
