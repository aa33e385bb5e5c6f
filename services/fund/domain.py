"""The fund's rules around the ledger: what a movement does to a fund, to the roll-up figures
and to the honour roll, and what is shown in public. Pure: no transport, no database.

A fund (Quỹ Khuyến học) belongs to one organisation unit: a province, district, commune or branch
(chi hội; a clan's or a school's fund is the fund of its clan or school branch). Its stored state is
small — balance, the day of its latest movement, the last receipt number per year — and every
movement is *planned* here against that state: the plan (a :class:`Posting`) names the ledger
transactions to keep, the figures to count and the event to publish, and the store commits it in
one atomic write of the fund's document (see ``store.py``).

Every ledger transaction a fund books passes :func:`admit`, the single gate for posting: the
plans call it, the store commits only what a plan returned, and the property tests
(tests/unit/test_ledger_properties.py) drive the same plans through an in-memory store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import new_event
from khuyenhoc.events import DISBURSED, DONATED
from khuyenhoc.tenancy import UnitPath
from services.fund import ledger, messages
from services.fund.ledger import (
    CASH,
    Kind,
    LedgerError,
    Transaction,
    check_amount,
)
from services.fund.publication import donor_key, public_beneficiary, public_donor_name
from services.fund.records import Disbursement, Donation

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving: a fixed offset is exact

FIGURES = (
    "donations_total",
    "donations_count",
    "fees_total",
    "disbursed_total",
    "awards_count",
    "cash_net",
)
"""Per unit and year: donations and their number, membership fees, disbursements and their number
(awards: scholarships, prizes, support), and the net change of cash (for balances)."""


def today_in_vietnam(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(VIETNAM).date()


class DonorKind(StrEnum):
    PERSON = "person"
    FAMILY = "family"
    CLAN = "clan"
    ORGANISATION = "organisation"
    ENTERPRISE = "enterprise"
    OVERSEAS = "overseas"  # người Việt Nam ở nước ngoài


class Channel(StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    VIETQR = "vietqr"


class BeneficiaryKind(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    SCHOOL = "school"
    OTHER = "other"


class DisbursementStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    REVERSED = "REVERSED"


# --- identities ---------------------------------------------------------------------------------


def fund_id(tenant: str, unit_code: str) -> str:
    return f"{tenant}:{unit_code}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def donation_id(fund: str, idempotency_key: str) -> str:
    """The same key for the same fund is the same donation: a retried request counts once."""
    return f"d-{_digest(fund, idempotency_key)[:20]}"


def transfer_id(fund: str, idempotency_key: str) -> str:
    return f"t-{_digest(fund, idempotency_key)[:20]}"


def fee_id(fund: str, member_id: str, year: int) -> str:
    """One membership fee per member and year in a branch fund."""
    return f"m-{_digest(fund, member_id, str(year))[:20]}"


def content_hash(payload: Mapping[str, Any]) -> str:
    """What a request asked for, to tell a retry from a different request under the same key."""
    return _digest(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str))


def sort_key(day: date, number: str) -> str:
    """The order of a fund's records: day, then number. The day is written without hyphens: a
    range bound that starts like an ISO date and goes on (``"2024-10-02|…"``) matches nothing on
    nx-27017 (pinned in test_store_compat)."""
    return f"{day:%Y%m%d}|{number}"


def receipt_code(unit_code: str) -> str:
    """The receipt's fund code: the unit code without hyphens (branch 06184-001 → 06184001)."""
    return unit_code.replace("-", "")


# --- fund state and postings --------------------------------------------------------------------


@dataclass(frozen=True)
class FundState:
    """What the fund document says before a movement (``version`` guards the atomic write)."""

    id: str
    tenant: str
    unit_code: str
    unit_path: UnitPath
    balance: int = 0
    last_day: date | None = None
    receipts: Mapping[str, int] = field(default_factory=dict)
    version: int = 0

    def next_receipt(self, year: int) -> int:
        """The sequence of the next receipt of ``year``: one more than the last, so none is
        skipped or reused (the commit writes it in the same atomic write as the donation)."""
        return int(self.receipts.get(str(year), 0)) + 1

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> FundState:
        last = doc.get("last_day")
        return cls(
            id=doc["_id"],
            tenant=doc["tenant"],
            unit_code=doc["unit_code"],
            unit_path=UnitPath.parse(doc["unitpath"]),
            balance=int(doc.get("balance") or 0),
            last_day=date.fromisoformat(last) if last else None,
            receipts=dict(doc.get("receipts") or {}),
            version=int(doc.get("version") or 0),
        )


