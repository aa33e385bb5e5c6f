"""The fund's ledger: pure double-entry bookkeeping for a Quỹ Khuyến học.

The demand on every fund is "đúng mục đích, công khai, minh bạch": each đồng that comes in or goes
out must be traceable to its source or purpose, and the published figures must add up. So money is
an exact ``int`` of đồng (never float or Decimal), every movement is an immutable transaction of
two equal entries, mistakes are corrected by reversal rather than by editing. Whether a fund may
book a transaction (never below zero, never past int64, each id once) is decided at one gate,
``domain.admit``, against the fund's stored state: production and the property tests both post
through it. Standard library only: no transport, no database, no user text (``messages.py``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

MAX_AMOUNT = 9_223_372_036_854_775_807
"""int64: the largest amount (and balance) the store can hold exactly."""


# --- errors -------------------------------------------------------------------------------------


class LedgerError(ValueError):
    """A movement the rules refuse: ``key`` is a stable English code, ``params`` what the
    message needs, ``field`` the request field (snake_case) it concerns once a use case knows it.
    The Vietnamese text is the edge's (``messages.refusal_text``)."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    def on(self, field: str) -> LedgerError:
        """The same refusal, about ``field`` (a field already named is kept)."""
        if self.field is None:
            self.field = field
        return self


class InsufficientFunds(LedgerError):
    """A payment that would take a fund below zero: a fund only spends what it has received."""

    def __init__(self, fund_id: str, available: int, amount: int) -> None:
        super().__init__("insufficient_funds", fund_id=fund_id, available=available, amount=amount)
        self.fund_id = fund_id
        self.available = available
        self.amount = amount


# --- accounts -----------------------------------------------------------------------------------


class DonationKind(StrEnum):
    CASH = "cash"
    IN_KIND = "in_kind"  # goods, brought in at their valuation


class Purpose(StrEnum):
    SCHOLARSHIP = "scholarship"
    AWARD = "award"
    UNIVERSITY_PRIZE = "university_prize"
    SPONSORSHIP = "sponsorship"  # con nuôi khuyến học
    COMMUNITY_LEARNING = "community_learning"
    OTHER = "other"


CASH = "cash"
MEMBERSHIP_FEES = "membership_fees"
OTHER_INCOME = "other_income"
TRANSFERS_IN = "transfers_in"
TRANSFERS_OUT = "transfers_out"

INCOME_ACCOUNTS: tuple[str, ...] = (
    *(f"donations.{k}" for k in DonationKind),
    MEMBERSHIP_FEES,
    OTHER_INCOME,
    TRANSFERS_IN,
)
"""Sources of money in, in the order of the public report."""

SPENDING_ACCOUNTS: tuple[str, ...] = (*(f"disbursements.{p}" for p in Purpose), TRANSFERS_OUT)
"""Purposes of money out, in the order of the public report."""

ACCOUNT_NAMES = frozenset((CASH, *INCOME_ACCOUNTS, *SPENDING_ACCOUNTS))


@dataclass(frozen=True, order=True)
class Account:
    """One account of one fund: its cash/bank balance or a counter-account by nature, so the
    report can say where money came from and what it went to."""

    fund_id: str
    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.fund_id, str) or not self.fund_id.strip():
            raise LedgerError("fund_required")
        if self.name not in ACCOUNT_NAMES:
            raise LedgerError("unknown_account", name=self.name)


def cash_account(fund_id: str) -> Account:
    return Account(fund_id, CASH)


def _debit_normal(name: str) -> bool:
    """Cash and spending grow with debits; sources of money grow with credits."""
    return name == CASH or name in SPENDING_ACCOUNTS


# --- transactions and entries -------------------------------------------------------------------


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class Kind(StrEnum):
    DONATION = "donation"
    MEMBERSHIP_FEE = "membership_fee"
    OTHER_INCOME = "other_income"
    DISBURSEMENT = "disbursement"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    REVERSAL = "reversal"


