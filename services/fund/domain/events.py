"""The events a fund announces (``donated``, ``disbursed``) and the roll-up of its figures.
Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from khuyenhoc.envelope import new_event
from khuyenhoc.events import DISBURSED, DONATED
from khuyenhoc.tenancy import UnitPath
from services.fund.domain.identities import (
    FIGURES,
)
from services.fund.publication import public_beneficiary


def money(amount: int) -> str:
    """The wire form of an amount: a decimal string of đồng, exact in every language."""
    return str(int(amount))


def donated_event(record: Mapping[str, Any], path: UnitPath, now: datetime) -> dict[str, Any]:
    """``donated`` (v2): the donation and its receipt, the donor by kind only. No name and no
    contact ever travel in an event: the thank-you asks the fund for them (``contact``), and
    the same event goes to partners."""
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
            "donor": {"kind": donor["kind"]},
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
