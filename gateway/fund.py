"""GraphQL of the fund (Quỹ Khuyến học): funds, statements, donations, disbursements, the honour
roll and the public statement (mutations: :mod:`gateway.fund_mutations`).

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

from gateway.access import REGISTRARS, authenticated, require_scope
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


def wire_unit(unit: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": unit["code"],
        "path": unit["path"],
        "name": unit.get("name"),
        "level": unit.get("level"),
    }


def unit_by_code(info: Any, code: str, tenant: str | None) -> dict[str, Any] | None:
    return info.context.rpc.registration.get_unit(code, tenant, None)


def resolve_fund(root: Any, info: Any, unit_code: str, tenant: str | None = None) -> Any:
    caller = authenticated(info)
    unit = unit_by_code(info, unit_code, tenant or caller.tenant)
    if unit is None:
        return None
    require_scope(info, UnitPath.parse(unit["path"]))
    return info.context.rpc.fund.fund(unit["tenant"], wire_unit(unit))


def resolve_public_statement(
    root: Any, info: Any, unit_code: str, start: date, end: date, tenant: str | None = None
) -> Any:
    """Public: no token needed."""
    unit = unit_by_code(info, unit_code, tenant)
    if unit is None:
        return None
    found = info.context.rpc.fund.public_statement(
        unit["tenant"], wire_unit(unit), start.isoformat(), end.isoformat()
    )
    if "errors" in found:
        raise input_error(found["errors"])
    return found


def resolve_honour_roll(
    root: Any, info: Any, unit_code: str, year: int, first: int = 10, tenant: str | None = None
) -> Any:
    """Tôn vinh (public): the largest donors of the unit and below in a year."""
    unit = unit_by_code(info, unit_code, tenant)
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