@dataclass(frozen=True)
class Entry:
    """One side of a transaction on one account. Entries are what balances are computed from."""

    transaction_id: str
    account: Account
    side: Side
    amount: int
    date: date


def check_amount(amount: object) -> int:
    """An amount is a positive whole number of đồng that the store can hold exactly."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise LedgerError("amount_not_integer")
    if amount <= 0:
        raise LedgerError("amount_not_positive")
    if amount > MAX_AMOUNT:
        raise LedgerError("amount_too_large", limit=MAX_AMOUNT)
    return amount


def _check_date(value: object) -> date:
    # datetime is a date too, but cannot be compared with one: a ledger day is a plain date
    if not isinstance(value, date) or isinstance(value, datetime):
        raise LedgerError("invalid_date")
    return value


@dataclass(frozen=True)
class Transaction:
    """An immutable movement of money: debit one account, credit another, by the same amount.
    Corrections are new transactions (reversals), so the history is never rewritten."""

    id: str
    fund_id: str
    kind: Kind
    date: date
    amount: int
    debit: Account
    credit: Account
    description: str = ""
    reference: str | None = None
    reverses: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise LedgerError("transaction_id_required")
        check_amount(self.amount)
        _check_date(self.date)
        if self.debit.fund_id != self.fund_id or self.credit.fund_id != self.fund_id:
            raise LedgerError("foreign_account")
        if self.debit == self.credit:
            raise LedgerError("same_account")
        if CASH not in (self.debit.name, self.credit.name):
            raise LedgerError("no_cash_side")
        if (self.kind == Kind.REVERSAL) != (self.reverses is not None):
            raise LedgerError("reversal_mismatch")

    @property
    def entries(self) -> tuple[Entry, Entry]:
        return (
            Entry(self.id, self.debit, Side.DEBIT, self.amount, self.date),
            Entry(self.id, self.credit, Side.CREDIT, self.amount, self.date),
        )

    @property
    def pays_out(self) -> bool:
        """Takes money from the fund, so it must be covered by the balance."""
        return self.credit.name == CASH


def _income(
    kind: Kind,
    account: str,
    id: str,
    fund_id: str,
    date: date,
    amount: int,
    description: str,
    reference: str | None,
) -> Transaction:
    return Transaction(
        id=id,
        fund_id=fund_id,
        kind=kind,
        date=date,
        amount=amount,
        debit=cash_account(fund_id),
        credit=Account(fund_id, account),
        description=description,
        reference=reference,
    )


def donation(
    id: str,
    fund_id: str,
    date: date,
    amount: int,
    *,
    kind: DonationKind | str = DonationKind.CASH,
    description: str = "",
    reference: str | None = None,
) -> Transaction:
    """Money or goods (at their valuation) given to the fund; ``reference`` is the donation id."""
    try:
        kind = DonationKind(kind)
    except ValueError:
        raise LedgerError("unknown_donation_kind", kind=kind) from None
    return _income(
        Kind.DONATION, f"donations.{kind}", id, fund_id, date, amount, description, reference
    )


def membership_fee(
    id: str,
    fund_id: str,
    date: date,
    amount: int,
    *,
    description: str = "",
    reference: str | None = None,
) -> Transaction:
    """Hội phí paid into the fund."""
    return _income(
        Kind.MEMBERSHIP_FEE, MEMBERSHIP_FEES, id, fund_id, date, amount, description, reference
    )


def other_income(
    id: str,
    fund_id: str,
    date: date,
    amount: int,
    *,
    description: str = "",
    reference: str | None = None,
) -> Transaction:
    """Events, bank interest and anything else that is neither a donation nor a fee."""
    return _income(
        Kind.OTHER_INCOME, OTHER_INCOME, id, fund_id, date, amount, description, reference
    )


def disbursement(
    id: str,
    fund_id: str,
    date: date,
    amount: int,
    *,
    purpose: Purpose | str,
    description: str = "",
    reference: str | None = None,
) -> Transaction:
    """Money paid out for one purpose. Whether the fund can pay is checked when it is posted."""
    try:
        purpose = Purpose(purpose)
    except ValueError:
        raise LedgerError("unknown_purpose", purpose=purpose) from None
    return Transaction(
        id=id,
        fund_id=fund_id,
        kind=Kind.DISBURSEMENT,
        date=date,
        amount=amount,
        debit=Account(fund_id, f"disbursements.{purpose}"),
        credit=cash_account(fund_id),
        description=description,
        reference=reference,
    )


def transfer(
    from_fund: str, to_fund: str, id: str, date: date, amount: int, *, description: str = ""
) -> tuple[Transaction, Transaction]:
    """Money moved between two funds (e.g. a commune fund to the district's): one transaction in
    each fund, sharing the transfer id as reference, so the total over funds is unchanged."""
    if from_fund == to_fund:
        raise LedgerError("same_fund_transfer")
    out = Transaction(
        id=f"{id}/out",
        fund_id=from_fund,
        kind=Kind.TRANSFER_OUT,
        date=date,
        amount=amount,
        debit=Account(from_fund, TRANSFERS_OUT),
        credit=cash_account(from_fund),
        description=description,
        reference=id,
    )
    into = Transaction(
        id=f"{id}/in",
        fund_id=to_fund,
        kind=Kind.TRANSFER_IN,
        date=date,
        amount=amount,
        debit=cash_account(to_fund),
        credit=Account(to_fund, TRANSFERS_IN),
        description=description,
        reference=id,
    )
    return out, into


def reversal(
    original: Transaction, date: date, reason: str, *, id: str | None = None
) -> Transaction:
    """The mirror of ``original`` (same accounts, sides swapped), dated when the mistake is
    corrected. A reversal itself cannot be reversed: post a new transaction instead. That an
    original is reversed only once is the fund's gate's (``domain.admit``): the reversal's id is
    derived from the original's, and a fund books an id once."""
    if original.reverses is not None:
        raise LedgerError("reversal_of_reversal")
    if not isinstance(reason, str) or not reason.strip():
        raise LedgerError("reason_required")
    if _check_date(date) < original.date:
        raise LedgerError("reversal_before_original")
    return Transaction(
        id=id or f"{original.id}/reversal",
        fund_id=original.fund_id,
        kind=Kind.REVERSAL,
        date=date,
        amount=original.amount,
        debit=original.credit,
        credit=original.debit,
        description=reason,
        reference=original.reference,
        reverses=original.id,
    )


# --- balances -----------------------------------------------------------------------------------


def balance(entries: Iterable[Entry], account: Account) -> int:
    """The balance of one account on its normal side (cash and spending: debits − credits;
    sources: credits − debits), so every figure in a report is naturally positive."""
    total = 0
    for e in entries:
        if e.account == account:
            total += e.amount if e.side == Side.DEBIT else -e.amount
    return total if _debit_normal(account.name) else -total


def fund_balance(entries: Iterable[Entry], fund_id: str) -> int:
    """What the fund holds: the balance of its cash account."""
    return balance(entries, cash_account(fund_id))


def trial_balance(entries: Iterable[Entry]) -> bool:
    """Double entry holds: total debits equal total credits."""
    debits = credits = 0
    for e in entries:
        if e.side == Side.DEBIT:
            debits += e.amount
        else:
            credits += e.amount
    return debits == credits


@dataclass(frozen=True)
class Discrepancy:
    """A fund whose stored balance is not the sum of its entries."""

    fund_id: str
    stored: int
    computed: int

    @property
    def difference(self) -> int:
        return self.stored - self.computed


def reconcile(entries: Iterable[Entry], stored_balances: Mapping[str, int]) -> list[Discrepancy]:
    """Compare stored balances with the entries. A fund with entries but no stored balance counts
    as stored 0, so a missing balance is reported rather than silently skipped."""
    computed: dict[str, int] = defaultdict(int)
    for e in entries:
        if e.account.name == CASH:
            computed[e.account.fund_id] += e.amount if e.side == Side.DEBIT else -e.amount
    funds = sorted(set(computed) | set(stored_balances))
    return [
        Discrepancy(f, stored_balances.get(f, 0), computed.get(f, 0))
        for f in funds
        if stored_balances.get(f, 0) != computed.get(f, 0)
    ]


# --- receipt numbers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptNumber:
    fund_code: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return receipt_number(self.fund_code, self.year, self.sequence)


_FUND_CODE = re.compile(r"[A-Za-z0-9]+")
_RECEIPT = re.compile(r"([A-Za-z0-9]+)-(\d{4})-(\d{6,})")


def receipt_number(fund_code: str, year: int, sequence: int) -> str:
    """The printed number of a receipt (NĐ 93/2021: a receipt on request), e.g. 06184-2024-000123.
    Gap-free numbering per fund and year is the store's job; this is only the format."""
    if not isinstance(fund_code, str) or not _FUND_CODE.fullmatch(fund_code):
        raise LedgerError("invalid_fund_code", code=fund_code)
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise LedgerError("invalid_year", year=year)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise LedgerError("invalid_sequence", sequence=sequence)
    return f"{fund_code}-{year:04d}-{sequence:06d}"


def parse_receipt_number(text: str) -> ReceiptNumber:
    """The inverse of ``receipt_number``; only the canonical form is accepted, so one receipt has
    exactly one spelling."""
    match = _RECEIPT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise LedgerError("invalid_receipt_number", text=text)
    code, year, seq = match.group(1), int(match.group(2)), int(match.group(3))
    if seq < 1 or receipt_number(code, year, seq) != text:
        raise LedgerError("invalid_receipt_number", text=text)
    return ReceiptNumber(code, year, seq)


# --- the period statement -----------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """What a fund publishes for a period (both days included): opening balance, money in by
    source, money out by purpose, closing balance. A reversal counts in the period it is made, as
    a correction of the line it reverses (so a line can be negative in that period).
    ``count_in``/``count_out`` are the number of movements per line (e.g. students awarded)."""

    fund_id: str
    start: date
    end: date
    opening: int
    money_in: Mapping[str, int]
    money_out: Mapping[str, int]
    count_in: Mapping[str, int]
    count_out: Mapping[str, int]
    closing: int

    @property
    def total_in(self) -> int:
        return sum(self.money_in.values())

    @property
    def total_out(self) -> int:
        return sum(self.money_out.values())


def statement(entries: Iterable[Entry], fund_id: str, start: date, end: date) -> Statement:
    """The statement of one fund from ``start`` to ``end`` inclusive. opening + in − out ==
    closing holds by construction: every cash entry has a counter entry of the same amount."""
    _check_date(start)
    _check_date(end)
    if start > end:
        raise LedgerError("invalid_period")
    cash = cash_account(fund_id)
    opening = closing = 0
    money_in = dict.fromkeys(INCOME_ACCOUNTS, 0)
    money_out = dict.fromkeys(SPENDING_ACCOUNTS, 0)
    count_in = dict.fromkeys(INCOME_ACCOUNTS, 0)
    count_out = dict.fromkeys(SPENDING_ACCOUNTS, 0)
    for e in entries:
        if e.account.fund_id != fund_id or e.date > end:
            continue
        signed = e.amount if e.side == Side.DEBIT else -e.amount
        if e.account == cash:
            closing += signed
            if e.date < start:
                opening += signed
        elif e.date >= start:
            name = e.account.name
            if name in money_in:
                money_in[name] -= signed
                count_in[name] += 1 if e.side == Side.CREDIT else -1
            else:
                money_out[name] += signed
                count_out[name] += 1 if e.side == Side.DEBIT else -1
    return Statement(
        fund_id,
        start,
        end,
        opening,
        MappingProxyType(money_in),
        MappingProxyType(money_out),
        MappingProxyType(count_in),
        MappingProxyType(count_out),
        closing,
    )
