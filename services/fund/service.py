"""The fund's use cases: donations, disbursements, transfers, membership fees, reversals, and the
figures and statements read from the ledger."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Protocol

from khuyenhoc.tenancy import UnitPath
from services.fund import domain, ledger, publication
from services.fund.domain import ConcurrentChange, DisbursementStatus, FundState, content_hash
from services.fund.ledger import Kind, LedgerError

Document = dict[str, Any]


class Funds(Protocol):
    """What the use cases need of the fund's documents of one tenant: the MongoDB store
    (``store.FundStore``) and the in-memory one of the unit tests (``tests/fakes_fund.py``)."""

    tenant: str

    def ensure(self, unit: dict[str, Any], now_iso: str) -> FundState: ...
    def get(self, ident: str) -> Document | None: ...
    def all_funds(self) -> list[Document]: ...
    def post(
        self, ident: str, posting_id: str, plan: Callable[[FundState], domain.Posting]
    ) -> tuple[Document, bool]: ...
    def pending_transactions(self) -> list[Document]: ...
    def pending_plan(self, posting_id: str) -> Document | None: ...
    def transaction(self, ident: str) -> Document | None: ...
    def transactions_of(self, ident: str, until: str | None = None) -> list[Document]: ...
    def all_transactions(self) -> Iterable[Document]: ...
    def insert_proposal(self, proposal: Document) -> None: ...
    def record(self, collection: str, ident: str) -> Document | None: ...
    def page(
        self,
        collection: str,
        ident: str,
        after: str | None,
        limit: int,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Document]: ...
    def in_period(self, collection: str, ident: str, start: str, end: str) -> list[Document]: ...
    def counters_under(self, path: UnitPath) -> list[Document]: ...
    def donors_of(self, unit_code: str, year: int) -> list[Document]: ...


def _check_unit(tenant: str, unit: Mapping[str, Any], field: str = "unit_code") -> None:
    path = UnitPath.parse(unit["path"])
    if path.tenant != tenant or path.code != unit["code"]:
        raise LedgerError("unit_not_found", field=field)


DATE_KEYS = frozenset({"future_date", "invalid_date", "payment_before_last_movement"})


def _post(
    store: Funds,
    state: FundState,
    posting_id: str,
    plan: Callable[[FundState], domain.Posting],
    field: str,
    date_field: str | None = None,
) -> tuple[Document, bool]:
    """Commit a movement; a refusal is about ``field`` (about the date for a date's refusal)."""
    try:
        return store.post(state.id, posting_id, plan)
    except LedgerError as exc:
        raise exc.on(date_field if date_field and exc.key in DATE_KEYS else field) from None
    except ConcurrentChange as exc:
        raise LedgerError("busy", field="_schema") from exc


def record_donation(
    store: Funds, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Book a donation once per idempotency key, with the next receipt number of its year.
    The same key with different content is refused rather than silently ignored."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    tenant, unit = store.tenant, data["unit"]
    _check_unit(tenant, unit)
    data = {
        **data,
        "kind": data.get("kind") or ledger.DonationKind.CASH.value,
        "channel": data.get("channel") or domain.Channel.CASH.value,
        "purpose": data.get("purpose") or "general",
        "received_on": data.get("received_on") or today,
    }
    asked = {k: v for k, v in data.items() if k not in ("by", "idempotency_key")}
    data["content"] = content_hash(asked)
    state = store.ensure(unit, now.isoformat())
    ident = domain.donation_id(state.id, data["idempotency_key"])
    record, created = _post(
        store,
        state,
        ident,
        lambda s: domain.plan_donation(s, data, now, today),
        "amount",
        "received_on",
    )
    planned = _planned(record, "donations")
    donation = planned if created else store.record("donations", ident) or planned
    known = record.get("content") or (donation or {}).get("content")
    if not created and known != data["content"]:
        raise LedgerError("idempotency_conflict", field="idempotency_key")
    return {"donation": _donation(donation), "created": created}


def propose_disbursement(
    store: Funds, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Đề nghị chi: a proposal waits for the approving role; it moves no money."""
    now = now or datetime.now(UTC)
    tenant, unit = store.tenant, data["unit"]
    _check_unit(tenant, unit)
    state = store.ensure(unit, now.isoformat())
    proposal = {
        "_id": f"p-{uuid.uuid4().hex[:20]}",
        "tenant": tenant,
        "fund_id": state.id,
        "unit_code": state.unit_code,
        "unitpath": str(state.unit_path),
        "amount": data["amount"],
        "purpose": data["purpose"],
        "beneficiary": data["beneficiary"],
        "status": DisbursementStatus.PROPOSED.value,
        "proposed_by": data.get("by"),
        "proposed_at": now.isoformat(),
        "sort_key": f"~proposed|{now.isoformat()}",
    }
    store.insert_proposal(proposal)
    return {"disbursement": _disbursement(proposal)}


def proposal(store: Funds, ident: str) -> dict[str, Any] | None:
    """A proposal or payment of the store's tenant."""
    return store.record("disbursements", ident)


def entry(store: Funds, ident: str) -> dict[str, Any] | None:
    """A ledger transaction (a transfer by its id: its receiving leg)."""
    return store.transaction(ident) or store.transaction(f"{ident}/in")


def approve_disbursement(
    store: Funds, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Duyệt chi by the role holding the authority (checked at the gateway), never by the one
    who proposed it; pays at once, or is refused if the fund cannot cover it."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    found = proposal(store, data["disbursement_id"])
    if found is None:
        raise LedgerError("disbursement_not_found", field="disbursement_id")
    if (
        found["status"] == DisbursementStatus.PROPOSED
        and found.get("proposed_by")
        and (found.get("proposed_by") == data.get("by"))
    ):
        raise LedgerError("own_proposal", field="disbursement_id")
    paid_on = data.get("paid_on") or today
    if paid_on > today:
        raise LedgerError("future_date", field="paid_on", of="payment")
    state = store.ensure({"code": found["unit_code"], "path": found["unitpath"]}, now.isoformat())

    if found["status"] not in (DisbursementStatus.PROPOSED, DisbursementStatus.APPROVED):
        raise LedgerError("not_proposed", field="disbursement_id")

    def plan(s: FundState) -> domain.Posting:
        return domain.plan_disbursement(s, found, {**data, "paid_on": paid_on}, now)

    _, created = _post(store, state, found["_id"], plan, "amount", "paid_on")
    return {
        "disbursement": _disbursement(store.record("disbursements", found["_id"])),
        "created": created,
    }


def record_transfer(
    store: Funds, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Chuyển quỹ within a province: both legs booked, each once."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    tenant = store.tenant
    _check_unit(tenant, data["source"], "from_unit_code")
    _check_unit(tenant, data["target"], "to_unit_code")
    if data["source"]["code"] == data["target"]["code"]:
        raise LedgerError("same_fund_transfer", field="to_unit_code")
    source = store.ensure(data["source"], now.isoformat())
    target = store.ensure(data["target"], now.isoformat())
    on = data.get("on") or today
    if on > today:
        raise LedgerError("future_date", field="on", of="transfer")
    data = {**data, "on": on}
    data["content"] = content_hash(
        {k: v for k, v in data.items() if k not in ("by", "idempotency_key", "content")}
    )
    ident = domain.transfer_id(source.id, data["idempotency_key"])
    record, created = _post(
        store,
        source,
        f"{ident}/out",
        lambda s: domain.plan_transfer(s, target, data, now),
        "amount",
        "on",
    )
    out = store.transaction(f"{ident}/out") or record["transactions"][0]
    into = store.transaction(f"{ident}/in")
    if not created and (
        record.get("content") not in (None, data["content"])
        or int(out["amount"]) != data["amount"]
        or (into is not None and into["fund_id"] != target.id)
    ):
        raise LedgerError("idempotency_conflict", field="idempotency_key")
    return {"transfer": _transfer(out, source, target), "created": created}


def record_fee(store: Funds, data: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Hội phí of a member for a year, into the member's branch fund; paid once a year."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    tenant, unit = store.tenant, data["unit"]
    _check_unit(tenant, unit)
    if unit.get("level") != "branch":
        raise LedgerError("fee_branch_only", field="unit_code")
    data = {**data, "paid_on": data.get("paid_on") or today}
    data["content"] = content_hash({"amount": data["amount"], "year": data["year"]})
    state = store.ensure(unit, now.isoformat())
    ident = domain.fee_id(state.id, data["member_id"], data["year"])
    record, created = _post(
        store, state, ident, lambda s: domain.plan_fee(s, data, now, today), "amount", "paid_on"
    )
    fee = store.record("fees", ident) or _planned(record, "fees")
    if not created and fee and int(fee["amount"]) != data["amount"]:
        raise LedgerError("fee_conflict", field="amount")
    return {"fee": _fee(fee), "created": created}


def reverse_entry(
    store: Funds, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Bút toán đảo: a movement is corrected by its mirror, dated today, never edited. A donation,
    disbursement or fee is named by its id; a transfer by its id (both funds are corrected)."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    doc = entry(store, data["entry_id"])
    if doc is None:
        raise LedgerError("entry_not_found", field="entry_id")
    original = domain.transaction_from_document(doc)
    partner = None
    if original.kind == Kind.TRANSFER_OUT:  # reversed from the receiving side, which pays back
        doc = store.transaction(f"{original.reference}/in")
        original = domain.transaction_from_document(doc)
    if original.kind == Kind.TRANSFER_IN:
        out_doc = store.transaction(f"{original.reference}/out")
        out = domain.transaction_from_document(out_doc)
        partner_state = store.ensure(
            {"code": out_doc["unit_code"], "path": out_doc["unitpath"]}, now.isoformat()
        )
        partner = (partner_state, out, out_doc)
    donation = store.record("donations", original.id) if original.kind == Kind.DONATION else None
    state = store.ensure({"code": doc["unit_code"], "path": doc["unitpath"]}, now.isoformat())

    def plan(s: FundState) -> domain.Posting:
        return domain.plan_reversal(
            s, original, donation, data["reason"], today, now, partner=partner
        )

    record, created = _post(store, state, f"{original.id}/reversal", plan, "entry_id")
    if not created:
        raise LedgerError("already_reversed", field="entry_id", transaction_id=original.id)
    reversal = store.transaction(f"{original.id}/reversal")
    return {"reversal": _entry(reversal)}


# --- reading ------------------------------------------------------------------------------------


def fund_view(store: Funds, unit: Mapping[str, Any]) -> dict[str, Any]:
    """A unit's fund: balance and its receipts so far (a unit without movements holds 0)."""
    tenant = store.tenant
    found = store.get(domain.fund_id(tenant, unit["code"]))
    return {
        "id": domain.fund_id(tenant, unit["code"]),
        "tenant": tenant,
        "unitCode": unit["code"],
        "unitName": unit.get("name") or (found or {}).get("unit_name"),
        "unitPath": unit["path"],
        "balance": int((found or {}).get("balance") or 0),
        "lastDay": (found or {}).get("last_day"),
    }


def statement(store: Funds, code: str, start: date, end: date) -> dict[str, Any]:
    ident = domain.fund_id(store.tenant, code)
    entries = [
        e
        for doc in store.transactions_of(ident, until=end.isoformat())
        for e in domain.transaction_from_document(doc).entries
    ]
    try:
        st = ledger.statement(entries, ident, start, end)
    except LedgerError as exc:
        raise exc.on("from") from None
    return {"from": start.isoformat(), "to": end.isoformat(), **publication.statement_lines(st)}


def page(store: Funds, collection: str, code: str, after: str | None, first: int) -> dict[str, Any]:
    """A cursor page of a fund's donations or disbursements, oldest first."""
    first = max(1, min(int(first), 200))
    found = store.page(collection, domain.fund_id(store.tenant, code), after, first + 1)
    items = found[:first]
    shape = _donation if collection == "donations" else _disbursement
    return {
        "items": [shape(i) for i in items],
        "nextCursor": items[-1]["sort_key"] if len(found) > first else None,
    }


def stats(store: Funds, path: UnitPath, from_year: int, to_year: int) -> dict[str, int]:
    """Fund figures of the unit and everything below it, O(units × years)."""
    return domain.stats_totals(store.counters_under(path), from_year, to_year)


def honour_roll(store: Funds, code: str, year: int, first: int = 10) -> list[dict[str, Any]]:
    """Tôn vinh: the largest donors of the unit and everything below it in a year; anonymous
    ones as "Nhà hảo tâm ẩn danh"; never contact details."""
    lines = [d for d in store.donors_of(code, year) if int(d.get("total") or 0) > 0]
    lines.sort(key=lambda d: (-int(d["total"]), d["name"]))
    return [
        {
            "rank": rank,
            "name": publication.ANONYMOUS_DONOR if d.get("anonymous") else d["name"],
            "kind": d["kind"],
            "anonymous": bool(d.get("anonymous")),
            "total": int(d["total"]),
            "count": int(d["count"]),
        }
        for rank, d in enumerate(lines[: max(1, min(first, 100))], start=1)
    ]


def public_statement(
    store: Funds,
    unit: Mapping[str, Any],
    start: date,
    end: date,
    threshold: int,
) -> dict[str, Any]:
    """Công khai: what anyone may read about a fund and period — money lines, donors at or
    above the threshold (anonymous ones unnamed), awards by category (minors by initials)."""
    ident = domain.fund_id(store.tenant, unit["code"])
    lines = statement(store, unit["code"], start, end)
    donations = store.in_period("donations", ident, start.isoformat(), end.isoformat())
    paid = store.in_period("disbursements", ident, start.isoformat(), end.isoformat())
    return {
        "unitCode": unit["code"],
        "unitName": unit.get("name") or unit["code"],
        "unitPath": unit["path"],
        "threshold": threshold,
        **lines,
        "donors": publication.public_donors(donations, threshold),
        "awards": publication.public_awards(paid)["categories"],
    }


def receipt(store: Funds, donation_id: str) -> dict[str, Any] | None:
    """A donation with its fund's unit name; one committed a moment ago and not yet written out
    is read from its plan (its ``donated`` event may already be out)."""
    found = store.record("donations", donation_id)
    if found is None:
        found = _planned(store.pending_plan(donation_id) or {}, "donations")
    if not found:
        return None
    fund = store.get(found["fund_id"]) or {}
    return {**_donation(found), "unitName": fund.get("unit_name") or found["unit_code"]}


def contact(store: Funds, donation_id: str) -> dict[str, Any] | None:
    """How to thank a donor (notification asks at delivery): name, e-mail, phone as given,
    and the fund's unit; None for a donation unknown in the store's tenant."""
    found = receipt(store, donation_id)
    if found is None:
        return None
    donor = found["donor"]
    return {
        "name": donor.get("name"),
        "email": donor.get("email"),
        "phone": donor.get("phone"),
        "unit_name": found["unitName"],
    }


def reconcile(store: Funds) -> dict[str, Any]:
    """Does every fund's balance equal the sum of its entries? A movement committed but not yet
    written out counts with its planned transactions (its fund's balance already has it)."""
    transactions = {doc["_id"]: doc for doc in store.pending_transactions()}
    transactions.update((doc["_id"], doc) for doc in store.all_transactions())
    entries = [
        e for doc in transactions.values() for e in domain.transaction_from_document(doc).entries
    ]
    funds = store.all_funds()
    balances = {f["_id"]: int(f.get("balance") or 0) for f in funds}
    found = ledger.reconcile(entries, balances)
    return {
        "funds": len(funds),
        "transactions": len(entries) // 2,
        "balanced": ledger.trial_balance(entries),
        "discrepancies": [
            {"fundId": d.fund_id, "stored": d.stored, "computed": d.computed} for d in found
        ],
    }


def _planned(record: Mapping[str, Any], collection: str) -> dict[str, Any] | None:
    """The document a still-pending movement will write (for answering its retry)."""
    for document in record.get("documents") or ():
        if document["collection"] == collection and "insert" in document:
            return document["insert"]
    return None


# --- shapes on the wire (camelCase, amounts as int) ---------------------------------------------


def _donation(d: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "id": d["_id"],
        "unitCode": d["unit_code"],
        "unitPath": d["unitpath"],
        "receiptNumber": d["receipt_number"],
        "amount": int(d["amount"]),
        "kind": d["kind"],
        "goods": d.get("goods"),
        "channel": d["channel"],
        "receivedOn": d["received_on"],
        "purpose": d.get("purpose"),
        "earmark": d.get("earmark"),
        "donor": d["donor"],
        "note": d.get("note"),
        "status": d["status"],
        "recordedBy": d.get("recorded_by"),
    }


def _disbursement(d: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "id": d["_id"],
        "unitCode": d["unit_code"],
        "unitPath": d["unitpath"],
        "amount": int(d["amount"]),
        "purpose": d["purpose"],
        "beneficiary": d["beneficiary"],
        "status": d["status"],
        "proposedBy": d.get("proposed_by"),
        "approvedBy": d.get("approved_by"),
        "paidOn": d.get("paid_on"),
        "decision": d.get("decision"),
    }


def _fee(d: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "id": d["_id"],
        "unitCode": d["unit_code"],
        "memberId": d["member_id"],
        "year": d["year"],
        "amount": int(d["amount"]),
        "paidOn": d["paid_on"],
    }


def _transfer(out: Mapping[str, Any], source: FundState, target: FundState) -> dict[str, Any]:
    return {
        "id": out["reference"],
        "fromUnitCode": source.unit_code,
        "toUnitCode": target.unit_code,
        "amount": int(out["amount"]),
        "on": out["date"],
    }


def _entry(t: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": t["_id"],
        "unitCode": t["unit_code"],
        "kind": t["kind"],
        "date": t["date"],
        "amount": int(t["amount"]),
        "reverses": t.get("reverses"),
        "description": t.get("description") or "",
    }
