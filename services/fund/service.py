"""The fund's use cases: donations, disbursements, transfers, membership fees, reversals, and the
figures and statements read from the ledger."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.fund import domain, ledger, messages, publication
from services.fund.domain import ConcurrentChange, DisbursementStatus, FundState, content_hash
from services.fund.ledger import Kind, LedgerError
from services.fund.records import (
    Booked,
    Disbursement,
    Donation,
    Entry,
    Fee,
    FundView,
    HonourLine,
    Page,
    PublicStatement,
    Receipt,
    Reconciliation,
    Transfer,
)

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
    def pending_entries(self) -> list[Entry]: ...
    def pending_plan(self, posting_id: str) -> Document | None: ...
    def entry(self, ident: str) -> Entry | None: ...
    def entries_of(self, ident: str, until: str | None = None) -> list[Entry]: ...
    def all_entries(self) -> list[Entry]: ...
    def insert_proposal(self, proposal: Disbursement) -> None: ...
    def donation(self, ident: str) -> Donation | None: ...
    def disbursement(self, ident: str) -> Disbursement | None: ...
    def fee(self, ident: str) -> Fee | None: ...
    def donations_page(self, ident: str, after: str | None, limit: int) -> list[Donation]: ...
    def disbursements_page(
        self, ident: str, after: str | None, limit: int
    ) -> list[Disbursement]: ...
    def donations_in(self, ident: str, start: str, end: str) -> list[Donation]: ...
    def disbursements_in(self, ident: str, start: str, end: str) -> list[Disbursement]: ...
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


def record_donation(store: Funds, data: dict[str, Any], now: datetime | None = None) -> Booked:
    """Book a donation once per idempotency key, with the next receipt number of its year.
    The same key with different content is refused rather than silently ignored."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    unit = data["unit"]
    _check_unit(store.tenant, unit)
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
        lambda s: domain.plan_donation(s.at(unit), data, now, today),
        "amount",
        "received_on",
    )
    planned = _planned(record, "donations")
    donation = planned if created else store.donation(ident) or planned
    if donation is None:
        raise LookupError(ident)
    known = record.get("content") or donation.content
    if not created and known != data["content"]:
        raise LedgerError("idempotency_conflict", field="idempotency_key")
    return Booked(donation, created)


def propose_disbursement(
    store: Funds, data: dict[str, Any], now: datetime | None = None
) -> Disbursement:
    """Đề nghị chi: a proposal waits for the approving role; it moves no money."""
    now = now or datetime.now(UTC)
    unit = data["unit"]
    _check_unit(store.tenant, unit)
    state = store.ensure(unit, now.isoformat()).at(unit)
    planned: date | None = data.get("paid_on")
    if planned is not None:
        today = domain.today_in_vietnam(now)
        if planned > today:
            raise LedgerError("future_date", field="paid_on", of="payment")
        if planned.year < EARLIEST_YEAR:
            raise LedgerError("invalid_date", field="paid_on")
    earmark = data.get("earmark")
    if earmark:
        domain.check_earmark(state, earmark, data["amount"])
        earmark = state.earmarks[domain.earmark_key(earmark)].get("name") or earmark
    proposal = Disbursement(
        id=f"p-{uuid.uuid4().hex[:20]}",
        tenant=store.tenant,
        fund_id=state.id,
        unit_code=state.unit_code,
        unitpath=str(state.unit_path),
        amount=data["amount"],
        purpose=data["purpose"],
        beneficiary=data["beneficiary"],
        status=DisbursementStatus.PROPOSED.value,
        proposed_by=data.get("by"),
        proposed_at=now.isoformat(),
        sort_key=f"~proposed|{now.isoformat()}",
        earmark=earmark,
        unit_name=state.unit_name,
        planned_on=planned.isoformat() if planned else None,
    )
    store.insert_proposal(proposal)
    return proposal


def proposal(store: Funds, ident: str) -> Disbursement | None:
    """A proposal or payment of the store's tenant."""
    return store.disbursement(ident)


def entry(store: Funds, ident: str) -> Entry | None:
    """A ledger transaction (a transfer by its id: its receiving leg)."""
    return store.entry(ident) or store.entry(f"{ident}/in")


