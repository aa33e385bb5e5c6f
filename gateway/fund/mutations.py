"""Mutations of the fund: donations, disbursement proposals and approvals, transfers,
membership fees and reversals.

Donations, proposals and membership fees are recorded by officers and fund managers in reach
(``FUND_KEEPERS``); approvals, transfers and reversals by the roles the province configures as
approvers (default ``authority``), whose subtree holds the fund.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import FUND_KEEPERS, require_reach, require_role
from gateway.enums import (
    BeneficiaryKind,
    DisbursementPurpose,
    DonationChannel,
    DonationKind,
    DonationPurpose,
    DonorKind,
    EntryKind,
)
from gateway.fund.money import Money
from gateway.fund.types import Disbursement, Donation
from gateway.mutations import Write, in_subtree, mutation, record, unit_at
from gateway.wire import iso_date, key, unit_not_found, wire_unit
from khuyenhoc.auth import Role

# --- inputs and answers -------------------------------------------------------------------------


class DonorInput(graphene.InputObjectType):
    """Who gives (nhà hảo tâm): name, kind, contacts for the thank-you, and the wish to stay
    anonymous."""

    name = graphene.String(required=True, description="The donor's name (tên nhà hảo tâm)")
    kind = graphene.Field(DonorKind, description="Kind of donor (loại nhà hảo tâm); default PERSON")
    anonymous = graphene.Boolean(description="Not named in public (default false)")
    email = graphene.String(description="E-mail address (thư điện tử)")
    phone = graphene.String(description="Phone number (số điện thoại); personal data, never logged")


class DonationInput(graphene.InputObjectType):
    """A donation (khoản ủng hộ) to a unit's Khuyến học fund, in money or goods."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    idempotency_key = graphene.String(
        required=True, description="Chosen by the client: a retry with the same key counts once"
    )
    donor = graphene.Field(DonorInput, required=True, description="Who gave it (nhà hảo tâm)")
    amount = Money(
        required=True, description="Amount in đồng (số tiền); for goods, their valuation"
    )
    kind = graphene.Field(
        DonationKind, description="Given in money or goods (hình thức); default CASH"
    )
    goods = graphene.String(description="The goods, for IN_KIND")
    channel = graphene.Field(DonationChannel, description="How the money came (kênh); default CASH")
    received_on = graphene.Date(description="Day it was received (ngày nhận), YYYY-MM-DD")
    purpose = graphene.Field(
        DonationPurpose, description="What it is for (mục đích); default GENERAL"
    )
    earmark = graphene.String(
        description="What the donor earmarked it for (khoản chỉ định), if anything"
    )
    note = graphene.String(description="Note (ghi chú)")


class DonationResult(graphene.ObjectType):
    """A donation as booked, with its receipt."""

    donation = graphene.Field(Donation, required=True, description="The donation as booked")
    created = graphene.Boolean(required=True, description="False for a retry of the same key")


class BeneficiaryInput(graphene.InputObjectType):
    """Who receives a scholarship, award or support (người thụ hưởng)."""

    kind = graphene.Field(
        BeneficiaryKind, required=True, description="Kind of beneficiary (loại người thụ hưởng)"
    )
    name = graphene.String(
        required=True, description="The beneficiary's name (họ tên người thụ hưởng)"
    )
    school = graphene.String(description="School (trường)")
    grade = graphene.String(description="School grade (lớp)")
    birth_year = graphene.Int(description="Without it a student is treated as a minor")
    reason = graphene.String(description="Reason (lý do), in Vietnamese")
    achievement = graphene.String(description="The achievement rewarded (thành tích)")


class DisbursementProposalInput(graphene.InputObjectType):
    """A proposal to pay from the fund (đề nghị chi): scholarship, award or support."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    amount = Money(required=True, description="Amount in đồng (số tiền)")
    purpose = graphene.Field(
        DisbursementPurpose, required=True, description="What it is for (mục đích)"
    )
    beneficiary = graphene.Field(
        BeneficiaryInput, required=True, description="Who receives it (người thụ hưởng)"
    )
    earmark = graphene.String(
        description="The earmarked gift it spends (as the donations named it); refused past "
        "what is left of it"
    )
    paid_on = graphene.Date(
        description="For a past award (history): the day it was paid, which the approval "
        "books by default; the unit is the one of that day"
    )


class DisbursementApprovalInput(graphene.InputObjectType):
    """Approves a proposed disbursement (duyệt chi) and records its payment."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    disbursement_id = graphene.String(required=True, description="The proposed disbursement's id")
    paid_on = graphene.Date(
        description="Default today (or the proposal's paidOn); a past day is accepted when the "
        "fund covers the payment on that day and every day since"
    )
    decision = graphene.String(description="e.g. the council's decision number")


