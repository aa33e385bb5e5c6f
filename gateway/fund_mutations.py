"""GraphQL mutations of the fund: donations, disbursement proposals and approvals, transfers,
membership fees and reversals. Access rules are in :mod:`gateway.fund`'s docstring."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.access import forbidden, in_reach
from gateway.errors import input_error
from gateway.fund import (
    FUND_KEEPERS,
    UNIT_NOT_FOUND,
    Disbursement,
    Donation,
    Money,
    unit_by_code,
    wire_unit,
)
from gateway.types import key
from khuyenhoc.auth import Role


def _unit_in_reach(
    info: Any, tenant: str | None, code: str, roles: Any, field: str = "unitCode"
) -> tuple[str, dict[str, Any]]:
    """(tenant, unit) for a write on ``code``: the caller's tenant, a unit in its subtree, a
    role among ``roles``; an unknown unit is a field error (same answer as for another tenant)."""
    tenant = in_reach(info, tenant, None, roles)
    unit = unit_by_code(info, code, tenant)
    if unit is None:
        raise input_error([{**UNIT_NOT_FOUND, "field": field}])
    in_reach(info, tenant, unit["path"], roles)
    return tenant, unit


def _approvers(info: Any, tenant: str) -> list[Role]:
    roles = info.context.rpc.fund.approvers(tenant)
    return [Role(r) for r in roles if r in Role._value2member_map_]


def _answer(found: dict[str, Any], name: str) -> Any:
    if "errors" in found:
        raise input_error(found["errors"])
    return found[name]


def _keeper_write(info: Any, input: dict[str, Any], method: str) -> dict[str, Any]:
    """A write on one unit (``unit_code``) by an officer or fund manager in reach."""
    tenant, unit = _unit_in_reach(info, input.get("tenant"), input["unit_code"], FUND_KEEPERS)
    payload = {
        **_wire(dict(input), WIRE_NAMES),
        "tenant": tenant,
        "unit": wire_unit(unit),
        "by": info.context.caller.subject,
    }
    return getattr(info.context.rpc.fund, method)(payload)


def _approver_write(
    info: Any, input: dict[str, Any], lookup: str, id_field: str, method: str
) -> dict[str, Any]:
    """A write on an existing movement (found by ``lookup``) by an approving role whose subtree
    holds its fund; one that does not exist is the service's field error, for approvers only."""
    tenant = in_reach(info, input.get("tenant"), None, frozenset(Role))
    fund = info.context.rpc.fund
    approvers = _approvers(info, tenant)
    found = getattr(fund, lookup)(tenant, input[id_field])
    in_reach(info, tenant, found["unitpath"] if found else None, approvers)
    if found is None and info.context.caller.role not in approvers:
        raise forbidden()
    payload = {
        **_wire(dict(input), WIRE_NAMES),
        "tenant": tenant,
        "by": info.context.caller.subject,
    }
    return getattr(fund, method)(payload)


class DonorInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    kind = graphene.String(description="person (default), family, clan, organisation, …")
    anonymous = graphene.Boolean(description="Not named in public (default false)")
    email = graphene.String()
    phone = graphene.String()


class DonationInput(graphene.InputObjectType):
    tenant = graphene.String()
    unit_code = graphene.String(required=True)
    idempotency_key = graphene.String(
        required=True, description="Chosen by the client: a retry with the same key counts once"
    )
    donor = graphene.Field(DonorInput, required=True)
    amount = Money(required=True)
    kind = graphene.String(description="cash (default) or in_kind")
    goods = graphene.String(description="The goods, for in_kind")
    channel = graphene.String(description="cash (default), bank_transfer or vietqr")
    received_on = graphene.Date()
    purpose = graphene.String(description="general (default) or earmarked")
    earmark = graphene.String()
    note = graphene.String()


class DonationResult(graphene.ObjectType):
    donation = graphene.Field(Donation, required=True)
    created = graphene.Boolean(required=True, description="False for a retry of the same key")