@dataclass(frozen=True)
class Posting:
    """One movement planned against a fund: the fund's new state, the ledger transactions of this
    fund, the figures it moves (by counter), the documents it writes, its event, and a follow-up
    posting on another fund (the receiving side of a transfer)."""

    id: str
    fund_id: str
    balance_change: int
    day: date
    transactions: tuple[dict[str, Any], ...]
    counters: tuple[dict[str, Any], ...] = ()
    documents: tuple[dict[str, Any], ...] = ()
    event: dict[str, Any] | None = None
    receipt_year: int | None = None
    follow_up: dict[str, Any] | None = None
    result: dict[str, Any] = field(default_factory=dict)
    content: str = ""

    def applied_to(self, state: FundState) -> FundState:
        """The fund after this posting is committed: what the store's atomic write sets (and
        what the in-memory store of the tests keeps)."""
        last_day = self.day if state.last_day is None else max(state.last_day, self.day)
        receipts = dict(state.receipts)
        if self.receipt_year is not None:
            receipts[str(self.receipt_year)] = state.next_receipt(self.receipt_year)
        return replace(
            state,
            balance=state.balance + self.balance_change,
            last_day=last_day,
            receipts=receipts,
            version=state.version + 1,
        )

    def record(self) -> dict[str, Any]:
        """What the fund document keeps as ``pending.<id>`` until the posting is settled."""
        return {
            "transactions": list(self.transactions),
            "counters": list(self.counters),
            "documents": list(self.documents),
            "follow_up": self.follow_up,
            "result": self.result,
            "content": self.content,
        }


class ConcurrentChange(RuntimeError):
    """The fund kept changing under us for too long; the caller may try again."""


def admit(state: FundState, t: Transaction) -> int:
    """The single gate for posting: may the fund in ``state`` book ``t``? Returns the change of
    its cash (negative for a payment) or raises, so a refused movement changes nothing.

    A payment (money out, also the reversal of money in) is covered by the balance and dated
    on or after the fund's latest movement; money in never takes the balance past int64. That
    each transaction (so each reversal, whose id is derived from its original's) is booked once
    is the commit's: a posting id the fund already holds is answered, not booked again."""
    if t.fund_id != state.id:
        raise LedgerError("wrong_fund")
    if t.pays_out:
        check_pay_out(state, t.amount, t.date)
        return -t.amount
    check_pay_in(state, t.amount)
    return t.amount


def check_pay_out(state: FundState, amount: int, on: date) -> None:
    """A payment comes after every movement already booked (so the current balance is the
    balance on that day and every later one) and must be covered by it: no statement ever shows
    a fund below zero."""
    if state.last_day and on < state.last_day:
        raise LedgerError("payment_before_last_movement", last_day=state.last_day)
    if state.balance < amount:
        raise ledger.InsufficientFunds(state.unit_code, state.balance, amount)


def check_pay_in(state: FundState, amount: int) -> None:
    if state.balance + amount > ledger.MAX_AMOUNT:
        raise LedgerError("balance_too_large")


def check_day(day: date, today: date) -> None:
    if day > today:
        raise LedgerError("future_date")
    if day.year < 2000:
        raise LedgerError("invalid_date")


def transaction_document(t: Transaction, state: FundState, at: datetime) -> dict[str, Any]:
    """A ledger transaction as stored: immutable, its two entries named by account."""
    return {
        "_id": t.id,
        "tenant": state.tenant,
        "fund_id": t.fund_id,
        "unit_code": state.unit_code,
        "unitpath": str(state.unit_path),
        **state.unit_path.depth_fields(),
        "kind": t.kind.value,
        "date": t.date.isoformat(),
        "year": t.date.year,
        "amount": t.amount,
        "debit": t.debit.name,
        "credit": t.credit.name,
        "description": t.description,
        "reference": t.reference,
        "reverses": t.reverses,
        "at": at.isoformat(),
    }


def figures_of(t: Transaction, original: Transaction | None = None) -> dict[str, int]:
    """How a transaction moves its unit's figures in the year of its date. A reversal moves
    them back, in the year it is made, like the statement of that period shows it."""
    if t.kind == Kind.REVERSAL:
        assert original is not None
        return {name: -value for name, value in figures_of(original).items()}
    amount = t.amount
    cash = amount if t.debit.name == CASH else -amount
    moved = {"cash_net": cash}
    if t.kind == Kind.DONATION:
        moved.update(donations_total=amount, donations_count=1)
    elif t.kind == Kind.MEMBERSHIP_FEE:
        moved.update(fees_total=amount)
    elif t.kind == Kind.DISBURSEMENT:
        moved.update(disbursed_total=amount, awards_count=1)
    return moved


