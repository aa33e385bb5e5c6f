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
  other fund (itself a guarded fund write), add the figures (each once per movement, by a
  marker), and only then drop ``pending.<id>`` and the counters' markers. A crash anywhere leaves
  the plan pending; the sweep (``AllTenantsSettlement``, at start-up and every 5 s) finishes
  plans older than ``SETTLE_GRACE`` and, at once, plans whose request failed while settling them
  (``ABANDONED``, in that process) or whose settler (the process named in the
  plan, ``services.fund.settlers``) is gone, each claimed first by one sweeper (several replicas
  may sweep at once).
* **One settler at a time.** A counter marker is forgotten once its movement is settled, so two
  settlers of one movement must not overlap, or the later one would count again. Only the
  request that committed settles at once; a retry of that movement answers from the pending plan
  without settling it, and the sweep touches only plans committed ``SETTLE_GRACE`` ago — far
  longer than any request lives. (Keeping markers for good would need no such bound, but every
  counter update rewrites the document: 1 ms with none, 22 ms with 20,000 markers on nx-27017.)
* **Already done?** A movement id is known when the fund has it pending or the ledger holds it;
  the fund is read before the ledger, so a movement committed by someone else in between either
  makes our guarded write fail or is visible in one of the two places.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from typing import Any

from bson import Int64
from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.outbox import PENDING, ensure_outbox_index
from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath
from services.fund.domain import (
    ConcurrentChange,
    FundState,
    Posting,
    fund_id,
    posting_from_record,
)
from services.fund.records import Disbursement, Donation, Entry, Fee

__all__ = ["AllTenantsSettlement", "ConcurrentChange", "FundStore", "prepare"]

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
# Plans whose committing request failed while settling them, in this process: no one else is
# settling them, so the sweep need not wait out the grace (a failed write in a live process).
ABANDONED: set[str] = set()
SETTLE_GRACE = 300.0  # seconds: the sweep leaves younger plans to the request that made them
PENDING_COUNT = "pending_count"  # plans committed and not yet settled: what the sweep looks for
DUPLICATE_KEY = 11000


def prepare(db: Database) -> None:
    ensure_outbox_index(db[FUNDS])
    db[FUNDS].create_index([(PENDING_COUNT, ASCENDING)], name="pending_count")
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
    # nx-27017 uses single-field indexes (a compound one only by its first field, often the
    # tenant): a fund's ledger and pages, a unit's donors, the figures under a unit
    db[TRANSACTIONS].create_index([("fund_id", ASCENDING)], name="fund_id")
    db[DONATIONS].create_index([("fund_id", ASCENDING)], name="fund_id")
    db[DONORS].create_index([("unit_code", ASCENDING)], name="unit_code")
    for depth in range(MAX_DEPTH):
        db[COUNTERS].create_index([(f"path_{depth}", ASCENDING)], name=f"path_{depth}")


