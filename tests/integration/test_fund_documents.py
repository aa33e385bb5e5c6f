"""Issue 14, item 6 through the real gateway and stores: the honour roll as public files, the
receipt (phiếu thu) with the amount in words for officers only, earmarked gifts with their
Vietnamese refusal, dues off the public statement, the consolidated statement of a commune with
its branches, and the report figures (own vs below) read back from the real counters."""

import io
import urllib.error
import urllib.request

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from khuyenhoc.auth import Role
from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.fund import service, store
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory

DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  donation { id receiptUrl unitName } } }"""
PROPOSE = """mutation($input: DisbursementProposalInput!) { proposeDisbursement(input: $input) {
  id earmark } }"""
APPROVE = """mutation($input: DisbursementApprovalInput!) { approveDisbursement(input: $input) {
  id status } }"""
FEE = """mutation($input: MembershipFeeInput!) { recordMembershipFee(input: $input) { id } }"""
TRANSFER = """mutation($input: FundTransferInput!) { recordTransfer(input: $input) { id } }"""
BRANCH = """mutation($name: String!) { createBranch(input: {communeCode: "06184", name: $name,
  kind: RESIDENTIAL, openedOn: "2019-01-01"}) { branch { code } } }"""
PUBLIC = """query($code: String!) { publicFundStatement(unitCode: $code, from: "2024-01-01",
  to: "2024-12-31") { closing totalIn moneyIn { account } othersCount
  earmarks { name received spent closing } } }"""
CONSOLIDATED = """{ consolidatedFundStatement(unitCode: "06184", from: "2024-01-01",
  to: "2024-12-31") { unitName funds { unitCode closing } internalTransfers
  total { opening closing totalIn totalOut moneyIn { account amount }
  moneyOut { account amount } } } }"""
FUND = """{ fund(unitCode: "06184") { earmarks { name received spent balance } } }"""
STATS = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) { fund {
  donationsTotal studentAwardsCount studentAwardsTotal own { donationsTotal balance } } } } }"""
OFFICER = token_for("20/183/06184", Role.COMMUNE_OFFICER)
AUTHORITY = token_for("20/183/06184", Role.AUTHORITY)
EARMARK = "Học bổng cho học sinh nghèo khối 1"


@pytest.fixture
def platform(config, gateway):
    load_demo_directory(config)
    return gateway


def gift(key, amount, unit="06184", name="Nguyễn Văn Hảo", anonymous=False, **more):
    return {
        "input": {
            "unitCode": unit,
            "idempotencyKey": key,
            "donor": {"name": name, "anonymous": anonymous},
            "amount": amount,
            "receivedOn": "2024-10-02",
            **more,
        }
    }


def award(amount, purpose="SCHOLARSHIP", **more):
    return {
        "input": {
            "unitCode": "06184",
            "amount": amount,
            "purpose": purpose,
            "beneficiary": {"kind": "STUDENT", "name": "Nguyễn Văn An", "school": "THCS"},
            **more,
        }
    }