def approve_disbursement(store: Funds, data: dict[str, Any], now: datetime | None = None) -> Booked:
    """Duyệt chi by the role holding the authority (checked at the gateway), never by the one
    who proposed it; pays at once, or is refused if the fund cannot cover it."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    found = proposal(store, data["disbursement_id"])
    if found is None:
        raise LedgerError("disbursement_not_found", field="disbursement_id")
    if (
        found.status == DisbursementStatus.PROPOSED
        and found.proposed_by
        and found.proposed_by == data.get("by")
    ):
        raise LedgerError("own_proposal", field="disbursement_id")
    planned = date.fromisoformat(found.planned_on) if found.planned_on else None
    paid_on = data.get("paid_on") or planned or today
    if paid_on > today:
        raise LedgerError("future_date", field="paid_on", of="payment")
    if paid_on.year < EARLIEST_YEAR:
        raise LedgerError("invalid_date", field="paid_on")
    state = store.ensure({"code": found.unit_code, "path": found.unitpath}, now.isoformat())
    if found.status not in (DisbursementStatus.PROPOSED, DisbursementStatus.APPROVED):
        raise LedgerError("not_proposed", field="disbursement_id")

    proposed = {"code": found.unit_code, "path": found.unitpath, "name": found.unit_name}
    for _ in range(BACKDATED_ATTEMPTS):
        version, floor = _floor(store, state, paid_on)

        def plan(s: FundState, version: int | None = version, floor: int | None = floor) -> Any:
            if version is not None and s.version != version:
                raise _Moved()
            approval = {**data, "paid_on": paid_on}
            return domain.plan_disbursement(s.at(proposed), found, approval, now, floor)

        try:
            _, created = _post(store, state, found.id, plan, "amount", "paid_on")
        except _Moved:
            state = store.ensure(proposed, now.isoformat())
            continue
        return Booked(store.disbursement(found.id), created)
    raise LedgerError("busy", field="_schema")


BACKDATED_ATTEMPTS = 20
EARLIEST_YEAR = 2000  # history is entered from 2000 on (as ``domain.check_day`` for money in)


class _Moved(Exception):
    """The fund moved since its ledger was read for a back-dated payment: read it again."""


def _floor(store: Funds, state: FundState, day: date) -> tuple[int | None, int | None]:
    """For a payment dated before the fund's latest movement (a past award entered as history):
    the fund's version and its lowest end-of-day balance from ``day`` on, from its ledger and
    the movements committed but not yet written out — exact while the version holds. (None,
    None) for a payment dated on or after the latest movement: the balance covers it."""
    doc = store.get(state.id) or {}
    last = doc.get("last_day")
    if not last or day.isoformat() >= last:
        return None, None
    found = {e.id: e for e in store.entries_of(state.id)}
    for record in (doc.get("pending") or {}).values():
        for t in record.get("transactions") or ():
            if t["fund_id"] == state.id:
                found.setdefault(t["_id"], Entry.from_document(t))
    changes: dict[str, int] = {}
    for e in found.values():
        signed = e.amount if e.debit == ledger.CASH else -e.amount if e.credit == ledger.CASH else 0
        changes[e.date] = changes.get(e.date, 0) + signed
    balance = int(doc.get("balance") or 0)
    return int(doc.get("version") or 0), domain.lowest_balance_since(balance, changes, day)


def record_transfer(store: Funds, data: dict[str, Any], now: datetime | None = None) -> Booked:
    """Chuyển quỹ within a province: both legs booked, each once."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    _check_unit(store.tenant, data["source"], "from_unit_code")
    _check_unit(store.tenant, data["target"], "to_unit_code")
    if data["source"]["code"] == data["target"]["code"]:
        raise LedgerError("same_fund_transfer", field="to_unit_code")
    source = store.ensure(data["source"], now.isoformat())
    target = store.ensure(data["target"], now.isoformat())
    on = data.get("on") or today
    if on > today:
        raise LedgerError("future_date", field="on", of="transfer")
    if on.year < EARLIEST_YEAR:
        raise LedgerError("invalid_date", field="on")
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
    out = store.entry(f"{ident}/out") or Entry.from_document(record["transactions"][0])
    into = store.entry(f"{ident}/in")
    if not created and (
        record.get("content") not in (None, data["content"])
        or out.amount != data["amount"]
        or (into is not None and into.fund_id != target.id)
    ):
        raise LedgerError("idempotency_conflict", field="idempotency_key")
    moved = Transfer(ident, source.unit_code, target.unit_code, out.amount, out.date)
    return Booked(moved, created)


