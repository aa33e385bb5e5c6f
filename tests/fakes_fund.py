"""An in-memory fund store for fast unit tests of the fund's use cases and of the ledger's
invariants (tests/unit/test_fund_service.py, test_ledger_properties.py).

It holds the documents of one tenant the way ``services.fund.store.FundStore`` does, and commits
a movement exactly as it does: the plan (which passes ``domain.admit``, the one gate) against
the fund as it is, the fund's new state from ``Posting.applied_to``, then the plan's
transactions, documents, receiving leg and counters. There is no concurrency and no crash here,
so a commit is settled at once and nothing is ever pending; those cases are the real store's
(tests/integration/test_fund_store.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from khuyenhoc.tenancy import UnitPath
from services.fund.domain import FundState, Posting, fund_id, posting_from_record
from services.fund.records import Disbursement, Donation, Entry, Fee

Document = dict[str, Any]


class InMemoryFunds:
    """``service.Funds`` over dictionaries, for one tenant."""

    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.states: dict[str, FundState] = {}
        self.units: dict[str, Document] = {}
        self.collections: dict[str, dict[str, Document]] = {
            name: {}
            for name in ("transactions", "donations", "disbursements", "fees", "counters", "donors")
        }

    # --- funds ------------------------------------------------------------------------------

    def ensure(self, unit: dict[str, Any], now_iso: str) -> FundState:
        path = UnitPath.parse(unit["path"])
        if path.tenant != self.tenant:
            raise PermissionError(f"a unit of tenant {path.tenant} in a store of {self.tenant}")
        ident = fund_id(path.tenant, unit["code"])
        if ident not in self.states:
            self.states[ident] = FundState(ident, path.tenant, unit["code"], path)
            self.units[ident] = {"unit_name": unit.get("name"), "opened_at": now_iso}
        return self.states[ident]

    def get(self, ident: str) -> Document | None:
        state = self.states.get(ident)
        if state is None:
            return None
        return {
            "_id": ident,
            "tenant": state.tenant,
            "unit_code": state.unit_code,
            "unitpath": str(state.unit_path),
            "balance": state.balance,
            "last_day": state.last_day.isoformat() if state.last_day else None,
            "earmarks": {k: dict(v) for k, v in state.earmarks.items()},
            "version": state.version,
            **self.units[ident],
        }

    def all_funds(self) -> list[Document]:
        return [doc for ident in self.states if (doc := self.get(ident)) is not None]

    # --- posting ------------------------------------------------------------------------------

    def post(
        self, ident: str, posting_id: str, plan: Callable[[FundState], Posting]
    ) -> tuple[Document, bool]:
        done = self.collections["transactions"].get(posting_id)
        if done is not None:
            return {"transactions": [done], "result": {}, "content": None, "settled": True}, False
        posting = plan(self.states[ident])  # raises to refuse: nothing has changed yet
        self.states[ident] = posting.applied_to(self.states[ident])
        record = posting.record()
        self._settle(posting.id, record)
        return record, True

    def _settle(self, posting_id: str, record: Document) -> None:
        for transaction in record["transactions"]:
            self.collections["transactions"].setdefault(transaction["_id"], transaction)
        for document in record["documents"]:
            collection = self.collections[document["collection"]]
            if "insert" in document:
                collection.setdefault(document["insert"]["_id"], copy.deepcopy(document["insert"]))
                continue
            found = collection.get(document["id"])
            guard = document.get("guard", {})
            if found is not None and all(found.get(k) == v for k, v in guard.items()):
                found.update(copy.deepcopy(document["set"]))
        follow_up = record.get("follow_up")
        if follow_up:
            receiving = posting_from_record(follow_up["posting"])
            self.post(follow_up["fund_id"], receiving.id, lambda state: receiving)
        for counter in record["counters"]:
            found = self.collections[counter["collection"]].setdefault(
                counter["id"], {"_id": counter["id"], **counter["identity"]}
            )
            for name, value in counter["increments"].items():
                found[name] = found.get(name, 0) + value

    def pending_entries(self) -> list[Entry]:
        return []  # committed and settled at once

    def pending_plan(self, posting_id: str) -> Document | None:
        return None

    # --- ledger and records -------------------------------------------------------------------

    def entry(self, ident: str) -> Entry | None:
        found = self.collections["transactions"].get(ident)
        return Entry.from_document(found) if found else None

    def entries_of(self, ident: str, until: str | None = None) -> list[Entry]:
        return [
            Entry.from_document(t)
            for t in self.collections["transactions"].values()
            if t["fund_id"] == ident and (until is None or t["date"] <= until)
        ]

    def all_entries(self) -> list[Entry]:
        """In booking order."""
        return [Entry.from_document(t) for t in self.collections["transactions"].values()]

    def insert_proposal(self, proposal: Disbursement) -> None:
        self.collections["disbursements"][proposal.id] = proposal.document()

    def donation(self, ident: str) -> Donation | None:
        found = self.collections["donations"].get(ident)
        return Donation.from_document(found) if found else None

    def disbursement(self, ident: str) -> Disbursement | None:
        found = self.collections["disbursements"].get(ident)
        return Disbursement.from_document(found) if found else None

    def fee(self, ident: str) -> Fee | None:
        found = self.collections["fees"].get(ident)
        return Fee.from_document(found) if found else None

    def donations_page(self, ident: str, after: str | None, limit: int) -> list[Donation]:
        return [Donation.from_document(d) for d in self._page("donations", ident, after, limit)]

    def disbursements_page(self, ident: str, after: str | None, limit: int) -> list[Disbursement]:
        found = self._page("disbursements", ident, after, limit)
        return [Disbursement.from_document(d) for d in found]

    def donations_in(self, ident: str, start: str, end: str) -> list[Donation]:
        found = self._in_period("donations", ident, start, end)
        return [Donation.from_document(d) for d in found]

    def disbursements_in(self, ident: str, start: str, end: str) -> list[Disbursement]:
        found = self._in_period("disbursements", ident, start, end)
        return [Disbursement.from_document(d) for d in found]

    def _page(
        self,
        collection: str,
        ident: str,
        after: str | None,
        limit: int,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Document]:
        low = max(after or "", since or "")
        found = [
            d
            for d in self.collections[collection].values()
            if d["fund_id"] == ident
            and (not low or d["sort_key"] > low)
            and (until is None or d["sort_key"] < until)
        ]
        return sorted(found, key=lambda d: d["sort_key"])[: max(0, limit)]

    def _in_period(self, collection: str, ident: str, start: str, end: str) -> list[Document]:
        since, until = start.replace("-", ""), end.replace("-", "")
        return self._page(collection, ident, None, 1_000_000, since=since, until=f"{until}|~")

    # --- figures ------------------------------------------------------------------------------

    def counters_under(self, path: UnitPath) -> list[Document]:
        return [
            c
            for c in self.collections["counters"].values()
            if c["tenant"] == path.tenant and c.get(f"path_{path.depth}") == path.code
        ]

    def donors_of(self, unit_code: str, year: int) -> list[Document]:
        return [
            d
            for d in self.collections["donors"].values()
            if d["unit_code"] == unit_code and d["year"] == year
        ]

    # --- for the tests ------------------------------------------------------------------------

    def snapshot(self) -> Any:
        """Everything held, to show that a refused movement changed nothing."""
        return copy.deepcopy((self.states, self.units, self.collections))
