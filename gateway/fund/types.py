"""GraphQL types of the fund (Quỹ Khuyến học): funds, statements, donations, disbursements, the
public statement and the honour roll."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.fund.money import Money
from gateway.pagination import connection, cursor_page, page_arguments
from gateway.wire import answer, iso_date, key

# --- types --------------------------------------------------------------------------------------


class Donor(graphene.ObjectType):
    """Who gave (nhà hảo tâm); name and contacts are personal data."""

    name = graphene.String(required=True, description="The donor's name (tên nhà hảo tâm)")
    kind = graphene.String(
        required=True,
        description="Kind of donor: person, family, clan, organisation, enterprise or overseas",
    )
    anonymous = graphene.Boolean(required=True, description="Not named in public")
    email = graphene.String(description="E-mail address (thư điện tử)")
    phone = graphene.String(description="Phone number (số điện thoại); personal data, never logged")


class Donation(graphene.ObjectType):
    """A donation (khoản ủng hộ) with its gap-free receipt number (số biên lai)."""

    id = graphene.String(required=True, description="Opaque, stable id")
    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    receipt_number = graphene.String(
        required=True,
        resolver=key("receiptNumber"),
        description="The gap-free receipt number (số biên lai)",
    )
    receipt_url = graphene.String(required=True, description="Printable receipt (PDF)")
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    kind = graphene.String(required=True, description="cash or in_kind")
    goods = graphene.String(description="What was given in kind (hiện vật), if not money")
    channel = graphene.String(
        required=True, description="How the money came (kênh): cash, bank_transfer or vietqr"
    )
    received_on = graphene.String(
        required=True,
        resolver=key("receivedOn"),
        description="Day it was received (ngày nhận), YYYY-MM-DD",
    )
    purpose = graphene.String(required=True, description="What it is for (mục đích)")
    earmark = graphene.String(
        description="What the donor earmarked it for (khoản chỉ định), if anything"
    )
    donor = graphene.Field(Donor, required=True, description="Who gave it (nhà hảo tâm)")
    status = graphene.String(required=True, description="RECORDED or REVERSED")
    unit_name = graphene.String(
        resolver=key("unitName"), description="The unit's name on the day of the gift"
    )

    @staticmethod
    def resolve_receipt_url(root: dict[str, Any], info: Any) -> str:
        return f"/files/receipts/{root['id']}.pdf"


class Beneficiary(graphene.ObjectType):
    """Who received a disbursement (người thụ hưởng)."""

    kind = graphene.String(
        required=True, description="Kind of beneficiary: student, teacher, school or other"
    )
    name = graphene.String(
        required=True, description="The beneficiary's name (họ tên người thụ hưởng)"
    )
    school = graphene.String(description="School (trường)")
    grade = graphene.String(description="School grade (lớp)")
    birth_year = graphene.Int(description="Year of birth (năm sinh)")
    reason = graphene.String(description="Reason (lý do), in Vietnamese")
    achievement = graphene.String(description="The achievement rewarded (thành tích)")


class Disbursement(graphene.ObjectType):
    """A payment from the fund (khoản chi): scholarship, award or support, proposed then
    approved."""

    id = graphene.String(required=True, description="Opaque, stable id")
    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    purpose = graphene.String(required=True, description="What it is for (mục đích)")
    beneficiary = graphene.Field(
        Beneficiary, required=True, description="Who receives it (người thụ hưởng)"
    )
    status = graphene.String(required=True, description="PROPOSED, APPROVED or REVERSED")
    proposed_by = graphene.String(
        resolver=key("proposedBy"), description="Who proposed it (người đề nghị chi)"
    )
    approved_by = graphene.String(
        resolver=key("approvedBy"), description="Who approved it (người duyệt chi)"
    )
    paid_on = graphene.String(
        resolver=key("paidOn"), description="Day it was paid (ngày chi), YYYY-MM-DD"
    )
    decision = graphene.String(
        description="The approval (quyết định chi), as written by the approver"
    )
    earmark = graphene.String(description="The earmarked gift it spends, if any")
    planned_on = graphene.String(
        resolver=key("plannedOn"), description="A past award's day, given with the proposal"
    )


DonationConnection = connection(Donation, "Donation", "a fund's donations (khoản ủng hộ)")
DisbursementConnection = connection(
    Disbursement, "Disbursement", "a fund's disbursements (khoản chi)"
)


class StatementLine(graphene.ObjectType):
    """One line of a fund statement (báo cáo quỹ): an account, its count and amount."""

    account = graphene.String(required=True, description="The ledger account (tài khoản)")
    label = graphene.String(required=True, description="Vietnamese label to show")
    amount = graphene.Field(
        Money, required=True, description="May be negative after a reversal in the period"
    )
    count = graphene.Int(required=True, description="Number (số lượng)")

    @staticmethod
    def resolve_amount(root: dict[str, Any], info: Any) -> int:
        return root["amount"]


class StatementTotals:
    """The figures every fund statement ends with (a fund's own, or a consolidated total):
    graphene collects these fields from the classes an object type derives from."""

    opening = graphene.Field(
        Money, required=True, description="Opening balance in đồng (số dư đầu kỳ)"
    )
    total_in = graphene.Field(
        Money, required=True, description="Everything received, in đồng (tổng thu)"
    )
    total_out = graphene.Field(
        Money, required=True, description="Everything paid out, in đồng (tổng chi)"
    )
    closing = graphene.Field(
        Money, required=True, description="Closing balance in đồng (số dư cuối kỳ)"
    )
    money_in = graphene.List(
        graphene.NonNull(StatementLine),
        required=True,
        description="Money received in the period, in đồng (thu)",
    )
    money_out = graphene.List(
        graphene.NonNull(StatementLine),
        required=True,
        description="Money paid out in the period, in đồng (chi)",
    )


class FundStatement(StatementTotals, graphene.ObjectType):
    """Opening balance, money in by source, money out by purpose, closing balance."""

    start = graphene.String(
        required=True,
        name="from",
        resolver=key("from"),
        description="First day of the period (từ ngày), YYYY-MM-DD",
    )
    end = graphene.String(
        required=True,
        name="to",
        resolver=key("to"),
        description="Last day of the period (đến ngày), YYYY-MM-DD",
    )


class PublicDonor(graphene.ObjectType):
    """A donor as the public statement shows them (anonymous donors unnamed)."""

    name = graphene.String(required=True, description='"Nhà hảo tâm ẩn danh" when anonymous')
    amount = graphene.Field(Money, required=True, description="The donor's gifts in the period")
    count = graphene.Int(required=True, description="Gifts in the period")
    receipts = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The donor's receipt numbers (số biên lai)",
    )


class PublicBeneficiary(graphene.ObjectType):
    """A beneficiary as the public statement shows them (a minor by initials and school)."""

    name = graphene.String(required=True, description="Minors: initials and school only")
    grade = graphene.String(description="School grade (lớp)")
    achievement = graphene.String(description="The achievement rewarded (thành tích)")
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    paid_on = graphene.String(required=True, description="Day it was paid (ngày chi), YYYY-MM-DD")


class AwardCategory(graphene.ObjectType):
    """Disbursements of one purpose on the public statement, with their beneficiaries."""

    purpose = graphene.String(required=True, description="What it is for (mục đích)")
    label = graphene.String(required=True, description="Vietnamese label to show")
    count = graphene.Int(required=True, description="Number (số lượng)")
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    beneficiaries = graphene.List(
        graphene.NonNull(PublicBeneficiary),
        required=True,
        description="Who received them, as the public may see them",
    )


class EarmarkLine(graphene.ObjectType):
    """An earmarked gift tracked to its purpose over a period."""

    name = graphene.String(required=True, description="The purpose the donors named")
    opening = graphene.Field(Money, required=True, description="Left at the period's start")
    received = graphene.Field(Money, required=True, description="Received, in đồng (đã thu)")
    spent = graphene.Field(Money, required=True, description="Already paid out, in đồng (đã chi)")
    closing = graphene.Field(Money, required=True, description="Left at the period's end")


class Earmark(graphene.ObjectType):
    """An earmarked gift of a fund to this day."""

    name = graphene.String(
        required=True, description="What the money is earmarked for (khoản chỉ định)"
    )
    received = graphene.Field(Money, required=True, description="Received, in đồng (đã thu)")
    spent = graphene.Field(Money, required=True, description="Already paid out, in đồng (đã chi)")
    balance = graphene.Field(Money, required=True, description="Balance in đồng (số dư)")


class PublicStatement(FundStatement):
    """Công khai quỹ: the statement anyone may read, with the files to download. Membership
    dues (hội phí) are the association's, kept apart: not on it."""

    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    unit_name = graphene.String(
        required=True, resolver=key("unitName"), description="The unit's name (tên đơn vị)"
    )
    threshold = graphene.Field(Money, required=True, description="Donors named from this amount")
    donors = graphene.List(
        graphene.NonNull(PublicDonor),
        required=True,
        description="Named donors (nhà hảo tâm) with their totals",
    )
    awards = graphene.List(
        graphene.NonNull(AwardCategory), required=True, description="Awards (khen thưởng)"
    )
    xlsx_url = graphene.String(required=True, description="Download as a spreadsheet (.xlsx)")
    pdf_url = graphene.String(required=True, description="Download as a PDF document")
    earmarks = graphene.List(
        graphene.NonNull(EarmarkLine),
        required=True,
        description="Earmarked money (khoản chỉ định): received, spent, left",
    )
    others_count = graphene.Int(
        required=True, description="Gifts of donors below the threshold (not named)"
    )
    others_amount = graphene.Field(
        Money, required=True, description="Given by anonymous donors and donors not listed, in đồng"
    )

    @staticmethod
    def resolve_earmarks(root: dict[str, Any], info: Any) -> Any:
        return root.get("earmarks") or []

    @staticmethod
    def resolve_others_count(root: dict[str, Any], info: Any) -> int:
        return int((root.get("others") or {}).get("count") or 0)

    @staticmethod
    def resolve_others_amount(root: dict[str, Any], info: Any) -> int:
        return int((root.get("others") or {}).get("amount") or 0)

    @staticmethod
    def resolve_xlsx_url(root: dict[str, Any], info: Any) -> str:
        return _statement_url(root, "xlsx")

    @staticmethod
    def resolve_pdf_url(root: dict[str, Any], info: Any) -> str:
        return _statement_url(root, "pdf")


def _statement_url(root: dict[str, Any], ext: str) -> str:
    return f"/files/funds/{root['unitCode']}/statement-{root['from']}-{root['to']}.{ext}"


class ConsolidatedFund(FundStatement):
    """One fund of a consolidated statement (dues kept apart)."""

    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    unit_name = graphene.String(
        required=True, resolver=key("unitName"), description="The unit's name (tên đơn vị)"
    )


class ConsolidatedTotal(StatementTotals, graphene.ObjectType):
    """Totals of a consolidated fund statement (báo cáo tổng hợp quỹ)."""


class ConsolidatedStatement(graphene.ObjectType):
    """Báo cáo tổng hợp quỹ of a commune with its branches: each fund and the total, transfers
    between these funds left out of the total's money in and out (counted once: not at all)."""

    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    unit_name = graphene.String(
        required=True, resolver=key("unitName"), description="The unit's name (tên đơn vị)"
    )
    start = graphene.String(
        required=True,
        name="from",
        resolver=key("from"),
        description="First day of the period (từ ngày), YYYY-MM-DD",
    )
    end = graphene.String(
        required=True,
        name="to",
        resolver=key("to"),
        description="Last day of the period (đến ngày), YYYY-MM-DD",
    )
    funds = graphene.List(
        graphene.NonNull(ConsolidatedFund),
        required=True,
        description="The commune's fund and each branch's (quỹ của xã và các chi hội)",
    )
    total = graphene.Field(ConsolidatedTotal, required=True, description="Total (tổng số)")
    internal_transfers = graphene.Field(
        Money, required=True, resolver=key("internalTransfers"), description="Left out"
    )
    xlsx_url = graphene.String(required=True, description="Download as a spreadsheet (.xlsx)")
    pdf_url = graphene.String(required=True, description="Download as a PDF document")

    @staticmethod
    def resolve_xlsx_url(root: dict[str, Any], info: Any) -> str:
        return _consolidated_url(root, "xlsx")

    @staticmethod
    def resolve_pdf_url(root: dict[str, Any], info: Any) -> str:
        return _consolidated_url(root, "pdf")


def _consolidated_url(root: dict[str, Any], ext: str) -> str:
    return f"/files/funds/{root['unitCode']}/consolidated-{root['from']}-{root['to']}.{ext}"


class HonourLine(graphene.ObjectType):
    """A line of the honour roll; the whole roll as files: ``/files/fund/<unit>/<year>/
    honour-roll.xlsx`` and ``.pdf`` (public)."""

    rank = graphene.Int(required=True, description="Place on the honour roll (thứ hạng), from 1")
    name = graphene.String(required=True, description='"Nhà hảo tâm ẩn danh" when anonymous')
    kind = graphene.String(required=True, description="Kind of donor (loại nhà hảo tâm)")
    total = graphene.Field(
        Money, required=True, description="Given in the year, in đồng (tổng ủng hộ)"
    )
    count = graphene.Int(required=True, description="Gifts in the year")


class Fund(graphene.ObjectType):
    """The Quỹ Khuyến học of one unit (province, district, commune or branch)."""

    id = graphene.String(required=True, description="Opaque, stable id")
    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    unit_name = graphene.String(
        resolver=key("unitName"), description="The unit's name (tên đơn vị)"
    )
    unit_path = graphene.String(
        required=True,
        resolver=key("unitPath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    balance = graphene.Field(Money, required=True, description="Balance in đồng (số dư)")
    earmarks = graphene.List(
        graphene.NonNull(Earmark), required=True, description="Earmarked gifts to this day"
    )
    statement = graphene.Field(
        FundStatement,
        required=True,
        start=graphene.Date(
            required=True, name="from", description="First day of the period (từ ngày)"
        ),
        end=graphene.Date(
            required=True, name="to", description="Last day of the period (đến ngày)"
        ),
        description="The fund's statement (báo cáo quỹ) over a period",
    )
    donations = graphene.Field(
        DonationConnection,
        required=True,
        **page_arguments("donations (khoản ủng hộ)"),
        description="The fund's donations (khoản ủng hộ), newest first, a page at a time",
    )
    disbursements = graphene.Field(
        DisbursementConnection,
        required=True,
        **page_arguments("disbursements (khoản chi)"),
        description="The fund's disbursements (khoản chi), newest first, a page at a time",
    )

    @staticmethod
    def resolve_earmarks(root: dict[str, Any], info: Any) -> Any:
        return root.get("earmarks") or []

    @staticmethod
    def resolve_statement(root: dict[str, Any], info: Any, start: date, end: date) -> Any:
        return answer(
            info.context.rpc.fund.statement(
                root["tenant"], root["unitCode"], iso_date(start), iso_date(end)
            )
        )

    @staticmethod
    def resolve_donations(root: dict[str, Any], info: Any, first: int, after: Any = None) -> Any:
        return _fund_page("donations", root, info, first, after)

    @staticmethod
    def resolve_disbursements(
        root: dict[str, Any], info: Any, first: int, after: Any = None
    ) -> Any:
        return _fund_page("disbursements", root, info, first, after)


def _fund_page(kind: str, fund: dict[str, Any], info: Any, first: int, after: Any) -> Any:
    """A page of the fund's ``kind`` (the RPC of that name), the service's cursor inside ours."""
    tenant, code = fund["tenant"], fund["unitCode"]

    def fetch(cursor: Any, size: int) -> tuple[list[Any], Any]:
        page = getattr(info.context.rpc.fund, kind)(tenant, code, cursor, size)
        return page["items"], page.get("nextCursor")

    return cursor_page(kind, f"{tenant}|{code}", first, after, fetch)
