"""The fund's records as the store hands them to the use cases: typed, not raw documents.
``from_document`` reads the stored shape (unchanged, see ``domain.plan_*`` for how it is
written); a field a document may lack (older documents, proposals not yet paid) is optional.
Pure: no transport, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.fund import ledger
from services.fund.ledger import Kind, Transaction


@dataclass(frozen=True)
class Donation:
    """A gift with its receipt number (ủng hộ); ``donor`` as given, contact details included."""

    id: str
    tenant: str
    fund_id: str
    unit_code: str
    unitpath: str
    receipt_number: str
    receipt_year: int
    receipt_sequence: int
    amount: int
    kind: str
    channel: str
    received_on: str
    donor: dict[str, Any]
    status: str
    goods: str | None = None
    purpose: str | None = None
    earmark: str | None = None
    note: str | None = None
    recorded_by: str | None = None
    content: str | None = None
    sort_key: str = ""
    unit_name: str | None = None
    """The unit's name on the day of the gift (a 2024 gift keeps the 2024 commune's name)."""
    reversal: dict[str, Any] | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Donation:
        return cls(
            id=doc["_id"],
            tenant=doc["tenant"],
            fund_id=doc["fund_id"],
            unit_code=doc["unit_code"],
            unitpath=doc["unitpath"],
            receipt_number=doc["receipt_number"],
            receipt_year=int(doc["receipt_year"]),
            receipt_sequence=int(doc["receipt_sequence"]),
            amount=int(doc["amount"]),
            kind=doc["kind"],
            channel=doc["channel"],
            received_on=doc["received_on"],
            donor=dict(doc["donor"]),
            status=doc["status"],
            goods=doc.get("goods"),
            purpose=doc.get("purpose"),
            earmark=doc.get("earmark"),
            note=doc.get("note"),
            recorded_by=doc.get("recorded_by"),
            content=doc.get("content"),
            sort_key=doc.get("sort_key") or "",
            unit_name=doc.get("unit_name"),
            reversal=doc.get("reversal"),
        )


@dataclass(frozen=True)
class Disbursement:
    """A proposal to pay (đề nghị chi) and, once approved, the payment."""

    id: str
    tenant: str
    fund_id: str
    unit_code: str
    unitpath: str
    amount: int
    purpose: str
    beneficiary: dict[str, Any]
    status: str
    proposed_by: str | None = None
    proposed_at: str | None = None
    approved_by: str | None = None
    paid_on: str | None = None
    decision: str | None = None
    approved_at: str | None = None
    reversal: dict[str, Any] | None = None
    sort_key: str = ""
    earmark: str | None = None
    """The earmarked gift it spends (its name as the donations gave it), if any."""
    unit_name: str | None = None
    planned_on: str | None = None
    """The day a past award was paid (history), given with the proposal: the approval's day."""

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Disbursement:
        return cls(
            id=doc["_id"],
            tenant=doc["tenant"],
            fund_id=doc["fund_id"],
            unit_code=doc["unit_code"],
            unitpath=doc["unitpath"],
            amount=int(doc["amount"]),
            purpose=doc["purpose"],
            beneficiary=dict(doc["beneficiary"]),
            status=doc["status"],
            proposed_by=doc.get("proposed_by"),
            proposed_at=doc.get("proposed_at"),
            approved_by=doc.get("approved_by"),
            paid_on=doc.get("paid_on"),
            decision=doc.get("decision"),
            approved_at=doc.get("approved_at"),
            reversal=doc.get("reversal"),
            sort_key=doc.get("sort_key") or "",
            earmark=doc.get("earmark"),
            unit_name=doc.get("unit_name"),
            planned_on=doc.get("planned_on"),
        )

    def document(self) -> dict[str, Any]:
        """The stored shape, as the plans and events read a proposal (what a proposal has not
        yet got, it does not store)."""
        doc = {
            "_id": self.id,
            "tenant": self.tenant,
            "fund_id": self.fund_id,
            "unit_code": self.unit_code,
            "unitpath": self.unitpath,
            "amount": self.amount,
            "purpose": self.purpose,
            "beneficiary": dict(self.beneficiary),
            "status": self.status,
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at,
            "approved_by": self.approved_by,
            "paid_on": self.paid_on,
            "decision": self.decision,
            "approved_at": self.approved_at,
            "reversal": self.reversal,
            "sort_key": self.sort_key,
            "earmark": self.earmark,
            "unit_name": self.unit_name,
            "planned_on": self.planned_on,
        }
        if self.paid_on is None:  # a proposal: not yet approved
            for name in ("approved_by", "paid_on", "decision", "approved_at"):
                del doc[name]
        if self.reversal is None:
            del doc["reversal"]
        return doc