def _by_collection(counters: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for counter in counters:
        grouped.setdefault(counter["collection"], []).append(counter)
    return grouped


def _year_key(year: int) -> str:
    # a field named "2024" could be read as an array index by some servers: prefix it
    return f"y{year}"


def fund_state(doc: dict[str, Any]) -> FundState:
    receipts = {k[1:]: v for k, v in (doc.get("receipts") or {}).items()}
    return FundState.from_document({**doc, "receipts": receipts})


class FundStore:
    """The fund's documents of one tenant (province): built on a :class:`TenantDatabase`, so
    every read and write stays inside that tenant whatever id it is handed."""

    def __init__(self, db: TenantDatabase, settler: str | None = None) -> None:
        self.db = db
        self.settler = settler  # who settles what this store commits (services.fund.settlers)
        self.tenant = db.tenant
        self.funds = db[FUNDS]
        self.transactions = db[TRANSACTIONS]
        self._fresh: dict[str, dict[str, Any]] = {}  # a fund just read by ensure(), for post()

    # --- funds ----------------------------------------------------------------------------------

    def ensure(self, unit: dict[str, Any], now_iso: str) -> FundState:
        """The fund of a unit of this tenant, opened (balance 0) on its first use."""
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
                        PENDING_COUNT: 0,
                    }
                )
            doc = self.funds.find_one({"_id": ident})
            if doc is None:
                raise LookupError(ident)
        self._fresh[ident] = doc
        return fund_state(doc)

    def get(self, ident: str) -> dict[str, Any] | None:
        return self.funds.find_one({"_id": ident}, {"outbox": 0})

    def all_funds(self) -> list[dict[str, Any]]:
        return list(self.funds.find({}, {"outbox": 0, "pending": 0}))

    # --- posting ----------------------------------------------------------------------------------

    def post(
        self, ident: str, posting_id: str, plan: Callable[[FundState], Posting]
    ) -> tuple[dict[str, Any], bool]:
        """Commit the movement ``posting_id`` planned by ``plan`` against the fund as it is, then
        settle it. Returns (its record, True) — or (the earlier record, False) when the movement
        was already booked. ``plan`` raises to refuse (its transactions pass ``domain.admit``)."""
        for attempt in range(ATTEMPTS):
            doc = self._fresh.pop(ident, None) or self.funds.find_one({"_id": ident})
            if doc is None:
                raise LookupError(ident)
            existing = self.existing(doc, posting_id)
            if existing is not None:
                return existing, False
            posting = plan(fund_state(doc))
            record = {**posting.record(), "at": time.time(), "by": self.settler}
            if self._commit(fund_state(doc), posting, record):
                try:
                    self.settle(ident, posting.id, record)
                except BaseException:
                    # This request will not finish its plan (the database went away mid-way):
                    # nobody else settles it, so this process's next sweep may, at once.
                    ABANDONED.add(posting.id)
                    raise
                return record, True
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
        raise ConcurrentChange(f"fund {ident} kept changing")

    def existing(self, doc: dict[str, Any], posting_id: str) -> dict[str, Any] | None:
        """The record of a movement the fund already booked (still pending: as planned; its
        request is settling it)."""
        pending = (doc.get("pending") or {}).get(posting_id)
        if pending is not None:
            return {**pending, "pending": True}
        done = self.transactions.find_one({"_id": posting_id})
        if done is not None:
            return {"transactions": [done], "result": {}, "content": None, "settled": True}
        return None

    def _commit(self, state: FundState, posting: Posting, record: dict[str, Any]) -> bool:
        """The one atomic write: the fund as ``posting.applied_to`` leaves it (balance, latest
        day, receipt counter), the pending plan and the event — only if the fund is still as
        read (``version``), and for a payment only if it still covers it."""
        after = posting.applied_to(state)
        new_set: dict[str, Any] = {
            "balance": after.balance,
            "last_day": after.last_day.isoformat() if after.last_day else None,
            f"pending.{posting.id}": record,
        }
        increments: dict[str, int] = {"version": 1, PENDING_COUNT: 1}
        if posting.receipt_year is not None:
            year = posting.receipt_year
            new_set[f"receipts.{_year_key(year)}"] = after.receipts[str(year)]
        if posting.earmark is not None:
            key = posting.earmark["key"]
            new_set[f"earmarks.{key}"] = dict(after.earmarks[key])
        if posting.event is not None:
            new_set[f"outbox.{posting.event['id']}"] = posting.event
            new_set[PENDING] = 1
            increments["outbox_rev"] = 1
        guard: dict[str, Any] = {"_id": state.id, "version": state.version}
        if posting.balance_change < 0:
            guard["balance"] = {"$gte": -posting.balance_change}
        result = self.funds.update_one(guard, {"$set": new_set, "$inc": increments})
        return bool(result.modified_count == 1)

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
        counters = record.get("counters") or ()
        self._count(counters, posting_id)
        self.funds.update_one(
            {"_id": ident, f"pending.{posting_id}": {"$exists": True}},
            {"$unset": {f"pending.{posting_id}": ""}, "$inc": {PENDING_COUNT: -1}},
        )
        self._forget(counters, posting_id)

    def _count(self, counters: Iterable[dict[str, Any]], change_id: str) -> None:
        """Add each counter's increments at most once per movement: the increment and the
        marker ``applied.<movement id>`` are one atomic upsert, and a marker already there makes
        it collide (duplicate key). Figures are added as int64 from the first đồng, so no sum
        ever passes through a 32-bit field."""
        marker = f"applied.{change_id}"
        for collection, group in _by_collection(counters).items():
            updates = [
                (
                    {"_id": c["id"], marker: {"$exists": False}},
                    {
                        "$inc": {k: Int64(v) for k, v in c["increments"].items()},
                        "$set": {marker: 1},
                        "$setOnInsert": c["identity"],
                    },
                    True,
                )
                for c in group
            ]
            try:
                self.db[collection].update_each(updates)
            except BulkWriteError as exc:
                if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", ())):
                    raise

    def _forget(self, counters: Iterable[dict[str, Any]], change_id: str) -> None:
        """Drop a settled movement's markers, so counters keep only in-flight ones."""
        unset = {"$unset": {f"applied.{change_id}": ""}}
        for collection, group in _by_collection(counters).items():
            self.db[collection].update_each([({"_id": c["id"]}, unset, False) for c in group])

    def _apply_follow_up(self, ident: str, posting: Posting) -> None:
        """The receiving side of a transfer (or of its reversal): money in, admitted when it was
        planned with its paying side; booked once by its own id."""
        self.post(ident, posting.id, lambda state: posting)

    def settle_old(
        self, doc: dict[str, Any], cutoff: float, gone: Callable[[Any], bool] = lambda by: False
    ) -> int:
        """Settle the plans of one fund committed before ``cutoff`` (epoch seconds), or whose
        settler is ``gone``."""
        settled = 0
        for posting_id, record in list((doc.get("pending") or {}).items()):
            due = (
                float(record.get("at") or 0) <= cutoff
                or gone(record.get("by"))
                or posting_id in ABANDONED
            )
            if due and self._claim(doc["_id"], posting_id, record):
                self.settle(doc["_id"], posting_id, record)
                ABANDONED.discard(posting_id)
                settled += 1
        return settled

    def _claim(self, ident: str, posting_id: str, record: dict[str, Any]) -> bool:
        """Take an old plan for this sweeper alone (several service replicas sweep): moving its
        ``at`` to now succeeds for exactly one of them, and makes it young for everyone else."""
        moved = self.funds.update_one(
            {"_id": ident, f"pending.{posting_id}.at": record.get("at")},
            {"$set": {f"pending.{posting_id}.at": time.time()}},
        )
        return bool(moved.modified_count == 1)

    def _pending_records(self) -> Iterator[dict[str, Any]]:
        for doc in self.funds.find({PENDING_COUNT: {"$gt": 0}}, {"pending": 1}):
            yield from (doc.get("pending") or {}).values()

    def pending_entries(self) -> list[Entry]:
        """Ledger transactions committed but not yet written out (their funds count them)."""
        return [
            Entry.from_document(t)
            for record in self._pending_records()
            for t in record.get("transactions") or ()
        ]

    def pending_plan(self, posting_id: str) -> dict[str, Any] | None:
        """A movement committed and not yet written out: its planned record. Its event may
        already be out (the outbox is part of the commit), so readers of what the event names
        (a receipt, the donor's contact) look here too."""
        for doc in self.funds.find({PENDING_COUNT: {"$gt": 0}}, {"pending": 1}):
            record = (doc.get("pending") or {}).get(posting_id)
            if record is not None:
                return dict(record)
        return None

    # --- ledger and records ---------------------------------------------------------------------

    def entry(self, ident: str) -> Entry | None:
        found = self.transactions.find_one({"_id": ident})
        return Entry.from_document(found) if found else None

    def entries_of(self, ident: str, until: str | None = None) -> list[Entry]:
        query: dict[str, Any] = {"fund_id": ident}
        if until:
            query["date"] = {"$lte": until}
        return [Entry.from_document(doc) for doc in self.transactions.find(query)]

    def all_entries(self) -> list[Entry]:
        return [Entry.from_document(doc) for doc in self.transactions.find({})]

    def insert_proposal(self, proposal: Disbursement) -> None:
        self.db[DISBURSEMENTS].insert_one(proposal.document())

    def donation(self, ident: str) -> Donation | None:
        found = self.db[DONATIONS].find_one({"_id": ident})
        return Donation.from_document(found) if found else None

    def disbursement(self, ident: str) -> Disbursement | None:
        found = self.db[DISBURSEMENTS].find_one({"_id": ident})
        return Disbursement.from_document(found) if found else None

    def fee(self, ident: str) -> Fee | None:
        found = self.db[FEES].find_one({"_id": ident})
        return Fee.from_document(found) if found else None

    def donations_page(self, ident: str, after: str | None, limit: int) -> list[Donation]:
        return [Donation.from_document(d) for d in self._page(DONATIONS, ident, after, limit)]

    def disbursements_page(self, ident: str, after: str | None, limit: int) -> list[Disbursement]:
        found = self._page(DISBURSEMENTS, ident, after, limit)
        return [Disbursement.from_document(d) for d in found]

    def donations_in(self, ident: str, start: str, end: str) -> list[Donation]:
        """A fund's donations received ``start``..``end`` (ISO days)."""
        return [Donation.from_document(d) for d in self._in_period(DONATIONS, ident, start, end)]

    def disbursements_in(self, ident: str, start: str, end: str) -> list[Disbursement]:
        """A fund's payments dated ``start``..``end`` (and proposals, whose key sorts last)."""
        found = self._in_period(DISBURSEMENTS, ident, start, end)
        return [Disbursement.from_document(d) for d in found]

    def _page(
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

    def _in_period(self, collection: str, ident: str, start: str, end: str) -> list[dict[str, Any]]:
        """A fund's donations or disbursements dated ``start``..``end`` (sort keys begin with
        the day, so this is one indexed range)."""
        since, until = start.replace("-", ""), end.replace("-", "")
        return self._page(collection, ident, None, 1_000_000, since=since, until=f"{until}|~")

    # --- figures ----------------------------------------------------------------------------------

    def counters_under(self, path: UnitPath) -> list[dict[str, Any]]:
        """Every unit counter at or below the unit, all years: one row per unit and year."""
        return list(
            self.db[COUNTERS].find(
                {"tenant": path.tenant, f"path_{path.depth}": path.code}, {"applied": 0}
            )
        )

    def donors_of(self, unit_code: str, year: int) -> list[dict[str, Any]]:
        return list(self.db[DONORS].find({"unit_code": unit_code, "year": year}, {"applied": 0}))


class AllTenantsSettlement:
    """The sweep that finishes movements a crash left half-done, in every province: the one
    piece of the fund that reads across tenants (a timer has no tenant). It only finds the funds
    with pending plans; each is settled by that fund's own tenant-bound :class:`FundStore`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def settle_pending(
        self,
        limit: int = 100,
        grace: float = SETTLE_GRACE,
        gone: Callable[[Any], bool] = lambda by: False,
        settler: str | None = None,
    ) -> int:
        """Finish movements committed more than ``grace`` seconds ago, or whose settler is
        ``gone`` (see services.fund.settlers); returns how many."""
        settled = 0
        cutoff = time.time() - grace
        for doc in list(self.db[FUNDS].find({PENDING_COUNT: {"$gt": 0}}).limit(limit)):
            funds = FundStore(TenantDatabase(self.db, doc["tenant"]), settler)
            settled += funds.settle_old(doc, cutoff, gone)
        return settled
