"""What the public sees of a fund (công khai, tôn vinh): donors named unless they asked not to
be, minors by initials and school only, the statement's lines in the public report's order.
Pure: no transport, no database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from khuyenhoc.text import initials, search_key
from services.fund import ledger, messages
from services.fund.messages import ANONYMOUS_DONOR
from services.fund.records import Disbursement, Donation

ADULT_AGE = 18
STUDENT = "student"
APPROVED = "APPROVED"  # a paid disbursement (domain.DisbursementStatus.APPROVED)


def donor_key(kind: str, name: str, anonymous: bool) -> str:
    """Gifts by the same donor (same kind and name, any diacritics or spacing) add up on the
    honour roll; an anonymous gift never joins a named one."""
    text = "|".join((kind, search_key(name), "anon" if anonymous else "named"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def is_minor(beneficiary: Mapping[str, Any], on: date) -> bool:
    """Students count as minors unless a birth year shows otherwise: when in doubt, protect."""
    if beneficiary.get("kind") != STUDENT:
        return False
    birth_year = beneficiary.get("birth_year")
    return birth_year is None or on.year - int(birth_year) < ADULT_AGE


def public_beneficiary(beneficiary: Mapping[str, Any], on: date) -> str:
    """How a beneficiary appears in public: a minor by initials and school only."""
    school = beneficiary.get("school")
    if is_minor(beneficiary, on):
        return f"{initials(beneficiary['name'])}" + (f" – {school}" if school else "")
    return beneficiary["name"] + (f" – {school}" if school else "")


def public_donor_name(donor: Mapping[str, Any]) -> str:
    return ANONYMOUS_DONOR if donor.get("anonymous") else donor["name"]


def statement_lines(st: ledger.Statement) -> dict[str, Any]:
    """The statement's money lines with Vietnamese labels, in the public report's order."""
    return {
        "opening": st.opening,
        "closing": st.closing,
        "total_in": st.total_in,
        "total_out": st.total_out,
        "money_in": _lines(ledger.INCOME_ACCOUNTS, st.money_in, st.count_in),
        "money_out": _lines(ledger.SPENDING_ACCOUNTS, st.money_out, st.count_out),
    }


def public_lines(st: ledger.Statement) -> dict[str, Any]:
    """The public statement's money lines: the Quỹ Khuyến học without the membership dues (hội
    phí are the association's, kept apart: ``st`` is read without their entries)."""
    lines = statement_lines(st)
    lines["money_in"] = [x for x in lines["money_in"] if x["account"] != ledger.MEMBERSHIP_FEES]
    return lines


def _held_at(status: str, reversal: Mapping[str, Any] | None, end: str) -> bool:
    """Was the record in force at the end of the period (a later reversal does not count)?"""
    if status in ("RECORDED", APPROVED):
        return True
    return status == "REVERSED" and reversal is not None and str(reversal.get("on")) > end


def earmark_lines(
    donations: Iterable[Donation], disbursements: Iterable[Disbursement], start: str, end: str
) -> list[dict[str, Any]]:
    """Gifts earmarked for a purpose, each tracked to it: received before and in the period,
    spent in the period, and what is left at its end (records dated up to ``end``)."""
    lines: dict[str, dict[str, Any]] = {}

    def line(name: str) -> dict[str, Any]:
        key = search_key(name)
        return lines.setdefault(
            key, {"name": name, "opening": 0, "received": 0, "spent": 0, "closing": 0}
        )

    for d in donations:
        if d.earmark and d.received_on <= end and _held_at(d.status, d.reversal, end):
            target = line(d.earmark)
            target["received" if d.received_on >= start else "opening"] += d.amount
    for p in disbursements:
        paid = p.paid_on
        if p.earmark and paid and paid <= end and _held_at(p.status, p.reversal, end):
            target = line(p.earmark)
            if paid >= start:
                target["spent"] += p.amount
            else:
                target["opening"] -= p.amount
    for target in lines.values():
        target["closing"] = target["opening"] + target["received"] - target["spent"]
    return sorted(lines.values(), key=lambda x: search_key(x["name"]))


def _lines(
    accounts: Iterable[str], amounts: Mapping[str, int], counts: Mapping[str, int]
) -> list[dict[str, Any]]:
    return [
        {"account": a, "label": messages.LABELS[a], "amount": amounts[a], "count": counts[a]}
        for a in accounts
    ]


def public_donors(donations: Iterable[Donation], threshold: int) -> list[dict[str, Any]]:
    """Donors whose gifts in the period add up to ``threshold`` or more, largest first, with the
    number of gifts and their receipt numbers; anonymous ones as "Nhà hảo tâm ẩn danh" (two
    anonymous donors stay two lines). No contact details, ever."""
    donors: dict[str, dict[str, Any]] = {}
    for d in donations:  # a gift reversed later stays off the roll: its donor was refunded
        if d.status != "RECORDED":
            continue
        donor = d.donor
        key = donor_key(donor.get("kind") or "person", donor["name"], bool(donor.get("anonymous")))
        line = donors.setdefault(
            key, {"name": public_donor_name(donor), "amount": 0, "count": 0, "receipts": []}
        )
        line["amount"] += d.amount
        line["count"] += 1
        line["receipts"].append(d.receipt_number)
    rows = [line for line in donors.values() if line["amount"] >= threshold]
    return sorted(rows, key=lambda r: (-r["amount"], r["receipts"][0]))


def public_awards(disbursements: Iterable[Disbursement]) -> dict[str, Any]:
    """Awards of the period by category (purpose), each beneficiary as the public may see it."""
    categories: dict[str, dict[str, Any]] = {}
    paid = [d for d in disbursements if d.status == APPROVED and d.paid_on]
    for d in sorted(paid, key=lambda d: (d.paid_on or "", d.id)):
        paid_on = date.fromisoformat(d.paid_on or "")
        line = categories.setdefault(
            d.purpose,
            {
                "purpose": d.purpose,
                "label": messages.LABELS[f"disbursements.{d.purpose}"],
                "count": 0,
                "amount": 0,
                "beneficiaries": [],
            },
        )
        line["count"] += 1
        line["amount"] += d.amount
        b = d.beneficiary
        line["beneficiaries"].append(
            {
                "name": public_beneficiary(b, paid_on),
                "grade": b.get("grade"),
                "achievement": b.get("achievement"),
                "amount": d.amount,
                "paid_on": d.paid_on,
            }
        )
    order = {p.value: i for i, p in enumerate(ledger.Purpose)}
    return {"categories": sorted(categories.values(), key=lambda c: order[c["purpose"]])}
