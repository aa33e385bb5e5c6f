"""Issue 14, item 6: the fund's public documents on the in-memory store — earmarked gifts
tracked to their purpose, dues off the public statement, the consolidated statement of a
commune with its branches, report figures (own vs below), the honour roll file, and records
that keep the unit path and name of their day."""

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.tenancy import UnitPath
from services.fund import service
from services.fund.ledger import LedgerError
from services.fund.schemas import refused
from tests.fakes_fund import InMemoryFunds

NOW = datetime(2025, 12, 20, 3, 0, tzinfo=UTC)
COMMUNE = {
    "code": "06184",
    "path": "20/183/06184",
    "name": "Thị trấn Đồng Đăng",
    "level": "commune",
}
BRANCH = {
    "code": "06184-001",
    "path": "20/183/06184/06184-001",
    "name": "Thôn Nà Pàn",
    "level": "branch",
}
BRANCH2 = {
    "code": "06184-002",
    "path": "20/183/06184/06184-002",
    "name": "Thôn Bản Lải",
    "level": "branch",
}
EARMARK = "Học bổng cho học sinh nghèo thôn Nà Pàn"


@pytest.fixture
def funds():
    return InMemoryFunds("20")


def donate(funds, key, amount, unit=COMMUNE, on=date(2024, 10, 2), earmark=None, **donor):
    data = {
        "tenant": "20",
        "unit": unit,
        "idempotency_key": key,
        "donor": {"name": "Nguyễn Văn Hảo", "kind": "person", "anonymous": False, **donor},
        "amount": amount,
        "received_on": on,
    }
    if earmark:
        data.update(purpose="earmarked", earmark=earmark)
    return service.record_donation(funds, data, now=NOW).record


def pay(funds, amount, unit=COMMUNE, purpose="scholarship", on=date(2024, 11, 1), earmark=None):
    data = {
        "tenant": "20",
        "unit": unit,
        "amount": amount,
        "purpose": purpose,
        "beneficiary": {"kind": "student", "name": "Nguyễn Văn An", "school": "THCS"},
        "by": "officer",
    }
    if earmark:
        data["earmark"] = earmark
    proposal = service.propose_disbursement(funds, data, now=NOW)
    booked = service.approve_disbursement(
        funds,
        {"tenant": "20", "disbursement_id": proposal.id, "paid_on": on, "by": "chair"},
        now=NOW,
    )
    return booked.record


def fee(funds, member, amount, unit=BRANCH, on=date(2024, 3, 1)):
    data = {
        "tenant": "20",
        "unit": unit,
        "member_id": member,
        "year": on.year,
        "amount": amount,
        "paid_on": on,
    }
    return service.record_fee(funds, data, now=NOW).record


# --- earmarks ---------------------------------------------------------------------------------


def test_an_earmark_has_a_balance_and_a_disbursement_spends_it(funds) -> None:
    donate(funds, "gift-0001", 3_000_000, earmark=EARMARK)
    donate(funds, "gift-0002", 1_000_000, earmark="  học bổng cho học sinh NGHÈO thôn Nà Pàn ")
    donate(funds, "gift-0003", 10_000_000)
    paid = pay(funds, 2_500_000, earmark=EARMARK)
    assert paid.earmark == EARMARK
    state = funds.states["20:06184"]
    (line,) = state.earmarks.values()
    assert (line["received"], line["spent"]) == (4_000_000, 2_500_000)
    st = service.public_statement(funds, COMMUNE, date(2024, 1, 1), date(2024, 12, 31), 0)
    assert st.earmarks == [
        {
            "name": EARMARK,
            "opening": 0,
            "received": 4_000_000,
            "spent": 2_500_000,
            "closing": 1_500_000,
        }
    ]


def test_spending_past_an_earmarks_balance_is_refused_in_vietnamese(funds) -> None:
    donate(funds, "gift-0001", 1_000_000, earmark=EARMARK)
    donate(funds, "gift-0002", 10_000_000)
    before = funds.snapshot()
    with pytest.raises(LedgerError) as caught:
        pay(funds, 1_500_000, earmark=EARMARK)
    assert caught.value.field == "earmark"
    error = refused(caught.value).errors[0]
    assert error.field == "earmark"
    assert error.message == (
        f"Khoản ủng hộ chỉ định «{EARMARK}» chỉ còn 1.000.000 đồng, không thể chi 1.500.000 đồng."
    )
    assert funds.snapshot() == before
    with pytest.raises(LedgerError) as unknown:
        pay(funds, 100, earmark="Xây thư viện")
    assert unknown.value.key == "unknown_earmark"


