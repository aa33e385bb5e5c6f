"""The movements: each ``plan_*`` turns a request into a :class:`Posting` against the fund's
state as read, through :func:`admit`. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.fund import ledger, messages
from services.fund.domain.events import (
    disbursed_event,
    donated_event,
)
from services.fund.domain.identities import (
    DisbursementStatus,
    donation_id,
    earmark_key,
    fee_id,
    receipt_code,
    sort_key,
    transfer_id,
)
from services.fund.domain.postings import (
    FundState,
    Posting,
    admit,
    check_day,
    donor_counters,
    figures_of,
    transaction_document,
    unit_counter,
)
from services.fund.ledger import (
    Kind,
    LedgerError,
    Transaction,
    check_amount,
)
from services.fund.publication import public_beneficiary, public_donor_name
from services.fund.records import Disbursement, Donation

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
    earmark = data.get("earmark") if data.get("purpose") == "earmarked" else None
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
        "unit_name": state.unit_name,
        "receipt_number": receipt,
        "receipt_year": year,
        "receipt_sequence": sequence,
        "amount": amount,
        "kind": data["kind"],
        "goods": data.get("goods"),
        "channel": data["channel"],
        "received_on": day.isoformat(),
        "purpose": data.get("purpose"),
        "earmark": earmark,
        "earmark_key": earmark_key(earmark) if earmark else None,
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
        earmark=_earmark_move(earmark, received=amount),
    )


def _earmark_move(name: str | None, received: int = 0, spent: int = 0) -> dict[str, Any] | None:
    if not name:
        return None
    return {"key": earmark_key(name), "name": name, "received": received, "spent": spent}


def check_earmark(state: FundState, name: str, amount: int) -> None:
    """A payment from an earmarked gift is covered by what is left of it."""
    key = earmark_key(name)
    if key not in state.earmarks:
        raise LedgerError("unknown_earmark", field="earmark", earmark=name)
    available = state.earmark_balance(key)
    if available < amount:
        raise LedgerError(
            "earmark_insufficient",
            field="earmark",
            earmark=state.earmarks[key].get("name") or name,
            available=available,
            amount=amount,
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
        "unitpath": str(state.unit_path),
        "unit_name": state.unit_name,
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
    state: FundState,
    proposal: Disbursement,
    approval: Mapping[str, Any],
    now: datetime,
    floor: int | None = None,
) -> Posting:
    """The payment of an approved proposal: never below zero on its day or any later one
    (``floor``: the lowest balance since its day, for a payment dated before the fund's latest
    movement)."""
    day: date = approval["paid_on"]
    if proposal.earmark:
        check_earmark(state, proposal.earmark, proposal.amount)
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
        balance_change=admit(state, t, floor),
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
        earmark=_earmark_move(proposal.earmark, spent=proposal.amount),
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
    disbursement: Disbursement | None = None,
) -> Posting:
    """A correction: the mirror of ``original``, dated today; a reversal that would take the fund
    below zero is refused. ``donation`` is the donation's record when a donation is reversed.
    A transfer is reversed as a whole: ``state`` is the fund that received it (it pays back) and
    ``partner`` the fund that sent it."""
    if original.kind == Kind.REVERSAL:
        raise LedgerError("reversal_of_reversal")
    mirror = ledger.reversal(original, today, reason)
    change = admit(state, mirror)
    earmark = None
    if original.kind == Kind.DONATION and donation is not None and donation.earmark:
        key = earmark_key(donation.earmark)
        if state.earmark_balance(key) < original.amount:
            raise LedgerError(
                "earmark_reversal_spent",
                field="entry_id",
                earmark=donation.earmark,
                available=state.earmark_balance(key),
            )
        earmark = _earmark_move(donation.earmark, received=-original.amount)
    if original.kind == Kind.DISBURSEMENT and disbursement is not None and disbursement.earmark:
        earmark = _earmark_move(disbursement.earmark, spent=-original.amount)
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
        earmark=earmark,
    )