def _wire(values: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Graphene's snake_case input back to the service's wire names, dates as ISO."""
    out = {}
    for name, value in values.items():
        if value is None or name in ("tenant", "unit_code"):
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, dict):
            value = _wire(value, names)
        out[names.get(name, name)] = value
    return out


WIRE_NAMES = {
    "idempotency_key": "idempotencyKey",
    "received_on": "receivedOn",
    "birth_year": "birthYear",
    "disbursement_id": "disbursementId",
    "paid_on": "paidOn",
    "member_id": "memberId",
    "entry_id": "entryId",
}


class RecordDonation(graphene.Mutation):
    """Ủng hộ quỹ: booked once per idempotency key, with a gap-free receipt number."""

    class Arguments:
        input = DonationInput(required=True)

    Output = DonationResult

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        found = _keeper_write(info, input, "record_donation")
        return {"donation": _answer(found, "donation"), "created": found["created"]}


class BeneficiaryInput(graphene.InputObjectType):
    kind = graphene.String(required=True, description="student, teacher, school or other")
    name = graphene.String(required=True)
    school = graphene.String()
    grade = graphene.String()
    birth_year = graphene.Int(description="Without it a student is treated as a minor")
    reason = graphene.String()
    achievement = graphene.String()


class DisbursementProposalInput(graphene.InputObjectType):
    tenant = graphene.String()
    unit_code = graphene.String(required=True)
    amount = Money(required=True)
    purpose = graphene.String(
        required=True,
        description="scholarship, award, university_prize, sponsorship, community_learning, other",
    )
    beneficiary = graphene.Field(BeneficiaryInput, required=True)


class ProposeDisbursement(graphene.Mutation):
    """Đề nghị chi: waits for approval; moves no money."""

    class Arguments:
        input = DisbursementProposalInput(required=True)

    Output = Disbursement

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        return _answer(_keeper_write(info, input, "propose_disbursement"), "disbursement")


class DisbursementApprovalInput(graphene.InputObjectType):
    tenant = graphene.String()
    disbursement_id = graphene.String(required=True)
    paid_on = graphene.Date(description="Default today; not before the fund's last movement")
    decision = graphene.String(description="e.g. the council's decision number")


class ApproveDisbursement(graphene.Mutation):
    """Duyệt chi by an approving role in reach (not the proposer); refused if the fund cannot
    cover it, even when approvals race."""

    class Arguments:
        input = DisbursementApprovalInput(required=True)

    Output = Disbursement

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        found = _approver_write(
            info, input, "disbursement", "disbursement_id", "approve_disbursement"
        )
        return _answer(found, "disbursement")


class FundTransferInput(graphene.InputObjectType):
    tenant = graphene.String()
    from_unit_code = graphene.String(required=True)
    to_unit_code = graphene.String(required=True)
    idempotency_key = graphene.String(required=True)
    amount = Money(required=True)
    on = graphene.Date()
    description = graphene.String()


class Transfer(graphene.ObjectType):
    id = graphene.String(required=True)
    from_unit_code = graphene.String(required=True, resolver=key("fromUnitCode"))
    to_unit_code = graphene.String(required=True, resolver=key("toUnitCode"))
    amount = graphene.Field(Money, required=True)
    on = graphene.String(required=True)


class RecordTransfer(graphene.Mutation):
    """Chuyển quỹ (e.g. commune → district), by an approving role of the paying fund."""

    class Arguments:
        input = FundTransferInput(required=True)

    Output = Transfer

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        tenant = in_reach(info, input.get("tenant"), None, frozenset(Role))
        approvers = _approvers(info, tenant)
        tenant, source = _unit_in_reach(
            info, tenant, input["from_unit_code"], approvers, "fromUnitCode"
        )
        target = unit_by_code(info, input["to_unit_code"], tenant)
        if target is None:
            raise input_error([{**UNIT_NOT_FOUND, "field": "toUnitCode"}])
        payload = {
            "tenant": tenant,
            "from": wire_unit(source),
            "to": wire_unit(target),
            "idempotencyKey": input["idempotency_key"],
            "amount": input["amount"],
            "by": info.context.caller.subject,
        }
        if input.get("on"):
            payload["on"] = input["on"].isoformat()
        if input.get("description"):
            payload["description"] = input["description"]
        return _answer(info.context.rpc.fund.record_transfer(payload), "transfer")


class MembershipFeeInput(graphene.InputObjectType):
    tenant = graphene.String()
    unit_code = graphene.String(required=True, description="The member's branch (chi hội)")
    member_id = graphene.String(required=True)
    year = graphene.Int(required=True)
    amount = Money(required=True)
    paid_on = graphene.Date()


class MembershipFee(graphene.ObjectType):
    id = graphene.String(required=True)
    unit_code = graphene.String(required=True, resolver=key("unitCode"))
    member_id = graphene.String(required=True, resolver=key("memberId"))
    year = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)
    paid_on = graphene.String(required=True, resolver=key("paidOn"))


class RecordMembershipFee(graphene.Mutation):
    """Hội phí of a member for a year, into the branch fund (once per member and year)."""

    class Arguments:
        input = MembershipFeeInput(required=True)

    Output = MembershipFee

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        return _answer(_keeper_write(info, input, "record_fee"), "fee")


class ReversalInput(graphene.InputObjectType):
    tenant = graphene.String()
    entry_id = graphene.String(
        required=True, description="A donation, disbursement, fee or transfer id"
    )
    reason = graphene.String(required=True)


class Entry(graphene.ObjectType):
    id = graphene.String(required=True)
    unit_code = graphene.String(required=True, resolver=key("unitCode"))
    kind = graphene.String(required=True)
    date = graphene.String(required=True)
    amount = graphene.Field(Money, required=True)
    reverses = graphene.String()
    description = graphene.String(required=True)


class ReverseEntry(graphene.Mutation):
    """Bút toán đảo by an approving role in reach: the mirror entry, dated today; refused if
    it would take the fund below zero."""

    class Arguments:
        input = ReversalInput(required=True)

    Output = Entry

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        return _answer(
            _approver_write(info, input, "entry", "entry_id", "reverse_entry"), "reversal"
        )