def test_an_approval_re_checks_the_earmark_and_a_reversal_gives_it_back(funds) -> None:
    donate(funds, "gift-0001", 1_000_000, earmark=EARMARK)
    donate(funds, "gift-0002", 10_000_000)
    first = pay(funds, 800_000, earmark=EARMARK)
    with pytest.raises(LedgerError) as caught:
        pay(funds, 300_000, earmark=EARMARK)
    assert caught.value.key == "earmark_insufficient"
    service.reverse_entry(funds, {"tenant": "20", "entry_id": first.id, "reason": "Nhầm"}, now=NOW)
    pay(funds, 300_000, earmark=EARMARK, on=date(2025, 12, 20))
    (line,) = funds.states["20:06184"].earmarks.values()
    assert line["received"] - line["spent"] == 700_000


# --- dues kept apart --------------------------------------------------------------------------


def test_membership_dues_stay_off_the_public_statement(funds) -> None:
    fee(funds, "member-1", 120_000)
    donate(funds, "gift-0001", 500_000, unit=BRANCH)
    public = service.public_statement(funds, BRANCH, date(2024, 1, 1), date(2024, 12, 31), 0)
    assert [x["account"] for x in public.lines["money_in"]].count("membership_fees") == 0
    assert public.lines["closing"] == 500_000
    assert public.lines["total_in"] == 500_000
    internal = service.statement(funds, "06184-001", date(2024, 1, 1), date(2024, 12, 31))
    assert internal["closing"] == 620_000
    assert {x["account"]: x["amount"] for x in internal["money_in"]}["membership_fees"] == 120_000


def test_every_donor_is_named_by_default_and_the_anonymous_stay_unnamed(funds) -> None:
    donate(funds, "gift-0001", 50_000, name="Trần Thị Bé")
    donate(funds, "gift-0002", 2_000_000, name="Lê Văn Giàu", anonymous=True)
    public = service.public_statement(funds, COMMUNE, date(2024, 1, 1), date(2024, 12, 31), 0)
    assert [d["name"] for d in public.donors] == ["Nhà hảo tâm ẩn danh", "Trần Thị Bé"]
    higher = service.public_statement(funds, COMMUNE, date(2024, 1, 1), date(2024, 12, 31), 100_000)
    assert [d["name"] for d in higher.donors] == ["Nhà hảo tâm ẩn danh"]
    assert higher.others == {"count": 1, "amount": 50_000}
    roll = service.honour_roll_file(funds, COMMUNE, 2024, 0)
    assert [d["name"] for d in roll["donors"]] == ["Nhà hảo tâm ẩn danh", "Trần Thị Bé"]
    assert roll["total"] == 2_050_000


# --- consolidated statement -------------------------------------------------------------------


def transfer(funds, source, target, amount, key, on=date(2024, 10, 15)):
    data = {
        "tenant": "20",
        "source": source,
        "target": target,
        "idempotency_key": key,
        "amount": amount,
        "on": on,
    }
    return service.record_transfer(funds, data, now=NOW).record


def test_the_consolidated_statement_sums_the_funds_without_counting_transfers_twice(funds) -> None:
    donate(funds, "gift-0001", 10_000_000)
    donate(funds, "gift-0002", 3_000_000, unit=BRANCH)
    donate(funds, "gift-0003", 2_000_000, unit=BRANCH2)
    fee(funds, "member-1", 100_000)
    transfer(funds, BRANCH, COMMUNE, 1_000_000, "move-0001")
    pay(funds, 4_000_000, on=date(2024, 11, 1))
    found = service.consolidated_statement(
        funds, COMMUNE, [BRANCH, BRANCH2], date(2024, 1, 1), date(2024, 12, 31)
    )
    assert [f["unitCode"] for f in found["funds"]] == ["06184", "06184-001", "06184-002"]
    assert [f["closing"] for f in found["funds"]] == [7_000_000, 2_000_000, 2_000_000]
    total = found["total"]
    lines_in = {x["account"]: x["amount"] for x in total["money_in"]}
    lines_out = {x["account"]: x["amount"] for x in total["money_out"]}
    assert lines_in["donations.cash"] == 15_000_000
    assert lines_in["transfers_in"] == 0 and lines_out["transfers_out"] == 0
    assert total["total_in"] == 15_000_000 and total["total_out"] == 4_000_000
    assert total["closing"] == 11_000_000 == total["opening"] + 15_000_000 - 4_000_000
    assert found["internalTransfers"] == 1_000_000
    # a transfer to a fund outside the group is money out of the group
    district = {"code": "183", "path": "20/183", "name": "Huyện Cao Lộc", "level": "district"}
    transfer(funds, COMMUNE, district, 500_000, "move-0002", on=date(2024, 12, 1))
    found = service.consolidated_statement(
        funds, COMMUNE, [BRANCH, BRANCH2], date(2024, 1, 1), date(2024, 12, 31)
    )
    out = {x["account"]: x["amount"] for x in found["total"]["money_out"]}
    assert out["transfers_out"] == 500_000
    assert found["total"]["closing"] == 10_500_000