def record_fee(store: Funds, data: dict[str, Any], now: datetime | None = None) -> Booked:
    """Hội phí of a member for a year, into the member's branch fund; paid once a year."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    unit = data["unit"]
    _check_unit(store.tenant, unit)
    if unit.get("level") != "branch":
        raise LedgerError("fee_branch_only", field="unit_code")
    data = {**data, "paid_on": data.get("paid_on") or today}
    data["content"] = content_hash({"amount": data["amount"], "year": data["year"]})
    state = store.ensure(unit, now.isoformat())
    ident = domain.fee_id(state.id, data["member_id"], data["year"])
    record, created = _post(
        store,
        state,
        ident,
        lambda s: domain.plan_fee(s.at(unit), data, now, today),
        "amount",
        "paid_on",
    )
    planned = _planned_document(record, "fees")
    fee = store.fee(ident) or (Fee.from_document(planned) if planned else None)
    if fee is None:
        raise LookupError(ident)
    if not created and fee.amount != data["amount"]:
        raise LedgerError("fee_conflict", field="amount")
    return Booked(fee, created)


def reverse_entry(store: Funds, data: dict[str, Any], now: datetime | None = None) -> Entry:
    """Bút toán đảo: a movement is corrected by its mirror, dated today, never edited. A donation,
    disbursement or fee is named by its id; a transfer by its id (both funds are corrected)."""
    now = now or datetime.now(UTC)
    today = domain.today_in_vietnam(now)
    found = entry(store, data["entry_id"])
    if found is None:
        raise LedgerError("entry_not_found", field="entry_id")
    if found.kind == Kind.TRANSFER_OUT:  # reversed from the receiving side, which pays back
        found = _leg(store, found.reference, "in")
    original = found.transaction()
    partner = None
    if original.kind == Kind.TRANSFER_IN:
        out = _leg(store, original.reference, "out")
        partner = (store.ensure(out.unit, now.isoformat()), out.transaction())
    donation = store.donation(original.id) if original.kind == Kind.DONATION else None
    paid = store.disbursement(original.id) if original.kind == Kind.DISBURSEMENT else None
    state = store.ensure(found.unit, now.isoformat())

    def plan(s: FundState) -> domain.Posting:
        return domain.plan_reversal(
            s.at(found.unit),
            original,
            donation,
            data["reason"],
            today,
            now,
            partner=partner,
            disbursement=paid,
        )

    _, created = _post(store, state, f"{original.id}/reversal", plan, "entry_id")
    if not created:
        raise LedgerError("already_reversed", field="entry_id", transaction_id=original.id)
    reversal = store.entry(f"{original.id}/reversal")
    if reversal is None:
        raise LookupError(f"{original.id}/reversal")
    return reversal


def _leg(store: Funds, transfer: str | None, side: str) -> Entry:
    """One leg of a transfer: both are booked together, so the other is always there."""
    found = store.entry(f"{transfer}/{side}")
    if found is None:
        raise LookupError(f"{transfer}/{side}")
    return found


# --- reading ------------------------------------------------------------------------------------


def fund_view(store: Funds, unit: Mapping[str, Any]) -> FundView:
    """A unit's fund: balance and its receipts so far (a unit without movements holds 0)."""
    ident = domain.fund_id(store.tenant, unit["code"])
    found = store.get(ident) or {}
    return FundView(
        id=ident,
        tenant=store.tenant,
        unit_code=unit["code"],
        unit_name=unit.get("name") or found.get("unit_name"),
        unit_path=unit["path"],
        balance=int(found.get("balance") or 0),
        last_day=found.get("last_day"),
        earmarks=sorted(
            (
                {
                    "name": e.get("name") or "",
                    "received": int(e.get("received") or 0),
                    "spent": int(e.get("spent") or 0),
                    "balance": int(e.get("received") or 0) - int(e.get("spent") or 0),
                }
                for e in (found.get("earmarks") or {}).values()
            ),
            key=lambda e: search_key(e["name"]),
        ),
    )


def _entries(store: Funds, ident: str, end: date, dues: bool = True) -> list[ledger.Entry]:
    """A fund's ledger entries up to ``end``; without the membership dues (and their
    reversals) when ``dues`` is False."""
    return [
        e
        for found in store.entries_of(ident, until=end.isoformat())
        if dues or ledger.MEMBERSHIP_FEES not in (found.debit, found.credit)
        for e in found.transaction().entries
    ]