def unit_counter(state: FundState, year: int, moved: Mapping[str, int]) -> dict[str, Any]:
    """The unit's counter of the year; higher levels sum their units' counters."""
    return {
        "collection": "counters",
        "id": f"{state.tenant}|{state.unit_code}|{year}",
        "increments": dict(moved),
        "identity": {
            "tenant": state.tenant,
            "unit_code": state.unit_code,
            "unitpath": str(state.unit_path),
            **state.unit_path.depth_fields(),
            "year": year,
        },
    }


def donor_counters(
    state: FundState, year: int, donor: Mapping[str, Any], amount: int, count: int
) -> list[dict[str, Any]]:
    """The donor's line on the honour roll of the fund's unit and of every unit above it, so a
    roll at any level is one indexed read of that level's lines."""
    key = donor_key(donor["kind"], donor["name"], donor["anonymous"])
    return [
        {
            "collection": "donors",
            "id": f"{state.tenant}|{code}|{year}|{key}",
            "increments": {"total": amount, "count": count},
            "identity": {
                "tenant": state.tenant,
                "unit_code": code,
                "year": year,
                "name": donor["name"],
                "kind": donor["kind"],
                "anonymous": int(bool(donor["anonymous"])),
            },
        }
        for code in state.unit_path.codes
    ]


# --- the movements ------------------------------------------------------------------------------


def plan_donation(state: FundState, data: Mapping[str, Any], now: datetime, today: date) -> Posting:
    """A donation (ủng hộ) with the next receipt number of the fund and year: the number is
    taken in the same atomic write that records the donation, so none is skipped or reused."""
    amount = check_amount(data["amount"])
    day: date = data["received_on"]
    check_day(day, today)
    ident = donation_id(state.id, data["idempotency_key"])
    year = day.year
    sequence = state.next_receipt(year)
    receipt = ledger.receipt_number(receipt_code(state.unit_code), year, sequence)
    donor = data["donor"]
    t = ledger.donation(
        ident,
        state.id,
        day,
        amount,
        kind=data["kind"],
        description=messages.donation_description(public_donor_name(donor)),
        reference=receipt,
    )
    record = {
        "_id": ident,
        "tenant": state.tenant,
        "fund_id": state.id,
        "unit_code": state.unit_code,
        "unitpath": str(state.unit_path),
        "receipt_number": receipt,
        "receipt_year": year,
        "receipt_sequence": sequence,
        "amount": amount,
        "kind": data["kind"],
        "goods": data.get("goods"),
        "channel": data["channel"],
        "received_on": day.isoformat(),
        "purpose": data.get("purpose"),
        "earmark": data.get("earmark"),
        "donor": dict(donor),
        "note": data.get("note"),
        "recorded_by": data.get("by"),
        "recorded_at": now.isoformat(),
        "status": "RECORDED",
        "sort_key": sort_key(day, receipt),
        "content": data["content"],
    }
    return Posting(
        id=ident,
        fund_id=state.id,
        balance_change=admit(state, t),
        day=day,
        transactions=(transaction_document(t, state, now),),
        counters=(
            unit_counter(state, year, figures_of(t)),
            *donor_counters(state, year, donor, amount, 1),
        ),
        documents=({"collection": "donations", "insert": record},),
        event=donated_event(record, state.unit_path, now),
        receipt_year=year,
        result={"donationId": ident, "receiptNumber": receipt},
        content=data["content"],
    )


def plan_fee(state: FundState, data: Mapping[str, Any], now: datetime, today: date) -> Posting:
    """Hội phí of one member for one year, into the branch fund."""
    amount = check_amount(data["amount"])
    day: date = data["paid_on"]
    check_day(day, today)
    ident = fee_id(state.id, data["member_id"], data["year"])
    t = ledger.membership_fee(
        ident,
        state.id,
        day,
        amount,
        description=messages.fee_description(data["year"]),
        reference=data["member_id"],
    )
    record = {
        "_id": ident,
        "tenant": state.tenant,
        "fund_id": state.id,
        "unit_code": state.unit_code,
        "member_id": data["member_id"],
        "year": data["year"],
        "amount": amount,
        "paid_on": day.isoformat(),
        "recorded_by": data.get("by"),
        "recorded_at": now.isoformat(),
    }
    return Posting(
        id=ident,
        fund_id=state.id,
        balance_change=admit(state, t),
        day=day,
        transactions=(transaction_document(t, state, now),),
        counters=(unit_counter(state, day.year, figures_of(t)),),
        documents=({"collection": "fees", "insert": record},),
        result={"feeId": ident},
        content=data["content"],
    )


