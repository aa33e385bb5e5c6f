"""GraphQL of the fund (Quỹ Khuyến học): funds, statements, donations, disbursements, the honour
roll and the public statement; movements as mutations.

Who may do what: reading a fund (donors' contacts, beneficiaries' names) needs a token whose
subtree holds the unit; donations, proposals and membership fees are recorded by officers and
fund managers in reach; approvals, transfers and reversals by the roles the province configures
as approvers (default ``authority``). The public statement and the honour roll need no token and
show no contact data, anonymous donors unnamed and minors by initials.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from graphql import GraphQLError, IntValueNode, StringValueNode

from gateway.access import REGISTRARS, authenticated, forbidden, in_reach, require_scope
from gateway.errors import input_error
from gateway.types import key
from khuyenhoc.auth import Role
from khuyenhoc.tenancy import UnitPath

MAX_MONEY = 9_223_372_036_854_775_807
MONEY_MESSAGE = (
    "Số tiền phải là số nguyên đồng lớn hơn 0, viết bằng chữ số (chuỗi hoặc số nguyên), "
    "không quá 9.223.372.036.854.775.807."
)
UNIT_NOT_FOUND = {
    "field": "unitCode",
    "key": "unit_not_found",
    "message": "Không tìm thấy đơn vị này.",
}
# Officers who record money coming in and propose payments, in their subtree.
FUND_KEEPERS: frozenset[Role] = frozenset({*REGISTRARS, Role.FUND_MANAGER})


def _money_error() -> GraphQLError:
    return GraphQLError(
        MONEY_MESSAGE,
        extensions={
            "code": "BAD_USER_INPUT",
            "fields": [{"field": "amount", "key": "amount", "message": MONEY_MESSAGE}],
        },
    )


def parse_money(value: Any) -> int:
    """Whole đồng from a decimal string ("5000000000") or a JSON integer; a float (even 5e9),
    a sign, a fraction or anything else is refused: money is never rounded."""
    if isinstance(value, bool):
        raise _money_error()
    if isinstance(value, int):
        amount = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        amount = int(value)
    else:
        raise _money_error()
    if not 0 < amount <= MAX_MONEY:
        raise _money_error()
    return amount


class Money(graphene.Scalar):
    """An amount of Vietnamese đồng, exact: serialised as a decimal string of digits
    ("5000000000"), since GraphQL's Int is 32-bit and JSON numbers lose precision in JavaScript
    above 2^53. Input: a string of digits or an integer, from 1 to int64."""

    @staticmethod
    def serialize(value: Any) -> str:
        return str(int(value))

    @staticmethod
    def parse_value(value: Any) -> int:
        return parse_money(value)

    @staticmethod
    def parse_literal(node: Any, _variables: Any = None) -> int:
        if isinstance(node, StringValueNode):
            return parse_money(node.value)
        if isinstance(node, IntValueNode):
            return parse_money(int(node.value))
        raise _money_error()


# --- types --------------------------------------------------------------------------------------


class Donor(graphene.ObjectType):
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    anonymous = graphene.Boolean(required=True, description="Not named in public")
    email = graphene.String()
    phone = graphene.String()


class Donation(graphene.ObjectType):
    id = graphene.String(required=True)
    unit_code = graphene.String(required=True, resolver=key("unitCode"))
    receipt_number = graphene.String(required=True, resolver=key("receiptNumber"))
    receipt_url = graphene.String(required=True, description="Printable receipt (PDF)")
    amount = graphene.Field(Money, required=True)
    kind = graphene.String(required=True, description="cash or in_kind")
    goods = graphene.String()
    channel = graphene.String(required=True)
    received_on = graphene.String(required=True, resolver=key("receivedOn"))
    purpose = graphene.String(required=True)
    earmark = graphene.String()
    donor = graphene.Field(Donor, required=True)
    status = graphene.String(required=True, description="RECORDED or REVERSED")

    @staticmethod
    def resolve_receipt_url(root: dict[str, Any], info: Any) -> str:
        return f"/files/receipts/{root['id']}.pdf"


class Beneficiary(graphene.ObjectType):
    kind = graphene.String(required=True)
    name = graphene.String(required=True)
    school = graphene.String()
    grade = graphene.String()
    birth_year = graphene.Int()
    reason = graphene.String()
    achievement = graphene.String()


class Disbursement(graphene.ObjectType):
    id = graphene.String(required=True)
    unit_code = graphene.String(required=True, resolver=key("unitCode"))
    amount = graphene.Field(Money, required=True)
    purpose = graphene.String(required=True)
    beneficiary = graphene.Field(Beneficiary, required=True)
    status = graphene.String(required=True, description="PROPOSED, APPROVED or REVERSED")
    proposed_by = graphene.String(resolver=key("proposedBy"))
    approved_by = graphene.String(resolver=key("approvedBy"))
    paid_on = graphene.String(resolver=key("paidOn"))
    decision = graphene.String()


class DonationPage(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(Donation), required=True)
    next_cursor = graphene.String(resolver=key("nextCursor"))


class DisbursementPage(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(Disbursement), required=True)
    next_cursor = graphene.String(resolver=key("nextCursor"))


class StatementLine(graphene.ObjectType):
    account = graphene.String(required=True)
    label = graphene.String(required=True)
    amount = graphene.Field(
        Money, required=True, description="May be negative after a reversal in the period"
    )
    count = graphene.Int(required=True)

    @staticmethod
    def resolve_amount(root: dict[str, Any], info: Any) -> int:
        return root["amount"]


class FundStatement(graphene.ObjectType):
    """Opening balance, money in by source, money out by purpose, closing balance."""

    start = graphene.String(required=True, name="from", resolver=key("from"))
    end = graphene.String(required=True, name="to", resolver=key("to"))
    opening = graphene.Field(Money, required=True)
    total_in = graphene.Field(Money, required=True)
    total_out = graphene.Field(Money, required=True)
    closing = graphene.Field(Money, required=True)
    money_in = graphene.List(graphene.NonNull(StatementLine), required=True)
    money_out = graphene.List(graphene.NonNull(StatementLine), required=True)


class PublicDonor(graphene.ObjectType):
    name = graphene.String(required=True, description='"Nhà hảo tâm ẩn danh" when anonymous')
    amount = graphene.Field(Money, required=True, description="The donor's gifts in the period")
    count = graphene.Int(required=True, description="Gifts in the period")
    receipts = graphene.List(graphene.NonNull(graphene.String), required=True)


class PublicBeneficiary(graphene.ObjectType):
    name = graphene.String(required=True, description="Minors: initials and school only")
    grade = graphene.String()
    achievement = graphene.String()
    amount = graphene.Field(Money, required=True)
    paid_on = graphene.String(required=True)


class AwardCategory(graphene.ObjectType):
    purpose = graphene.String(required=True)
    label = graphene.String(required=True)
    count = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)
    beneficiaries = graphene.List(graphene.NonNull(PublicBeneficiary), required=True)


class PublicStatement(FundStatement):
    """Công khai quỹ: the statement anyone may read, with the files to download."""

    unit_code = graphene.String(required=True, resolver=key("unitCode"))
    unit_name = graphene.String(required=True, resolver=key("unitName"))
    threshold = graphene.Field(Money, required=True, description="Donors named from this amount")
    donors = graphene.List(graphene.NonNull(PublicDonor), required=True)
    awards = graphene.List(graphene.NonNull(AwardCategory), required=True)
    xlsx_url = graphene.String(required=True)
    pdf_url = graphene.String(required=True)

    @staticmethod
    def resolve_xlsx_url(root: dict[str, Any], info: Any) -> str:
        return _statement_url(root, "xlsx")

    @staticmethod
    def resolve_pdf_url(root: dict[str, Any], info: Any) -> str:
        return _statement_url(root, "pdf")


def _statement_url(root: dict[str, Any], ext: str) -> str:
    return f"/files/funds/{root['unitCode']}/statement-{root['from']}-{root['to']}.{ext}"


class HonourLine(graphene.ObjectType):
    rank = graphene.Int(required=True)
    name = graphene.String(required=True, description='"Nhà hảo tâm ẩn danh" when anonymous')
    kind = graphene.String(required=True)
    total = graphene.Field(Money, required=True)
    count = graphene.Int(required=True, description="Gifts in the year")


class Fund(graphene.ObjectType):
    """The Quỹ Khuyến học of one unit (province, district, commune or branch)."""

    id = graphene.String(required=True)
    unit_code = graphene.String(required=True, resolver=key("unitCode"))
    unit_name = graphene.String(resolver=key("unitName"))
    unit_path = graphene.String(required=True, resolver=key("unitPath"))
    balance = graphene.Field(Money, required=True)
    statement = graphene.Field(
        FundStatement,
        required=True,
        start=graphene.Date(required=True, name="from"),
        end=graphene.Date(required=True, name="to"),
    )
    donations = graphene.Field(
        DonationPage,
        required=True,
        first=graphene.Int(default_value=50),
        after=graphene.String(),
    )
    disbursements = graphene.Field(
        DisbursementPage,
        required=True,
        first=graphene.Int(default_value=50),
        after=graphene.String(),
    )

    @staticmethod
    def resolve_statement(root: dict[str, Any], info: Any, start: date, end: date) -> Any:
        found = info.context.rpc.fund.statement(
            root["tenant"], root["unitCode"], start.isoformat(), end.isoformat()
        )
        if "errors" in found:
            raise input_error(found["errors"])
        return found

    @staticmethod
    def resolve_donations(root: dict[str, Any], info: Any, first: int, after: Any = None) -> Any:
        return info.context.rpc.fund.donations(root["tenant"], root["unitCode"], after, first)

    @staticmethod
    def resolve_disbursements(
        root: dict[str, Any], info: Any, first: int, after: Any = None
    ) -> Any:
        return info.context.rpc.fund.disbursements(root["tenant"], root["unitCode"], after, first)


class FundStats(graphene.ObjectType):
    """Fund figures of a unit and everything below it, summed over the years asked."""

    donations_total = graphene.Field(Money, required=True)
    donations_count = graphene.Int(required=True)
    fees_total = graphene.Field(Money, required=True, description="Hội phí")
    disbursed_total = graphene.Field(Money, required=True)
    awards_count = graphene.Int(required=True, description="Scholarships, awards, support paid")
    balance = graphene.Field(Money, required=True, description="At the end of the last year")


def resolve_fund_stats(root: dict[str, Any], info: Any, from_year: int | None = None) -> Any:
    """``stats(year).fund(fromYear)``: O(units × years) — the unit counters of the paths that
    hold the unit's figures (its predecessors' before it existed)."""
    first = from_year or root["year"]
    totals: dict[str, int] = {}
    for path in root["paths"]:
        tenant = UnitPath.parse(path).tenant
        for name, value in info.context.rpc.fund.stats(tenant, path, first, root["year"]).items():
            totals[name] = totals.get(name, 0) + value
    return totals


# --- queries ------------------------------------------------------------------------------------


def _unit(info: Any, code: str, tenant: str | None) -> dict[str, Any] | None:
    return info.context.rpc.registration.get_unit(code, tenant, None)


def resolve_fund(root: Any, info: Any, unit_code: str, tenant: str | None = None) -> Any:
    caller = authenticated(info)
    unit = _unit(info, unit_code, tenant or caller.tenant)
    if unit is None:
        return None
    require_scope(info, UnitPath.parse(unit["path"]))
    return info.context.rpc.fund.fund(unit["tenant"], _wire_unit(unit))


def resolve_public_statement(
    root: Any, info: Any, unit_code: str, start: date, end: date, tenant: str | None = None
) -> Any:
    """Public: no token needed."""
    unit = _unit(info, unit_code, tenant)
    if unit is None:
        return None
    found = info.context.rpc.fund.public_statement(
        unit["tenant"], _wire_unit(unit), start.isoformat(), end.isoformat()
    )
    if "errors" in found:
        raise input_error(found["errors"])
    return found


def resolve_honour_roll(
    root: Any, info: Any, unit_code: str, year: int, first: int = 10, tenant: str | None = None
) -> Any:
    """Tôn vinh (public): the largest donors of the unit and below in a year."""
    unit = _unit(info, unit_code, tenant)
    if unit is None:
        return []
    return info.context.rpc.fund.honour_roll(unit["tenant"], unit["code"], year, first)


FUND_QUERIES = {
    "fund": graphene.Field(
        Fund,
        unit_code=graphene.String(required=True),
        tenant=graphene.String(),
        resolver=resolve_fund,
        description="A unit's fund (needs a token whose subtree holds the unit)",
    ),
    "public_fund_statement": graphene.Field(
        PublicStatement,
        unit_code=graphene.String(required=True),
        start=graphene.Date(required=True, name="from"),
        end=graphene.Date(required=True, name="to"),
        tenant=graphene.String(),
        resolver=resolve_public_statement,
        description="Công khai quỹ (public, no login)",
    ),
    "honour_roll": graphene.List(
        graphene.NonNull(HonourLine),
        required=True,
        unit_code=graphene.String(required=True),
        year=graphene.Int(required=True),
        first=graphene.Int(default_value=10),
        tenant=graphene.String(),
        resolver=resolve_honour_roll,
        description="Tôn vinh nhà hảo tâm (public): top donors of the unit and below",
    ),
}


# --- mutations ----------------------------------------------------------------------------------


def _wire_unit(unit: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": unit["code"],
        "path": unit["path"],
        "name": unit.get("name"),
        "level": unit.get("level"),
    }


def _unit_in_reach(
    info: Any, tenant: str | None, code: str, roles: Any, field: str = "unitCode"
) -> tuple[str, dict[str, Any]]:
    """(tenant, unit) for a write on ``code``: the caller's tenant, a unit in its subtree, a
    role among ``roles``; an unknown unit is a field error (same answer as for another tenant)."""
    tenant = in_reach(info, tenant, None, roles)
    unit = _unit(info, code, tenant)
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
        tenant, unit = _unit_in_reach(info, input.get("tenant"), input["unit_code"], FUND_KEEPERS)
        payload = {
            **_wire(dict(input), WIRE_NAMES),
            "tenant": tenant,
            "unit": _wire_unit(unit),
            "by": info.context.caller.subject,
        }
        found = info.context.rpc.fund.record_donation(payload)
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
        tenant, unit = _unit_in_reach(info, input.get("tenant"), input["unit_code"], FUND_KEEPERS)
        payload = {
            **_wire(dict(input), WIRE_NAMES),
            "tenant": tenant,
            "unit": _wire_unit(unit),
            "by": info.context.caller.subject,
        }
        return _answer(info.context.rpc.fund.propose_disbursement(payload), "disbursement")


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
        tenant = in_reach(info, input.get("tenant"), None, frozenset(Role))
        fund = info.context.rpc.fund
        found = fund.disbursement(tenant, input["disbursement_id"])
        in_reach(info, tenant, found["unitpath"] if found else None, _approvers(info, tenant))
        if found is None and info.context.caller.role not in _approvers(info, tenant):
            raise forbidden()
        payload = {
            **_wire(dict(input), WIRE_NAMES),
            "tenant": tenant,
            "by": info.context.caller.subject,
        }
        return _answer(fund.approve_disbursement(payload), "disbursement")


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
        target = _unit(info, input["to_unit_code"], tenant)
        if target is None:
            raise input_error([{**UNIT_NOT_FOUND, "field": "toUnitCode"}])
        payload = {
            "tenant": tenant,
            "from": _wire_unit(source),
            "to": _wire_unit(target),
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
        tenant, unit = _unit_in_reach(info, input.get("tenant"), input["unit_code"], FUND_KEEPERS)
        payload = {
            **_wire(dict(input), WIRE_NAMES),
            "tenant": tenant,
            "unit": _wire_unit(unit),
            "by": info.context.caller.subject,
        }
        return _answer(info.context.rpc.fund.record_fee(payload), "fee")


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
        tenant = in_reach(info, input.get("tenant"), None, frozenset(Role))
        fund = info.context.rpc.fund
        approvers = _approvers(info, tenant)
        found = fund.entry(tenant, input["entry_id"])
        in_reach(info, tenant, found["unitpath"] if found else None, approvers)
        if found is None and info.context.caller.role not in approvers:
            raise forbidden()
        payload = {
            **_wire(dict(input), WIRE_NAMES),
            "tenant": tenant,
            "by": info.context.caller.subject,
        }
        return _answer(fund.reverse_entry(payload), "reversal")