class FundTransferInput(graphene.InputObjectType):
    """Moves money between two units' funds (chuyển quỹ), e.g. commune to district."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    from_unit_code = graphene.String(
        required=True, description="The unit it comes from (mã đơn vị chuyển đi)"
    )
    to_unit_code = graphene.String(
        required=True, description="The unit it goes to (mã đơn vị nhận)"
    )
    idempotency_key = graphene.String(
        required=True,
        description="Idempotency key (mã chống trùng): the same key with the same content "
        "records nothing new",
    )
    amount = Money(required=True, description="Amount in đồng (số tiền)")
    on = graphene.Date(description="The day it takes effect (ngày), YYYY-MM-DD; default today")
    description = graphene.String(description="Description (diễn giải), in Vietnamese")


class Transfer(graphene.ObjectType):
    """A transfer between two units' funds (chuyển quỹ)."""

    id = graphene.String(required=True, description="Opaque, stable id")
    from_unit_code = graphene.String(
        required=True,
        resolver=key("fromUnitCode"),
        description="The unit it comes from (mã đơn vị chuyển đi)",
    )
    to_unit_code = graphene.String(
        required=True,
        resolver=key("toUnitCode"),
        description="The unit it goes to (mã đơn vị nhận)",
    )
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    on = graphene.String(required=True, description="Day of the transfer (ngày chuyển), YYYY-MM-DD")


class MembershipFeeInput(graphene.InputObjectType):
    """A member's yearly association fee (hội phí) paid to a branch."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="The member's branch (chi hội)")
    member_id = graphene.String(required=True, description="The member's id (hội viên), opaque")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    amount = Money(required=True, description="Amount in đồng (số tiền)")
    paid_on = graphene.Date(description="Day it was paid (ngày chi), YYYY-MM-DD")


class MembershipFee(graphene.ObjectType):
    """A membership fee (hội phí) as booked."""

    id = graphene.String(required=True, description="Opaque, stable id")
    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    member_id = graphene.String(
        required=True, resolver=key("memberId"), description="The member's id (hội viên), opaque"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    paid_on = graphene.String(
        required=True, resolver=key("paidOn"), description="Day it was paid (ngày chi), YYYY-MM-DD"
    )


class ReversalInput(graphene.InputObjectType):
    """Reverses a booked ledger entry (bút toán đảo), with the reason."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    entry_id = graphene.String(
        required=True, description="A donation, disbursement, fee or transfer id"
    )
    reason = graphene.String(required=True, description="Reason (lý do), in Vietnamese")


class Entry(graphene.ObjectType):
    """A ledger entry (bút toán) of a unit's fund."""

    id = graphene.String(required=True, description="Opaque, stable id")
    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    kind = graphene.Field(EntryKind, required=True, description="Kind of entry (loại bút toán)")
    date = graphene.String(required=True, description="Day of the entry (ngày ghi sổ), YYYY-MM-DD")
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    reverses = graphene.String(description="The id of the entry it reverses, for a reversal")
    description = graphene.String(
        required=True, description="Description (diễn giải), in Vietnamese"
    )


# --- who may ------------------------------------------------------------------------------------


def approvers(write: Write) -> list[Role]:
    """The roles the write's province lets approve payments (unknown role names ignored)."""
    roles = write.rpc.fund.approvers(write.tenant)
    return [Role(r) for r in roles if r in Role._value2member_map_]


def approvers_in_reach(write: Write) -> None:
    """An approving role whose subtree holds the fund of the movement; one that does not exist
    is the service's field error, for approvers only."""
    roles = approvers(write)
    require_reach(write.caller, write.path, roles)
    if write.found is None:
        require_role(write.caller, roles)


def paying_fund_approvers(write: Write) -> None:
    require_reach(write.caller, write.path, approvers(write))


# --- calls --------------------------------------------------------------------------------------


