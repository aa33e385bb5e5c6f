"""A fund's stored state and the plan of one movement against it (:class:`Posting`), with
:func:`admit`, the single gate every ledger transaction passes, and what a posting writes: the
transaction document, the unit's and the donors' counters. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from khuyenhoc.tenancy import UnitPath
from services.fund import ledger
from services.fund.ledger import (
    CASH,
    Kind,
    LedgerError,
    Transaction,
)
from services.fund.publication import donor_key

STUDENT_AWARDS = frozenset(
    (ledger.Purpose.SCHOLARSHIP, ledger.Purpose.AWARD, ledger.Purpose.UNIVERSITY_PRIZE)
)
"""Purposes that are student awards in the reports (học bổng, khen thưởng, thưởng tân sinh
viên); sponsorship, community learning and other spending are not."""

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
    earmarks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Gifts earmarked for a purpose, by key: ``{name, received, spent}`` (đồng)."""
    unit_name: str | None = None

    def at(self, unit: Mapping[str, Any]) -> FundState:
        """The fund as a movement of ``unit`` books it: the unit path and name the gateway
        found for the movement (the map as it stood on its day), so the records, counters and
        documents land where that day's map says, under that day's name."""
        return replace(
            self,
            unit_path=UnitPath.parse(unit["path"]),
            unit_name=unit.get("name") or self.unit_name,
        )

    def earmark_balance(self, key: str) -> int:
        found = self.earmarks.get(key) or {}
        return int(found.get("received") or 0) - int(found.get("spent") or 0)

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
            earmarks={k: dict(v) for k, v in (doc.get("earmarks") or {}).items()},
            unit_name=doc.get("unit_name"),
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
    earmark: dict[str, Any] | None = None
    """The earmark it moves: ``{key, name, received, spent}`` (changes in đồng)."""

    def applied_to(self, state: FundState) -> FundState:
        """The fund after this posting is committed: what the store's atomic write sets (and
        what the in-memory store of the tests keeps)."""
        last_day = self.day if state.last_day is None else max(state.last_day, self.day)
        receipts = dict(state.receipts)
        if self.receipt_year is not None:
            receipts[str(self.receipt_year)] = state.next_receipt(self.receipt_year)
        earmarks = {k: dict(v) for k, v in state.earmarks.items()}
        if self.earmark is not None:
            key = self.earmark["key"]
            line = earmarks.setdefault(
                key, {"name": self.earmark["name"], "received": 0, "spent": 0}
            )
            line["received"] = int(line.get("received") or 0) + int(self.earmark["received"])
            line["spent"] = int(line.get("spent") or 0) + int(self.earmark["spent"])
        return replace(
            state,
            balance=state.balance + self.balance_change,
            last_day=last_day,
            receipts=receipts,
            version=state.version + 1,
            earmarks=earmarks,
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
            "earmark": self.earmark,
        }


class ConcurrentChange(RuntimeError):
    """The fund kept changing under us for too long; the caller may try again."""


def admit(state: FundState, t: Transaction, floor: int | None = None) -> int:
    """The single gate for posting: may the fund in ``state`` book ``t``? Returns the change of
    its cash (negative for a payment) or raises, so a refused movement changes nothing.

    A payment (money out, also the reversal of money in) is covered on its day and every later
    one (:func:`check_pay_out`: dated before the fund's latest movement only with ``floor``, as a
    past award is); money in never takes the balance past int64. That
    each transaction (so each reversal, whose id is derived from its original's) is booked once
    is the commit's: a posting id the fund already holds is answered, not booked again."""
    if t.fund_id != state.id:
        raise LedgerError("wrong_fund")
    if t.pays_out:
        check_pay_out(state, t.amount, t.date, floor)
        return -t.amount
    check_pay_in(state, t.amount)
    return t.amount


def check_pay_out(state: FundState, amount: int, on: date, floor: int | None = None) -> None:
    """A payment must be covered on its day and every later one: no statement ever shows a fund
    below zero. Dated on or after the fund's latest movement, the current balance is that
    balance. Dated before it (a past award entered as history), ``floor`` must say the lowest
    end-of-day balance from ``on`` to the latest movement, read from the ledger at the fund's
    ``version`` (:func:`lowest_balance_since`); without it the payment is refused."""
    if state.last_day and on < state.last_day:
        if floor is None:
            raise LedgerError("payment_before_last_movement", last_day=state.last_day)
        if min(floor, state.balance) < amount:
            raise ledger.InsufficientFunds(state.unit_code, min(floor, state.balance), amount)
        return
    if state.balance < amount:
        raise ledger.InsufficientFunds(state.unit_code, state.balance, amount)


def lowest_balance_since(balance: int, changes: Mapping[str, int], on: date) -> int:
    """The lowest end-of-day balance of a fund from ``on`` to its latest movement: ``balance``
    is the fund's now, ``changes`` its net cash change per ISO day (days up to ``on`` are
    ignored)."""
    lowest = running = balance
    for day in sorted((d for d in changes if d > on.isoformat()), reverse=True):
        running -= changes[day]  # the balance at the end of the day before ``day``
        lowest = min(lowest, running)
    return lowest


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
        if t.debit.name.removeprefix("disbursements.") in STUDENT_AWARDS:
            moved.update(student_awards_total=amount, student_awards_count=1)
    return moved


def unit_counter(state: FundState, year: int, moved: Mapping[str, int]) -> dict[str, Any]:
    """The unit's counter of the year; higher levels sum their units' counters."""
    return {
        "collection": "counters",
        # by path: a code kept by a 2025 commune names another unit (another path) than before
        "id": f"{state.tenant}|{state.unit_path}|{year}",
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