def _statement(
    store: Funds, code: str, start: date, end: date, dues: bool = True
) -> ledger.Statement:
    ident = domain.fund_id(store.tenant, code)
    try:
        return ledger.statement(_entries(store, ident, end, dues), ident, start, end)
    except LedgerError as exc:
        raise exc.on("from") from None


def statement(store: Funds, code: str, start: date, end: date) -> dict[str, Any]:
    """The statement of a unit's fund for ``start``..``end``: money lines in the public order.
    This internal statement shows the membership dues (hội phí) as their own line; the public
    one leaves them out (:func:`public_statement`)."""
    st = _statement(store, code, start, end)
    return {"from": start.isoformat(), "to": end.isoformat(), **publication.statement_lines(st)}


def donations(store: Funds, code: str, after: str | None, first: int) -> Page:
    """A cursor page of a fund's donations, oldest first."""
    first = max(1, min(int(first), 200))
    found = store.donations_page(domain.fund_id(store.tenant, code), after, first + 1)
    return Page(found[:first], found[first - 1].sort_key if len(found) > first else None)


def disbursements(store: Funds, code: str, after: str | None, first: int) -> Page:
    """A cursor page of a fund's disbursements (payments by day, then proposals)."""
    first = max(1, min(int(first), 200))
    found = store.disbursements_page(domain.fund_id(store.tenant, code), after, first + 1)
    return Page(found[:first], found[first - 1].sort_key if len(found) > first else None)


def stats(store: Funds, path: UnitPath, from_year: int, to_year: int) -> dict[str, int]:
    """Fund figures of the unit and everything below it, O(units × years), with the unit's own
    fund apart (``own_<figure>``, also ``own_balance``): what is not its own is the sum of the
    units below, so a province's figure is visibly its communes' plus its own."""
    counters = store.counters_under(path)
    own_path = str(path)
    own = domain.stats_totals(
        [c for c in counters if c.get("unitpath") == own_path], from_year, to_year
    )
    return {
        **domain.stats_totals(counters, from_year, to_year),
        **{f"own_{name}": value for name, value in own.items()},
    }


def honour_roll(store: Funds, code: str, year: int, first: int = 10) -> list[HonourLine]:
    """Tôn vinh: the largest donors of the unit and everything below it in a year; anonymous
    ones as "Nhà hảo tâm ẩn danh"; never contact details."""
    lines = [d for d in store.donors_of(code, year) if int(d.get("total") or 0) > 0]
    lines.sort(key=lambda d: (-int(d["total"]), d["name"]))
    return [
        HonourLine(
            rank=rank,
            name=publication.ANONYMOUS_DONOR if d.get("anonymous") else d["name"],
            kind=d["kind"],
            anonymous=bool(d.get("anonymous")),
            total=int(d["total"]),
            count=int(d["count"]),
        )
        for rank, d in enumerate(lines[: max(1, min(first, 100))], start=1)
    ]


def public_statement(
    store: Funds,
    unit: Mapping[str, Any],
    start: date,
    end: date,
    threshold: int,
) -> PublicStatement:
    """Công khai: what anyone may read about a fund and period — money lines of the Quỹ Khuyến
    học (membership dues kept apart, not on it), donors at or above the threshold (anonymous
    ones unnamed; the rest counted, not named), awards by category (minors by initials), and
    each earmarked gift tracked to its purpose."""
    ident = domain.fund_id(store.tenant, unit["code"])
    st = _statement(store, unit["code"], start, end, dues=False)
    lines = {"from": start.isoformat(), "to": end.isoformat(), **publication.public_lines(st)}
    gifts = store.donations_in(ident, start.isoformat(), end.isoformat())
    paid = store.disbursements_in(ident, start.isoformat(), end.isoformat())
    everything = publication.public_donors(gifts, 0)
    named = [d for d in everything if d["amount"] >= threshold]
    earlier_gifts = store.donations_in(ident, "2000-01-01", end.isoformat())
    earlier_paid = store.disbursements_in(ident, "2000-01-01", end.isoformat())
    return PublicStatement(
        unit_code=unit["code"],
        unit_name=unit.get("name") or unit["code"],
        unit_path=unit["path"],
        threshold=threshold,
        lines=lines,
        donors=named,
        awards=publication.public_awards(paid)["categories"],
        earmarks=publication.earmark_lines(
            earlier_gifts, earlier_paid, start.isoformat(), end.isoformat()
        ),
        others={
            "count": sum(d["count"] for d in everything[len(named) :]),
            "amount": sum(d["amount"] for d in everything[len(named) :]),
        },
    )