@dataclass(frozen=True)
class Fee:
    """Hội phí of one member for one year, in a branch fund."""

    id: str
    unit_code: str
    member_id: str
    year: int
    amount: int
    paid_on: str

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Fee:
        return cls(
            id=doc["_id"],
            unit_code=doc["unit_code"],
            member_id=doc["member_id"],
            year=int(doc["year"]),
            amount=int(doc["amount"]),
            paid_on=doc["paid_on"],
        )


@dataclass(frozen=True)
class Entry:
    """A stored ledger transaction with the unit of its fund (what ``reverse_entry`` answers)."""

    id: str
    tenant: str
    fund_id: str
    unit_code: str
    unitpath: str
    kind: str
    date: str
    amount: int
    debit: str
    credit: str
    description: str = ""
    reference: str | None = None
    reverses: str | None = None
    at: str | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Entry:
        return cls(
            id=doc["_id"],
            tenant=doc["tenant"],
            fund_id=doc["fund_id"],
            unit_code=doc["unit_code"],
            unitpath=doc["unitpath"],
            kind=doc["kind"],
            date=doc["date"],
            amount=int(doc["amount"]),
            debit=doc["debit"],
            credit=doc["credit"],
            description=doc.get("description") or "",
            reference=doc.get("reference"),
            reverses=doc.get("reverses"),
            at=doc.get("at"),
        )

    @property
    def unit(self) -> dict[str, str]:
        """The unit of its fund as ``FundStore.ensure`` takes it."""
        return {"code": self.unit_code, "path": self.unitpath}

    def transaction(self) -> Transaction:
        return Transaction(
            id=self.id,
            fund_id=self.fund_id,
            kind=Kind(self.kind),
            date=date.fromisoformat(self.date),
            amount=self.amount,
            debit=ledger.Account(self.fund_id, self.debit),
            credit=ledger.Account(self.fund_id, self.credit),
            description=self.description,
            reference=self.reference,
            reverses=self.reverses,
        )


@dataclass(frozen=True)
class Transfer:
    """Money moved between two funds of a province (its paying leg's view)."""

    id: str
    from_unit_code: str
    to_unit_code: str
    amount: int
    on: str


@dataclass(frozen=True)
class Booked:
    """The answer to a movement: its record, and whether this request booked it (False: an
    earlier request with the same idempotency key did)."""

    record: Any
    created: bool


@dataclass(frozen=True)
class Receipt:
    donation: Donation
    unit_name: str


@dataclass(frozen=True)
class FundView:
    id: str
    tenant: str
    unit_code: str
    unit_name: str | None
    unit_path: str
    balance: int
    last_day: str | None
    earmarks: list[dict[str, Any]] = field(default_factory=list)
    """Earmarked gifts: ``{name, received, spent, balance}`` to this day."""


@dataclass(frozen=True)
class HonourLine:
    rank: int
    name: str
    kind: str
    anonymous: bool
    total: int
    count: int


@dataclass(frozen=True)
class Reconciliation:
    """Does every fund's stored balance equal the sum of its entries?"""

    funds: int
    transactions: int
    balanced: bool
    discrepancies: list[ledger.Discrepancy]


@dataclass(frozen=True)
class PublicStatement:
    """Công khai of one fund and period: the money lines (``publication.statement_lines``), the
    donors named from ``threshold`` up, the awards by category."""

    unit_code: str
    unit_name: str
    unit_path: str
    threshold: int
    lines: dict[str, Any]
    donors: list[dict[str, Any]]
    awards: list[dict[str, Any]]
    earmarks: list[dict[str, Any]] = field(default_factory=list)
    others: dict[str, int] = field(default_factory=dict)
    """Donors below the threshold, not named: ``{count, amount}``."""


@dataclass(frozen=True)
class Page:
    items: list[Any] = field(default_factory=list)
    next_cursor: str | None = None