def keeper_call(method: str) -> Any:
    """``fund.<method>``: a movement of the unit found (``unit_code``), by the caller."""

    def call(write: Write) -> Any:
        assert write.found is not None
        payload = {
            **write.payload(drop=("unit_code",)),
            "unit": wire_unit(write.found),
            "by": write.caller.subject,
        }
        return getattr(write.rpc.fund, method)(payload)

    return call


def approver_call(method: str) -> Any:
    """``fund.<method>``: a decision on an existing movement, by the caller."""

    def call(write: Write) -> Any:
        payload = {**write.payload(), "by": write.caller.subject}
        return getattr(write.rpc.fund, method)(payload)

    return call


def transfer(write: Write) -> Any:
    assert write.found is not None
    on = iso_date(write.input["on"]) if write.input.get("on") else None
    # the receiving unit as the map stood on the transfer's day (today by default)
    target = write.rpc.registration.get_unit(write.input["to_unit_code"], write.tenant, on)
    if target is None:
        raise unit_not_found("toUnitCode")
    payload = {
        "tenant": write.tenant,
        "from": wire_unit(write.found),
        "to": wire_unit(target),
        "idempotencyKey": write.input["idempotency_key"],
        "amount": write.input["amount"],
        "by": write.caller.subject,
    }
    if write.input.get("on"):
        payload["on"] = iso_date(write.input["on"])
    if write.input.get("description"):
        payload["description"] = write.input["description"]
    return write.rpc.fund.record_transfer(payload)


# --- mutations ----------------------------------------------------------------------------------

RecordDonation = mutation(
    "RecordDonation",
    DonationResult,
    keeper_call("record_donation"),
    input=DonationInput,
    lookup=unit_at("unit_code", "received_on"),
    check=in_subtree(FUND_KEEPERS),
    missing=unit_not_found,
    doc="Ủng hộ quỹ: booked once per idempotency key, with a gap-free receipt number.",
)
ProposeDisbursement = mutation(
    "ProposeDisbursement",
    Disbursement,
    keeper_call("propose_disbursement"),
    input=DisbursementProposalInput,
    lookup=unit_at("unit_code", "paid_on"),
    check=in_subtree(FUND_KEEPERS),
    missing=unit_not_found,
    answer="disbursement",
    doc="Đề nghị chi: waits for approval; moves no money.",
)
ApproveDisbursement = mutation(
    "ApproveDisbursement",
    Disbursement,
    approver_call("approve_disbursement"),
    input=DisbursementApprovalInput,
    lookup=record("fund", "disbursement", "disbursement_id"),
    check=approvers_in_reach,
    answer="disbursement",
    doc="""Duyệt chi by an approving role in reach (not the proposer); refused if the fund cannot
    cover it, even when approvals race.""",
)
RecordTransfer = mutation(
    "RecordTransfer",
    Transfer,
    transfer,
    input=FundTransferInput,
    lookup=unit_at("from_unit_code", "on"),
    check=paying_fund_approvers,
    missing=lambda: unit_not_found("fromUnitCode"),
    answer="transfer",
    doc="Chuyển quỹ (e.g. commune → district), by an approving role of the paying fund.",
)
RecordMembershipFee = mutation(
    "RecordMembershipFee",
    MembershipFee,
    keeper_call("record_fee"),
    input=MembershipFeeInput,
    lookup=unit_at("unit_code", "paid_on"),
    check=in_subtree(FUND_KEEPERS),
    missing=unit_not_found,
    answer="fee",
    doc="Hội phí of a member for a year, into the branch fund (once per member and year).",
)
ReverseEntry = mutation(
    "ReverseEntry",
    Entry,
    approver_call("reverse_entry"),
    input=ReversalInput,
    lookup=record("fund", "entry", "entry_id"),
    check=approvers_in_reach,
    answer="reversal",
    doc="""Bút toán đảo by an approving role in reach: the mirror entry, dated today; refused if
    it would take the fund below zero.""",
)

MUTATIONS: dict[str, Any] = {
    "record_donation": RecordDonation.Field(),
    "propose_disbursement": ProposeDisbursement.Field(),
    "approve_disbursement": ApproveDisbursement.Field(),
    "record_transfer": RecordTransfer.Field(),
    "record_membership_fee": RecordMembershipFee.Field(),
    "reverse_entry": ReverseEntry.Field(),
}