# --- report figures and the map of the day -----------------------------------------------------


def test_report_figures_per_year_with_own_and_below(funds) -> None:
    donate(funds, "gift-0001", 10_000_000, on=date(2023, 5, 1))
    donate(funds, "gift-0002", 3_000_000, unit=BRANCH, on=date(2024, 2, 1))
    fee(funds, "member-1", 100_000, on=date(2024, 3, 1))
    pay(funds, 1_000_000, purpose="scholarship", on=date(2024, 4, 1))
    pay(funds, 500_000, purpose="university_prize", on=date(2024, 5, 1))
    pay(funds, 700_000, purpose="community_learning", on=date(2024, 6, 1))
    figures = service.report_figures(funds, UnitPath.parse("20/183/06184"), 2023, 2024)
    assert figures["2023"]["donations_total"] == 10_000_000
    assert figures["2023"]["balance"] == 10_000_000
    y = figures["2024"]
    assert y["donations_total"] == 3_000_000
    assert y["disbursed_total"] == 2_200_000
    assert (y["awards_count"], y["awards_amount"]) == (2, 1_500_000)
    assert y["fees_total"] == 100_000
    assert y["balance"] == 10_000_000 + 3_000_000 - 2_200_000  # dues kept apart
    assert y["own"]["donations_total"] == 0 and y["own"]["disbursed_total"] == 2_200_000
    district = service.report_figures(funds, UnitPath.parse("20/183"), 2024, 2024)
    assert district["2024"]["donations_total"] == 3_000_000


def test_records_land_at_the_path_and_name_the_gateway_gives(funds) -> None:
    """A code kept by a 2025 commune: its 2024 gift under the old commune's path and name, its
    2026 gift under the new ones; each counted where that day's map says."""
    donate(funds, "gift-0001", 1_000_000, on=date(2024, 10, 2))
    merged = {"code": "06184", "path": "20/06184", "name": "Xã Đồng Đăng", "level": "commune"}
    later = donate(funds, "gift-0002", 2_000_000, unit=merged, on=date(2025, 9, 1))
    old = service.receipt(funds, donate(funds, "gift-0001", 1_000_000).id)
    assert old.unit_name == "Thị trấn Đồng Đăng"
    assert service.receipt(funds, later.id).unit_name == "Xã Đồng Đăng"
    assert later.unitpath == "20/06184"
    new = service.report_figures(funds, UnitPath.parse("20/06184"), 2024, 2025)
    assert new["2024"]["donations_total"] == 0 and new["2025"]["donations_total"] == 2_000_000
    district = service.report_figures(funds, UnitPath.parse("20/183"), 2024, 2025)
    assert district["2024"]["donations_total"] == 1_000_000
    province = service.report_figures(funds, UnitPath.parse("20"), 2024, 2025)
    assert province["2025"]["donations_total"] == 2_000_000
    assert province["2025"]["balance"] == 3_000_000


def test_a_past_award_can_be_entered(funds) -> None:
    donate(funds, "gift-0001", 5_000_000, on=date(2020, 9, 1))
    paid = pay(funds, 1_000_000, purpose="award", on=date(2020, 9, 5))
    assert paid.paid_on == "2020-09-05"
    figures = service.report_figures(funds, UnitPath.parse("20/183/06184"), 2020, 2020)
    assert figures["2020"]["awards_count"] == 1


# --- the printed documents --------------------------------------------------------------------


def _text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(content)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_the_receipt_carries_body_date_amount_in_words_and_signatures(funds) -> None:
    from services.fund import answers, documents

    gift = donate(funds, "gift-0001", 1_200_000, name="Nguyễn Thị Hồng Nhung")
    receipt = answers.ReceiptAnswer().dump(service.receipt(funds, gift.id))
    text = _text(documents.receipt_pdf(receipt))
    for expected in (
        "HỘI KHUYẾN HỌC THỊ TRẤN ĐỒNG ĐĂNG",
        "PHIẾU THU",
        "Số: 06184-2024-000001",
        "Ngày 02 tháng 10 năm 2024",
        "1.200.000 đồng",
        "Một triệu hai trăm nghìn đồng",
        "Người nộp tiền",
        "Người lập phiếu",
        "Thủ quỹ",
        "TM. BAN ĐIỀU HÀNH",
        "CHỦ TỊCH",
    ):
        assert expected in text