def plan_disbursement(
    state: FundState, proposal: Disbursement, approval: Mapping[str, Any], now: datetime
) -> Posting:
    """The payment of an approved proposal: never below zero, dated after every booked movement."""
    day: date = approval["paid_on"]
    t = ledger.disbursement(
        proposal.id,
        state.id,
        day,
        proposal.amount,
        purpose=proposal.purpose,
        description=messages.disbursement_description(
            proposal.purpose, public_beneficiary(proposal.beneficiary, day)
        ),
        reference=proposal.id,
    )
    approved = {
        "status": DisbursementStatus.APPROVED.value,
        "approved_by": approval.get("by"),
        "approved_at": now.isoformat(),
        "paid_on": day.isoformat(),
        "decision": approval.get("decision"),
        "sort_key": sort_key(day, proposal.id),
    }
    event = disbursed_event({**proposal.document(), **approved}, state.unit_path, now)
    return Posting(
        id=proposal.id,
        fund_id=state.id,
        balance_change=admit(state, t),
        day=day,
        transactions=(transaction_document(t, state, now),),
        counters=(unit_counter(state, day.year, figures_of(t)),),
        documents=(
            {
                "collection": "disbursements",
                "id": proposal.id,
                "guard": {"status": DisbursementStatus.PROPOSED.value},
                "set": approved,
            },
        ),
        event=event,
        result={"disbursementId": proposal.id},
    )


def plan_transfer(
    source: FundState,
    target: FundState,
    data: Mapping[str, Any],
    now: datetime,
) -> Posting:
    """Money from one fund to another (e.g. a commune fund to the district's): the paying fund
    commits both legs' plan; the receiving leg is then applied to the other fund."""
    amount = check_amount(data["amount"])
    day: date = data["on"]
    ident = transfer_id(source.id, data["idempotency_key"])
    out, into = ledger.transfer(
        source.id, target.id, ident, day, amount, description=data.get("description") or ""
    )
    paid = admit(source, out)
    receiving = Posting(
        id=into.id,
        fund_id=target.id,
        balance_change=admit(target, into),
        day=day,
        transactions=(transaction_document(into, target, now),),
        counters=(unit_counter(target, day.year, figures_of(into)),),
    )
    return Posting(
        id=out.id,
        fund_id=source.id,
        balance_change=paid,
        day=day,
        transactions=(transaction_document(out, source, now),),
        counters=(unit_counter(source, day.year, figures_of(out)),),
        follow_up={"fund_id": target.id, "posting": receiving.record() | _head(receiving)},
        result={"transferId": ident},
        content=data["content"],
    )


def _head(posting: Posting) -> dict[str, Any]:
    return {
        "id": posting.id,
        "balance_change": posting.balance_change,
        "day": posting.day.isoformat(),
    }


def posting_from_record(record: Mapping[str, Any]) -> Posting:
    """A follow-up posting as carried in its parent's record."""
    return Posting(
        id=record["id"],
        fund_id=record["transactions"][0]["fund_id"],
        balance_change=int(record["balance_change"]),
        day=date.fromisoformat(record["day"]),
        transactions=tuple(record["transactions"]),
        counters=tuple(record.get("counters") or ()),
        documents=tuple(record.get("documents") or ()),
        follow_up=record.get("follow_up"),
        result=record.get("result") or {},
        content=record.get("content") or "",
    )