def consolidated_statement(
    store: Funds,
    unit: Mapping[str, Any],
    branches: Sequence[Mapping[str, Any]],
    start: date,
    end: date,
) -> dict[str, Any]:
    """Báo cáo tổng hợp of a commune with its branches: each fund's public lines (dues kept
    apart) and their total, in which money moved between these funds (transfers and their
    reversals, both legs inside the group) is left out of money in and out: it is neither
    received nor spent by the group. Opening and closing are the sums of the funds'."""
    units = [unit, *[b for b in branches if b["code"] != unit["code"]]]
    for u in units:
        _check_unit(store.tenant, u, "unit_code")
    idents = {domain.fund_id(store.tenant, u["code"]) for u in units}
    funds: list[dict[str, Any]] = []
    total_in: dict[str, int] = {}
    total_out: dict[str, int] = {}
    count_in: dict[str, int] = {}
    count_out: dict[str, int] = {}
    opening = closing = internal = 0
    for u in units:
        ident = domain.fund_id(store.tenant, u["code"])
        found = [
            f
            for f in store.entries_of(ident, until=end.isoformat())
            if ledger.MEMBERSHIP_FEES not in (f.debit, f.credit)
        ]
        entries = [e for f in found for e in f.transaction().entries]
        st = ledger.statement(entries, ident, start, end)
        inside = [
            e
            for f in found
            if f.date >= start.isoformat() and _internal_transfer(store, f, idents)
            for e in f.transaction().entries
        ]
        moved = ledger.statement(inside, ident, start, end)
        lines = publication.public_lines(st)
        funds.append(
            {
                "unitCode": u["code"],
                "unitName": u.get("name") or u["code"],
                "unitPath": u["path"],
                **lines,
            }
        )
        opening += st.opening
        closing += st.closing
        for name, amount in st.money_in.items():
            total_in[name] = total_in.get(name, 0) + amount - moved.money_in[name]
            count_in[name] = count_in.get(name, 0) + st.count_in[name] - moved.count_in[name]
        for name, amount in st.money_out.items():
            total_out[name] = total_out.get(name, 0) + amount - moved.money_out[name]
            count_out[name] = count_out.get(name, 0) + st.count_out[name] - moved.count_out[name]
        internal += moved.money_out[ledger.TRANSFERS_OUT]
    money_in = [
        {"account": a, "label": messages.LABELS[a], "amount": total_in[a], "count": count_in[a]}
        for a in ledger.INCOME_ACCOUNTS
        if a != ledger.MEMBERSHIP_FEES
    ]
    money_out = [
        {"account": a, "label": messages.LABELS[a], "amount": total_out[a], "count": count_out[a]}
        for a in ledger.SPENDING_ACCOUNTS
    ]
    return {
        "unitCode": unit["code"],
        "unitName": unit.get("name") or unit["code"],
        "unitPath": unit["path"],
        "from": start.isoformat(),
        "to": end.isoformat(),
        "funds": funds,
        "total": {
            "opening": opening,
            "closing": closing,
            "total_in": sum(x["amount"] for x in money_in),
            "total_out": sum(x["amount"] for x in money_out),
            "money_in": money_in,
            "money_out": money_out,
        },
        "internalTransfers": internal,
    }


def _internal_transfer(store: Funds, found: Entry, idents: set[str]) -> bool:
    """A transfer leg (or its reversal) whose other leg is booked in one of ``idents``."""
    kind = found.kind
    if kind == Kind.REVERSAL:
        original = store.entry(found.reverses or "")
        if original is None:
            return False
        kind = original.kind
    if kind not in (Kind.TRANSFER_IN, Kind.TRANSFER_OUT) or not found.reference:
        return False
    other = "out" if kind == Kind.TRANSFER_IN else "in"
    leg = store.entry(f"{found.reference}/{other}")
    return leg is not None and leg.fund_id in idents


def report_figures(
    store: Funds, path: UnitPath, from_year: int, to_year: int
) -> dict[str, dict[str, Any]]:
    """Per year (``"2024"``: string keys, JSON's), the figures of the unit and everything below
    it, with the unit's own fund apart (``own``) so the sum over the units below is visible:
    donations, disbursements, student awards (scholarships, awards, university prizes — not
    sponsorship, community learning or other spending), membership dues, and the balance of
    the Quỹ Khuyến học at the end of the year (dues kept apart: not in it). O(units × years)."""
    counters = store.counters_under(path)
    own_path = str(path)
    years: dict[str, dict[str, Any]] = {}
    for year in range(from_year, to_year + 1):
        total = _year_figures(counters, year)
        own = _year_figures([c for c in counters if c.get("unitpath") == own_path], year)
        years[str(year)] = {**total, "own": own}
    return years