def test_the_statement_and_the_honour_roll_print(funds) -> None:
    from services.fund import answers, documents

    donate(funds, "gift-0001", 2_015_000_000, name="Công ty TNHH Đồng Đăng", kind="enterprise")
    fee(funds, "member-1", 120_000)
    public = answers.PublicStatementAnswer().dump(
        service.public_statement(funds, COMMUNE, date(2024, 1, 1), date(2024, 12, 31), 0)
    )
    text = _text(documents.statement_pdf(public, date(2025, 1, 10)))
    assert "Hai tỷ không trăm mười lăm triệu đồng" in text
    assert "Hội phí" not in text.split("Hội phí của hội viên")[0]
    assert "Ngày 10 tháng 01 năm 2025" in text
    roll = service.honour_roll_file(funds, COMMUNE, 2024, 0)
    text = _text(documents.honour_roll_pdf(roll, date(2025, 1, 10)))
    assert "BẢNG VINH DANH NHÀ HẢO TÂM NĂM 2024" in text
    assert "Công ty TNHH Đồng Đăng" in text
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(documents.honour_roll_xlsx(roll))).active
    assert sheet["B5"].value == "Công ty TNHH Đồng Đăng"
    assert sheet["E5"].value == 2_015_000_000


# --- past awards entered as history ------------------------------------------------------------


def test_a_past_award_is_entered_after_later_movements_if_every_later_day_covers_it(funds):
    donate(funds, "gift-0001", 5_000_000, on=date(2020, 9, 1))
    donate(funds, "gift-0002", 1_000_000, on=date(2025, 3, 1))
    pay(funds, 4_500_000, on=date(2024, 6, 1))  # before the 2025 gift: history
    # on 2024-06-01 the fund held 500,000 at the end of the day: a 2021 award of 600,000
    # would have taken that day below zero, though the fund holds 1,500,000 today
    with pytest.raises(LedgerError) as caught:
        pay(funds, 600_000, on=date(2021, 5, 1))
    assert (caught.value.key, caught.value.field) == ("insufficient_funds", "amount")
    assert caught.value.params["available"] == 500_000
    paid = pay(funds, 500_000, purpose="award", on=date(2021, 5, 1))
    assert paid.paid_on == "2021-05-01"
    st = service.statement(funds, "06184", date(2021, 1, 1), date(2024, 12, 31))
    assert st["closing"] == 0
    figures = service.report_figures(funds, UnitPath.parse("20/183/06184"), 2021, 2025)
    assert figures["2021"]["awards_amount"] == 500_000
    assert figures["2024"]["balance"] == 0 and figures["2025"]["balance"] == 1_000_000
    with pytest.raises(LedgerError):
        pay(funds, 1, on=date(2022, 1, 1))  # every day from 2024-06-01 to 2025-02-28 is at 0
    pay(funds, 1_000_000, on=date(2025, 3, 1))


def test_a_past_award_may_carry_its_day_from_the_proposal(funds):
    donate(funds, "gift-0001", 5_000_000, on=date(2022, 9, 1))
    data = {
        "tenant": "20",
        "unit": COMMUNE,
        "amount": 300_000,
        "purpose": "university_prize",
        "beneficiary": {"kind": "student", "name": "Hoàng Văn Đỗ", "birthYear": 2004},
        "paid_on": date(2022, 9, 10),
        "by": "officer",
    }
    proposal = service.propose_disbursement(funds, data, now=NOW)
    assert proposal.planned_on == "2022-09-10"
    approval = {"tenant": "20", "disbursement_id": proposal.id, "by": "chair"}
    paid = service.approve_disbursement(funds, approval, now=NOW).record
    assert paid.paid_on == "2022-09-10"
    for bad, key in ((date(1999, 1, 1), "invalid_date"), (date(2026, 1, 1), "future_date")):
        with pytest.raises(LedgerError) as caught:
            service.propose_disbursement(funds, {**data, "paid_on": bad}, now=NOW)
        assert (caught.value.key, caught.value.field) == (key, "paid_on")


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("Xã Đồng Đăng", "Hội Khuyến học xã Đồng Đăng"),
        ("Phường Cửa Nam", "Hội Khuyến học phường Cửa Nam"),
        ("Thị trấn Đồng Đăng", "Hội Khuyến học thị trấn Đồng Đăng"),
        ("Tỉnh Lạng Sơn", "Hội Khuyến học tỉnh Lạng Sơn"),
        ("Thôn Nà Pàn", "Chi hội Khuyến học thôn Nà Pàn"),
        ("Chi hội Khối 1", "Chi hội Khối 1"),
        ("Đồng Đăng", "Hội Khuyến học Đồng Đăng"),
    ],
)
def test_the_issuing_body_of_a_units_documents(name, body):
    from services.fund.documents import issuing_body

    assert issuing_body(name) == body