def plan_reversal(
    state: FundState,
    original: Transaction,
    donation: Donation | None,
    reason: str,
    today: date,
    now: datetime,
    partner: tuple[FundState, Transaction] | None = None,
) -> Posting:
    """A correction: the mirror of ``original``, dated today; a reversal that would take the fund
    below zero is refused. ``donation`` is the donation's record when a donation is reversed.
    A transfer is reversed as a whole: ``state`` is the fund that received it (it pays back) and
    ``partner`` the fund that sent it."""
    if original.kind == Kind.REVERSAL:
        raise LedgerError("reversal_of_reversal")
    mirror = ledger.reversal(original, today, reason)
    change = admit(state, mirror)
    counters = [unit_counter(state, today.year, figures_of(mirror, original))]
    documents: list[dict[str, Any]] = []
    if original.kind == Kind.DONATION and donation is not None:
        # the honour roll lists the net gifts of a year: a reversed gift leaves its year's roll
        counters += donor_counters(
            state, donation.receipt_year, donation.donor, -original.amount, -1
        )
        documents.append(
            {
                "collection": "donations",
                "id": original.id,
                "guard": {"status": "RECORDED"},
                "set": {"status": "REVERSED", "reversal": {"reason": reason, "on": str(today)}},
            }
        )
    if original.kind == Kind.DISBURSEMENT:
        documents.append(
            {
                "collection": "disbursements",
                "id": original.id,
                "guard": {"status": DisbursementStatus.APPROVED.value},
                "set": {
                    "status": DisbursementStatus.REVERSED.value,
                    "reversal": {"reason": reason, "on": str(today)},
                },
            }
        )
    follow_up = None
    if partner is not None:
        other_state, other_original = partner
        other = ledger.reversal(other_original, today, reason)
        receiving = Posting(
            id=other.id,
            fund_id=other_state.id,
            balance_change=admit(other_state, other),
            day=today,
            transactions=(transaction_document(other, other_state, now),),
            counters=(unit_counter(other_state, today.year, figures_of(other, other_original)),),
        )
        follow_up = {"fund_id": other_state.id, "posting": receiving.record() | _head(receiving)}
    return Posting(
        id=mirror.id,
        fund_id=state.id,
        balance_change=change,
        day=today,
        transactions=(transaction_document(mirror, state, now),),
        counters=tuple(counters),
        documents=tuple(documents),
        follow_up=follow_up,
        result={"reversalId": mirror.id, "reverses": original.id},
    )


def money(amount: int) -> str:
    """The wire form of an amount: a decimal string of đồng, exact in every language."""
    return str(int(amount))


def donated_event(record: Mapping[str, Any], path: UnitPath, now: datetime) -> dict[str, Any]:
    """``donated``: what a thank-you needs — the donor's name, the anonymity wish, contact
    details if given — and the receipt. Personal data: partners receive it without the contact
    details and with an anonymous donor unnamed (notification's ``for_partners``)."""
    donor = record["donor"]
    return new_event(
        DONATED,
        subject=f"donation/{record['_id']}",
        unit_path=path,
        time=now,
        data={
            "donationId": record["_id"],
            "unitCode": record["unit_code"],
            "receiptNumber": record["receipt_number"],
            "amount": money(record["amount"]),
            "kind": record["kind"],
            "channel": record["channel"],
            "receivedOn": record["received_on"],
            "purpose": record.get("purpose") or "general",
            "donor": {
                "name": donor["name"],
                "kind": donor["kind"],
                "anonymous": bool(donor.get("anonymous")),
                "email": donor.get("email"),
                "phone": donor.get("phone"),
            },
        },
    )


def disbursed_event(record: Mapping[str, Any], path: UnitPath, now: datetime) -> dict[str, Any]:
    """``disbursed``: an approved payment, with the beneficiary as the public sees it (a minor
    by initials and school only): no full names of children leave the fund service."""
    paid_on = date.fromisoformat(record["paid_on"])
    beneficiary = record["beneficiary"]
    return new_event(
        DISBURSED,
        subject=f"disbursement/{record['_id']}",
        unit_path=path,
        time=now,
        data={
            "disbursementId": record["_id"],
            "unitCode": record["unit_code"],
            "amount": money(record["amount"]),
            "purpose": record["purpose"],
            "paidOn": record["paid_on"],
            "beneficiary": {
                "kind": beneficiary["kind"],
                "publicName": public_beneficiary(beneficiary, paid_on),
                "school": beneficiary.get("school"),
                "grade": beneficiary.get("grade"),
            },
        },
    )


def stats_totals(
    counters: Iterable[Mapping[str, Any]], from_year: int, to_year: int
) -> dict[str, int]:
    """Figures over ``from_year``..``to_year`` from unit counters of any years up to
    ``to_year``; the balance is the closing balance of ``to_year`` (all years up to it)."""
    totals = dict.fromkeys(FIGURES, 0)
    balance = 0
    for counter in counters:
        year = int(counter["year"])
        if year > to_year:
            continue
        balance += int(counter.get("cash_net") or 0)
        if year >= from_year:
            for name in FIGURES:
                totals[name] += int(counter.get(name) or 0)
    return {**totals, "balance": balance}