def _year_figures(counters: list[Document], year: int) -> dict[str, int]:
    sums = domain.stats_totals(counters, year, year)
    dues = sum(int(c.get("fees_total") or 0) for c in counters if int(c["year"]) <= year)
    return {
        "donations_total": sums["donations_total"],
        "disbursed_total": sums["disbursed_total"],
        "balance": sums["balance"] - dues,
        "awards_count": sums["student_awards_count"],
        "awards_amount": sums["student_awards_total"],
        "fees_total": sums["fees_total"],
    }


def honour_roll_file(
    store: Funds, unit: Mapping[str, Any], year: int, threshold: int
) -> dict[str, Any]:
    """Bảng vinh danh nhà hảo tâm of the unit and everything below it for a year: every donor
    whose gifts reach ``threshold`` (the province's choice; 0 names every donor), anonymous
    ones as "Nhà hảo tâm ẩn danh", the others counted on one line; never contact details."""
    lines = [d for d in store.donors_of(unit["code"], year) if int(d.get("total") or 0) > 0]
    lines.sort(key=lambda d: (-int(d["total"]), search_key(d["name"])))
    named = [d for d in lines if int(d["total"]) >= threshold]
    rest = lines[len(named) :]
    return {
        "unitCode": unit["code"],
        "unitName": unit.get("name") or unit["code"],
        "year": year,
        "threshold": threshold,
        "donors": [
            {
                "rank": rank,
                "name": publication.ANONYMOUS_DONOR if d.get("anonymous") else d["name"],
                "kind": d["kind"],
                "total": int(d["total"]),
                "count": int(d["count"]),
            }
            for rank, d in enumerate(named, start=1)
        ],
        "others": {
            "donors": len(rest),
            "count": sum(int(d["count"]) for d in rest),
            "total": sum(int(d["total"]) for d in rest),
        },
        "total": sum(int(d["total"]) for d in lines),
    }


def receipt(store: Funds, donation_id: str) -> Receipt | None:
    """A donation with its fund's unit name; one committed a moment ago and not yet written out
    is read from its plan (its ``donated`` event may already be out)."""
    found = store.donation(donation_id) or _planned(store.pending_plan(donation_id), "donations")
    if found is None:
        return None
    fund = store.get(found.fund_id) or {}
    return Receipt(found, found.unit_name or fund.get("unit_name") or found.unit_code)


def contact(store: Funds, donation_id: str) -> dict[str, Any] | None:
    """How to thank a donor (notification asks at delivery): name, e-mail, phone as given,
    and the fund's unit; None for a donation unknown in the store's tenant."""
    found = receipt(store, donation_id)
    if found is None:
        return None
    donor = found.donation.donor
    return {
        "name": donor.get("name"),
        "email": donor.get("email"),
        "phone": donor.get("phone"),
        "unit_name": found.unit_name,
    }


def reconcile(store: Funds) -> Reconciliation:
    """Does every fund's balance equal the sum of its entries? A movement committed but not yet
    written out counts with its planned transactions (its fund's balance already has it)."""
    booked = {e.id: e for e in store.pending_entries()}
    booked.update((e.id, e) for e in store.all_entries())
    entries = [e for found in booked.values() for e in found.transaction().entries]
    funds = store.all_funds()
    balances = {f["_id"]: int(f.get("balance") or 0) for f in funds}
    return Reconciliation(
        funds=len(funds),
        transactions=len(entries) // 2,
        balanced=ledger.trial_balance(entries),
        discrepancies=ledger.reconcile(entries, balances),
    )


def _planned_document(record: Mapping[str, Any] | None, collection: str) -> Document | None:
    """The document a still-pending movement will write (for answering its retry)."""
    for document in (record or {}).get("documents") or ():
        if document["collection"] == collection and "insert" in document:
            return dict(document["insert"])
    return None


def _planned(record: Mapping[str, Any] | None, collection: str) -> Donation | None:
    found = _planned_document(record, collection)
    return Donation.from_document(found) if found else None