def download(gateway, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"http://{gateway.address}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def pdf_text(content):
    pdf = pdfium.PdfDocument(content)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_the_honour_roll_files_are_public_and_name_every_donor(platform, gateway):
    platform(DONATE, gift("roll-000001", "1200000", name="Công ty Hồng Phát"))
    platform(DONATE, gift("roll-000002", "3000000", name="Bà Trần Thị Mai", anonymous=True))
    platform(DONATE, gift("roll-000003", "50000", name="Ông Lê Văn Nhỏ"))
    for code in ("06184", "183"):  # the commune's roll, and the district's (everything below)
        book = load_workbook(
            io.BytesIO(download(gateway, f"/files/fund/{code}/2024/honour-roll.xlsx"))
        )
        rows = list(book.active.iter_rows(values_only=True))
        names = [r[1] for r in rows[4:7]]
        assert names == ["Nhà hảo tâm ẩn danh", "Công ty Hồng Phát", "Ông Lê Văn Nhỏ"]
        assert "Bà Trần Thị Mai" not in str(rows)
    text = pdf_text(download(gateway, "/files/fund/06184/2024/honour-roll.pdf"))
    assert "BẢNG VINH DANH NHÀ HẢO TÂM NĂM 2024" in text
    assert "Bốn triệu hai trăm năm mươi nghìn đồng" in text
    for bad, status in (
        ("/files/fund/06184/2024/honour-roll.doc", 404),
        ("/files/fund/06184/19/honour-roll.pdf", 400),  # the one year rule (gateway/years.py)
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            download(gateway, bad)
        assert refused.value.code == status


def test_the_receipt_is_for_the_funds_officers_with_the_amount_in_words(platform, gateway):
    done = platform(DONATE, gift("receipt-0001", "1200000"))["recordDonation"]["donation"]
    assert done["unitName"] == "Thị trấn Đồng Đăng"
    text = pdf_text(download(gateway, done["receiptUrl"], OFFICER))
    assert "PHIẾU THU" in text and "Một triệu hai trăm nghìn đồng" in text
    assert "HỘI KHUYẾN HỌC THỊ TRẤN ĐỒNG ĐĂNG" in text
    assert "Người nộp tiền" in text and "Thủ quỹ" in text
    for token, status in (
        (token_for("20/183/06187", Role.COMMUNE_OFFICER), 403),  # a sibling commune
        (token_for("20/183/06184", Role.PARTNER), 403),  # a wrong role in reach
        (token_for("01"), 404),  # another province
        (None, 401),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            download(gateway, done["receiptUrl"], token)
        assert refused.value.code == status


def test_an_earmark_is_spent_only_up_to_its_balance(platform):
    platform(DONATE, gift("earmark-0001", "1000000", purpose="EARMARKED", earmark=EARMARK))
    platform(DONATE, gift("earmark-0002", "9000000"))
    with pytest.raises(GraphQLError) as caught:
        platform(PROPOSE, award("1500000", earmark=EARMARK))
    (error,) = caught.value.errors[0]["extensions"]["fields"]
    assert (error["field"], error["key"]) == ("earmark", "earmark_insufficient")
    assert error["message"] == (
        f"Khoản ủng hộ chỉ định «{EARMARK}» chỉ còn 1.000.000 đồng, không thể chi 1.500.000 đồng."
    )
    proposal = platform(PROPOSE, award("600000", earmark=EARMARK))["proposeDisbursement"]
    assert proposal["earmark"] == EARMARK
    approval = {"disbursementId": proposal["id"], "paidOn": "2024-10-05"}
    platform(APPROVE, {"input": approval}, token=AUTHORITY)
    assert platform(FUND)["fund"]["earmarks"] == [
        {"name": EARMARK, "received": "1000000", "spent": "600000", "balance": "400000"}
    ]
    public = platform(PUBLIC, {"code": "06184"}, token=None)["publicFundStatement"]
    assert public["earmarks"] == [
        {"name": EARMARK, "received": "1000000", "spent": "600000", "closing": "400000"}
    ]


def test_dues_stay_off_and_the_consolidated_statement_counts_transfers_once(platform, config):
    first = platform(BRANCH, {"name": "Chi hội Khối 1"})["createBranch"]["branch"]["code"]
    second = platform(BRANCH, {"name": "Chi hội Khối 2"})["createBranch"]["branch"]["code"]
    platform(DONATE, gift("cons-000001", "10000000"))
    platform(DONATE, gift("cons-000002", "3000000", unit=first))
    platform(DONATE, gift("cons-000003", "2000000", unit=second))
    fee = {"unitCode": first, "memberId": "mb-1", "year": 2024, "amount": "50000"}
    platform(FEE, {"input": {**fee, "paidOn": "2024-10-03"}})
    move = {"fromUnitCode": first, "toUnitCode": "06184", "idempotencyKey": "cons-move-1"}
    platform(TRANSFER, {"input": {**move, "amount": "1000000", "on": "2024-10-04"}}, AUTHORITY)
    paid = platform(PROPOSE, award("4000000", purpose="UNIVERSITY_PRIZE"))["proposeDisbursement"]
    platform(APPROVE, {"input": {"disbursementId": paid["id"], "paidOn": "2024-11-01"}}, AUTHORITY)

    public = platform(PUBLIC, {"code": first}, token=None)["publicFundStatement"]
    assert "membership_fees" not in [x["account"] for x in public["moneyIn"]]
    assert public["closing"] == "2000000"  # 3,000,000 − 1,000,000 moved; the 50,000 dues apart

    found = platform(CONSOLIDATED, token=None)["consolidatedFundStatement"]
    assert found["unitName"] == "Thị trấn Đồng Đăng"
    closing = {f["unitCode"]: f["closing"] for f in found["funds"]}
    assert closing == {"06184": "7000000", first: "2000000", second: "2000000"}
    total = found["total"]
    lines_in = {x["account"]: x["amount"] for x in total["moneyIn"]}
    lines_out = {x["account"]: x["amount"] for x in total["moneyOut"]}
    assert (lines_in["TRANSFERS_IN"], lines_out["TRANSFERS_OUT"]) == ("0", "0")
    assert (total["totalIn"], total["totalOut"], total["closing"]) == (
        "15000000",
        "4000000",
        "11000000",
    )
    assert found["internalTransfers"] == "1000000"

    # the report figures from the real counters: own vs below, dues apart from the balance
    funds = store.FundStore(TenantDatabase(service_database(config, "fund"), "20"))
    figures = service.report_figures(funds, UnitPath.parse("20/183/06184"), 2024, 2024)["2024"]
    assert figures["donations_total"] == 15_000_000
    assert figures["own"]["donations_total"] == 10_000_000
    assert (figures["awards_count"], figures["awards_amount"]) == (1, 4_000_000)
    assert figures["fees_total"] == 50_000
    assert figures["balance"] == 11_000_000
    province = service.report_figures(funds, UnitPath.parse("20"), 2024, 2024)["2024"]
    assert province["donations_total"] == 15_000_000 and province["own"]["donations_total"] == 0
    # the same through the pages' figures: the commune's own fund apart from its branches'
    shown = platform(STATS, {"code": "06184"})["orgUnit"]["stats"]["fund"]
    assert shown == {
        "donationsTotal": "15000000",
        "studentAwardsCount": 1,
        "studentAwardsTotal": "4000000",
        "own": {"donationsTotal": "10000000", "balance": "7000000"},
    }
    district = platform(STATS, {"code": "183"})["orgUnit"]["stats"]["fund"]
    assert district["donationsTotal"] == "15000000" and district["own"]["donationsTotal"] == "0"


def test_past_awards_are_entered_as_history_through_the_public_api(platform, config):
    platform(DONATE, gift("hist-000001", "5000000", receivedOn="2020-09-01"))
    platform(DONATE, gift("hist-000002", "1000000", receivedOn="2025-03-01"))
    for amount, day in (("2000000", "2021-05-20"), ("1500000", "2020-10-01")):
        proposal = platform(PROPOSE, award(amount, purpose="AWARD"))["proposeDisbursement"]
        approval = {"disbursementId": proposal["id"], "paidOn": day}
        assert (
            platform(APPROVE, {"input": approval}, token=AUTHORITY)["approveDisbursement"]["status"]
            == "APPROVED"
        )
    too_much = platform(PROPOSE, award("2000000"))["proposeDisbursement"]
    with pytest.raises(GraphQLError) as caught:  # 1,500,000 left at the end of 2021-05-20
        platform(
            APPROVE,
            {"input": {"disbursementId": too_much["id"], "paidOn": "2022-01-01"}},
            token=AUTHORITY,
        )
    (error,) = caught.value.errors[0]["extensions"]["fields"]
    assert (error["field"], error["key"]) == ("amount", "insufficient_funds")
    with pytest.raises(GraphQLError) as early:
        platform(
            APPROVE,
            {"input": {"disbursementId": too_much["id"], "paidOn": "1999-12-31"}},
            token=AUTHORITY,
        )
    assert early.value.errors[0]["extensions"]["fields"][0]["field"] == "paidOn"
    funds = store.FundStore(TenantDatabase(service_database(config, "fund"), "20"))
    figures = service.report_figures(funds, UnitPath.parse("20/183/06184"), 2020, 2025)
    assert [figures[str(y)]["awards_count"] for y in range(2020, 2026)] == [1, 1, 0, 0, 0, 0]
    assert figures["2024"]["balance"] == 1_500_000 and figures["2025"]["balance"] == 2_500_000
    assert service.reconcile(funds).discrepancies == []


def test_the_consolidated_statement_files_are_public(platform, gateway):
    branch = platform(BRANCH, {"name": "Chi hội Khối 3"})["createBranch"]["branch"]["code"]
    platform(DONATE, gift("consf-00001", "2000000"))
    platform(DONATE, gift("consf-00002", "1000000", unit=branch))
    period = "2024-01-01-2024-12-31"
    text = pdf_text(download(gateway, f"/files/funds/06184/consolidated-{period}.pdf"))
    assert "BÁO CÁO TỔNG HỢP QUỸ KHUYẾN HỌC" in text and "Ba triệu đồng" in text
    book = load_workbook(
        io.BytesIO(download(gateway, f"/files/funds/06184/consolidated-{period}.xlsx"))
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[3][0] == "Thị trấn Đồng Đăng" and rows[3][4] == 2_000_000
    assert rows[4][0] == "Chi hội Khối 3" and rows[4][4] == 1_000_000
    assert rows[5][4] == 3_000_000
    with pytest.raises(urllib.error.HTTPError) as refused:
        download(gateway, "/files/funds/06184/consolidated-2024-13-01-2024-12-31.pdf")
    assert refused.value.code == 404


def test_back_dated_payments_and_earmarks_racing_on_the_real_store_never_overdraw(config):
    """Two past awards dated before a later gift race for the 1,000,000 the fund held on that
    day; two payments race for one earmark: one of each pair passes."""
    import datetime as dt

    import eventlet

    from services.fund.ledger import LedgerError

    db = service_database(config, "fund")
    store.prepare(db)
    funds = store.FundStore(TenantDatabase(db, "20"))
    unit = {"code": "06184", "path": "20/183/06184", "name": "Thị trấn Đồng Đăng"}
    now = dt.datetime(2025, 12, 1, 3, 0, tzinfo=dt.UTC)

    def give(key, amount, day, **more):
        data = {
            "tenant": "20",
            "unit": unit,
            "idempotency_key": key,
            "amount": amount,
            "donor": {"name": "Nguyễn Văn Hảo", "kind": "person", "anonymous": False},
            "received_on": day,
            **more,
        }
        service.record_donation(funds, data, now=now)

    def propose(amount, **more):
        data = {
            "tenant": "20",
            "unit": unit,
            "amount": amount,
            "purpose": "scholarship",
            "beneficiary": {"kind": "student", "name": "Lê Thị Na"},
            "by": "officer",
            **more,
        }
        return service.propose_disbursement(funds, data, now=now).id

    give("race-gift-01", 1_000_000, dt.date(2021, 1, 1))
    give("race-gift-02", 5_000_000, dt.date(2025, 6, 1), purpose="earmarked", earmark=EARMARK)
    outcomes: list[str] = []

    def approve(ident, day=None):
        try:
            data = {"tenant": "20", "disbursement_id": ident, "by": "chair"}
            service.approve_disbursement(funds, {**data, "paid_on": day} if day else data, now=now)
            outcomes.append("paid")
        except LedgerError as exc:
            outcomes.append(exc.key)

    past = [propose(700_000) for _ in range(2)]
    list(eventlet.GreenPool(2).imap(lambda i: approve(i, dt.date(2022, 3, 1)), past))
    assert sorted(outcomes) == ["insufficient_funds", "paid"]
    outcomes.clear()
    earmarked = [propose(3_000_000, earmark=EARMARK) for _ in range(2)]
    list(eventlet.GreenPool(2).imap(approve, earmarked))
    assert sorted(outcomes) == ["earmark_insufficient", "paid"]
    assert funds.get("20:06184")["balance"] == 6_000_000 - 700_000 - 3_000_000
    assert service.reconcile(funds).discrepancies == []
