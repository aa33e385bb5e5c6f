"""The fund's rules around the ledger: planning movements against a fund's state, the figures
they move, and what the public may see."""

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.contracts import validate_event
from khuyenhoc.tenancy import UnitPath
from services.fund import domain, publication
from services.fund.ledger import InsufficientFunds, LedgerError
from services.fund.records import Disbursement, Donation

NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)
TODAY = date(2024, 12, 20)
COMMUNE = UnitPath.parse("20/183/06184")


def state(**changes):
    base = {
        "id": "20:06184",
        "tenant": "20",
        "unit_code": "06184",
        "unit_path": COMMUNE,
    }
    return domain.FundState(**{**base, **changes})


def donation(**changes):
    return {
        "tenant": "20",
        "idempotency_key": "key-0001",
        "donor": {
            "name": "Trần Thị Mai",
            "kind": "person",
            "anonymous": True,
            "email": "mai@example.invalid",
            "phone": None,
        },
        "amount": 5_000_000_000,
        "kind": "cash",
        "channel": "vietqr",
        "purpose": "general",
        "received_on": date(2024, 10, 2),
        "content": "h",
        **changes,
    }


def test_a_donation_takes_the_next_receipt_number_of_its_year():
    posting = domain.plan_donation(state(receipts={"2024": 41}), donation(), NOW, TODAY)
    assert posting.result["receiptNumber"] == "06184-2024-000042"
    assert posting.receipt_year == 2024 and posting.balance_change == 5_000_000_000
    event = posting.event
    validate_event(event)
    assert event["data"]["amount"] == "5000000000"  # exact for JavaScript consumers
    assert event["data"]["donor"] == {"kind": "person"}  # never who: no name, no contact
    counters = {c["id"]: c["increments"] for c in posting.counters}
    assert counters["20|20/183/06184|2024"] == {
        "cash_net": 5_000_000_000,
        "donations_total": 5_000_000_000,
        "donations_count": 1,
    }
    assert len([c for c in posting.counters if c["collection"] == "donors"]) == 3  # 20, 183, 06184


def test_branch_receipts_drop_the_hyphen():
    branch = state(
        id="20:06184-001", unit_code="06184-001", unit_path=UnitPath.parse("20/183/06184/06184-001")
    )
    assert domain.plan_donation(branch, donation(), NOW, TODAY).result["receiptNumber"] == (
        "06184001-2024-000001"
    )


def test_future_donations_are_refused():
    with pytest.raises(LedgerError) as refused:
        domain.plan_donation(state(), donation(received_on=date(2024, 12, 21)), NOW, TODAY)
    assert refused.value.key == "future_date"


def test_payments_need_the_money_and_come_after_the_last_movement():
    with pytest.raises(InsufficientFunds):
        domain.check_pay_out(state(balance=99), 100, TODAY)
    with pytest.raises(LedgerError) as early:
        domain.check_pay_out(state(balance=1000, last_day=TODAY), 100, date(2024, 12, 1))
    assert early.value.key == "payment_before_last_movement"
    domain.check_pay_out(state(balance=100, last_day=TODAY), 100, TODAY)


def test_a_disbursement_event_names_a_minor_by_initials_and_school():
    proposal = Disbursement(
        id="p-1",
        tenant="20",
        fund_id="20:06184",
        unit_code="06184",
        unitpath="20/183/06184",
        amount=500_000,
        purpose="award",
        beneficiary={
            "kind": "student",
            "name": "Đặng Thị Ánh",
            "school": "THCS Đồng Đăng",
            "grade": "8",
        },
        status="PROPOSED",
    )
    posting = domain.plan_disbursement(
        state(balance=1_000_000), proposal, {"paid_on": TODAY, "by": "chair"}, NOW
    )
    validate_event(posting.event)
    assert posting.event["data"]["beneficiary"]["publicName"] == "Đ.T.Á. – THCS Đồng Đăng"
    assert "Đặng" not in str(posting.event)


@pytest.mark.parametrize(
    ("beneficiary", "shown"),
    [
        (
            {"kind": "student", "name": "Nguyễn Văn An", "school": "THPT Cao Lộc"},
            "N.V.A. – THPT Cao Lộc",
        ),
        ({"kind": "student", "name": "Nguyễn Văn An", "birth_year": 2000}, "Nguyễn Văn An"),
        ({"kind": "student", "name": "Nguyễn Văn An", "birth_year": 2010}, "N.V.A."),
        (
            {"kind": "teacher", "name": "Lê Thị Hoa", "school": "TH Đồng Đăng"},
            "Lê Thị Hoa – TH Đồng Đăng",
        ),
    ],
)
def test_minors_are_shown_by_initials(beneficiary, shown):
    assert publication.public_beneficiary(beneficiary, TODAY) == shown


def test_stats_sum_a_range_and_close_with_the_last_year_balance():
    counters = [
        {"year": 2023, "donations_total": 10, "donations_count": 1, "cash_net": 10},
        {
            "year": 2024,
            "donations_total": 5,
            "donations_count": 1,
            "cash_net": -3,
            "disbursed_total": 8,
            "awards_count": 2,
        },
        {"year": 2025, "donations_total": 7, "donations_count": 1, "cash_net": 7},
    ]
    assert domain.stats_totals(counters, 2024, 2024)["balance"] == 7
    both = domain.stats_totals(counters, 2023, 2024)
    assert (both["donations_total"], both["awards_count"], both["balance"]) == (15, 2, 7)


def _donation(fields: dict) -> Donation:
    return Donation(
        id=fields["receipt_number"],
        tenant="20",
        fund_id="20:06184",
        unit_code="06184",
        unitpath="20/183/06184",
        receipt_year=2024,
        receipt_sequence=int(fields["receipt_number"][-6:]),
        channel="cash",
        **fields,
    )


def test_public_donors_respect_anonymity_and_the_threshold():
    gifts = [
        {
            "donor": {"name": "Công ty ABC", "anonymous": False},
            "amount": 2_000_000,
            "received_on": "2024-10-02",
            "receipt_number": "06184-2024-000001",
            "kind": "cash",
            "status": "RECORDED",
        },
        {
            "donor": {"name": "Bà Mai", "anonymous": True},
            "amount": 3_000_000,
            "received_on": "2024-10-03",
            "receipt_number": "06184-2024-000002",
            "kind": "cash",
            "status": "RECORDED",
        },
        {
            "donor": {"name": "Ông Nhỏ", "anonymous": False},
            "amount": 100_000,
            "received_on": "2024-10-03",
            "receipt_number": "06184-2024-000003",
            "kind": "cash",
            "status": "RECORDED",
        },
    ]
    shown = publication.public_donors(map(_donation, gifts), 1_000_000)
    assert [d["name"] for d in shown] == ["Nhà hảo tâm ẩn danh", "Công ty ABC"]
    again = {**gifts[2], "amount": 900_000, "receipt_number": "06184-2024-000004"}
    # 100,000 + 900,000 together
    shown = publication.public_donors(map(_donation, [*gifts, again]), 1_000_000)
    small = next(d for d in shown if d["name"] == "Ông Nhỏ")
    assert (small["amount"], small["count"]) == (1_000_000, 2)
    assert small["receipts"] == ["06184-2024-000003", "06184-2024-000004"]


def test_donor_keys_ignore_diacritics_but_not_anonymity():
    assert publication.donor_key("person", "Nguyễn Văn Hảo", False) == publication.donor_key(
        "person", "nguyen  van hao", False
    )
    assert publication.donor_key("person", "Nguyễn Văn Hảo", False) != publication.donor_key(
        "person", "Nguyễn Văn Hảo", True
    )
