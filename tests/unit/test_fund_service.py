"""The fund's use cases on the in-memory store (no server): idempotent movements, refusals with
keys and snake_case fields, reversals, transfers, fees, reading, and how the edge words a
refusal. Concurrency and crashes are the MongoDB store's (tests/integration/test_fund_store.py)."""

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.tenancy import UnitPath
from services.fund import answers, service
from services.fund.ledger import LedgerError
from services.fund.schemas import refused
from tests.fakes_fund import InMemoryFunds

NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)
COMMUNE = {
    "code": "06184",
    "path": "20/183/06184",
    "name": "Thị trấn Đồng Đăng",
    "level": "commune",
}
DISTRICT = {"code": "183", "path": "20/183", "name": "Huyện Cao Lộc", "level": "district"}
BRANCH = {
    "code": "06184-001",
    "path": "20/183/06184/06184-001",
    "name": "Chi hội Khối 1",
    "level": "branch",
}


@pytest.fixture
def funds():
    return InMemoryFunds("20")


def donate(funds, key, amount, on=date(2024, 10, 2), **donor):
    data = {
        "tenant": "20",
        "unit": COMMUNE,
        "idempotency_key": key,
        "donor": {"name": "Nguyễn Văn Hảo", "kind": "person", "anonymous": False, **donor},
        "amount": amount,
        "received_on": on,
    }
    return service.record_donation(funds, data, now=NOW)


def pay(funds, amount, by="chair", **approval):
    proposal = service.propose_disbursement(
        funds,
        {
            "tenant": "20",
            "unit": COMMUNE,
            "amount": amount,
            "purpose": "scholarship",
            "beneficiary": {"kind": "student", "name": "Nguyễn Văn An", "school": "THCS"},
            "by": "officer",
        },
        now=NOW,
    )
    data = {"tenant": "20", "disbursement_id": proposal.id, "by": by, **approval}
    return service.approve_disbursement(funds, data, now=NOW)


def balance(funds, unit=COMMUNE):
    return service.fund_view(funds, unit).balance


def test_a_donation_counts_once_per_key_and_numbers_receipts_without_gaps(funds):
    first = donate(funds, "key-00000001", 5_000)
    again = donate(funds, "key-00000001", 5_000)
    second = donate(funds, "key-00000002", 7)
    assert (first.created, again.created, second.created) == (True, False, True)
    assert again.record == first.record
    assert [first.record.receipt_number, second.record.receipt_number] == [
        "06184-2024-000001",
        "06184-2024-000002",
    ]
    assert donate(funds, "key-00000003", 1, on=date(2023, 5, 1)).record.receipt_number == (
        "06184-2023-000001"
    )
    with pytest.raises(LedgerError) as changed:
        donate(funds, "key-00000001", 4_000)
    assert (changed.value.key, changed.value.field) == ("idempotency_conflict", "idempotency_key")
    assert balance(funds) == 5_008


def test_a_future_day_is_refused_on_its_field(funds):
    with pytest.raises(LedgerError) as future:
        donate(funds, "key-00000004", 10, on=date(2024, 12, 21))
    assert (future.value.key, future.value.field) == ("future_date", "received_on")
    with pytest.raises(LedgerError) as paid_later:
        pay(funds, 1, paid_on=date(2025, 1, 1))
    assert (paid_later.value.key, paid_later.value.field) == ("future_date", "paid_on")


def test_payments_never_overdraw_and_the_proposer_does_not_approve(funds):
    donate(funds, "gift-0000001", 1_000_000)
    with pytest.raises(LedgerError) as own:
        pay(funds, 10, by="officer")
    assert (own.value.key, own.value.field) == ("own_proposal", "disbursement_id")
    with pytest.raises(LedgerError) as short:
        pay(funds, 1_000_001)
    assert (short.value.key, short.value.field) == ("insufficient_funds", "amount")
    paid = pay(funds, 1_000_000)
    assert paid.created and paid.record.status == "APPROVED" and balance(funds) == 0
    again = service.approve_disbursement(
        funds, {"tenant": "20", "disbursement_id": paid.record.id, "by": "chair"}, now=NOW
    )
    assert not again.created and balance(funds) == 0


def test_a_movement_is_reversed_once_and_a_reversal_may_not_overdraw(funds):
    gift = donate(funds, "gift-0000002", 1_000).record
    paid = pay(funds, 600).record

    def reverse(ident):
        data = {"tenant": "20", "entry_id": ident, "reason": "Nhập nhầm"}
        return service.reverse_entry(funds, data, now=NOW)

    with pytest.raises(LedgerError) as spent:
        reverse(gift.id)
    assert spent.value.key == "insufficient_funds"
    undo = reverse(paid.id)
    assert (undo.reverses, undo.amount, balance(funds)) == (paid.id, 600, 1_000)
    with pytest.raises(LedgerError) as twice:
        reverse(paid.id)
    assert (twice.value.key, twice.value.params) == (
        "already_reversed",
        {"transaction_id": paid.id},
    )
    assert service.proposal(funds, paid.id).status == "REVERSED"
    reverse(gift.id)
    assert balance(funds) == 0
    assert service.donations(funds, "06184", None, 10).items[0].status == "REVERSED"
    assert service.honour_roll(funds, "06184", 2024) == []
    with pytest.raises(LedgerError) as unknown:
        reverse("d-unknown")
    assert unknown.value.key == "entry_not_found"


def test_a_transfer_moves_money_once_and_is_reversed_in_both_funds(funds):
    donate(funds, "gift-0000003", 3_000_000)
    request = {
        "tenant": "20",
        "source": COMMUNE,
        "target": DISTRICT,
        "idempotency_key": "transfer-0001",
        "amount": 1_000_000,
    }
    moved = service.record_transfer(funds, request, now=NOW)
    assert not service.record_transfer(funds, request, now=NOW).created
    assert (balance(funds), balance(funds, DISTRICT)) == (2_000_000, 1_000_000)
    assert answers.TransferAnswer().dump(moved.record) == {
        "id": moved.record.id,
        "fromUnitCode": "06184",
        "toUnitCode": "183",
        "amount": 1_000_000,
        "on": "2024-12-20",
    }
    with pytest.raises(LedgerError) as same:
        service.record_transfer(funds, {**request, "target": COMMUNE}, now=NOW)
    assert (same.value.key, same.value.field) == ("same_fund_transfer", "to_unit_code")
    data = {"tenant": "20", "entry_id": moved.record.id, "reason": "Sai"}
    service.reverse_entry(funds, data, now=NOW)
    assert (balance(funds), balance(funds, DISTRICT)) == (3_000_000, 0)
    assert service.reconcile(funds).discrepancies == []


def test_fees_go_to_a_branch_once_a_year(funds):
    fee = {"tenant": "20", "unit": BRANCH, "member_id": "mb-1", "year": 2024, "amount": 50_000}
    assert service.record_fee(funds, fee, now=NOW).created
    assert not service.record_fee(funds, fee, now=NOW).created
    with pytest.raises(LedgerError) as other:
        service.record_fee(funds, {**fee, "amount": 60_000}, now=NOW)
    assert (other.value.key, other.value.field) == ("fee_conflict", "amount")
    with pytest.raises(LedgerError) as commune:
        service.record_fee(funds, {**fee, "unit": COMMUNE}, now=NOW)
    assert (commune.value.key, commune.value.field) == ("fee_branch_only", "unit_code")
    figures = service.stats(funds, UnitPath.parse("20"), 2024, 2024)
    assert (figures["fees_total"], figures["balance"]) == (50_000, 50_000)


def test_reading_a_fund_pages_receipts_and_the_public_statement(funds):
    for n in range(3):
        donate(funds, f"page-000000{n}", 1_000_000 + n, anonymous=n == 1, email="a@b.vn")
    first = service.donations(funds, "06184", None, 2)
    rest = service.donations(funds, "06184", first.next_cursor, 2)
    assert len(first.items) == 2 and first.next_cursor and rest.next_cursor is None
    assert [d.receipt_number[-1] for d in first.items + rest.items] == ["1", "2", "3"]
    receipt = service.receipt(funds, first.items[0].id)
    dumped = answers.ReceiptAnswer().dump(receipt)
    assert (dumped["receiptNumber"], dumped["unitName"]) == (
        "06184-2024-000001",
        "Thị trấn Đồng Đăng",
    )
    assert service.contact(funds, first.items[0].id)["email"] == "a@b.vn"
    assert service.contact(funds, "d-unknown") is None
    public = service.public_statement(funds, COMMUNE, date(2024, 1, 1), date(2024, 12, 31), 1)
    assert public.lines["closing"] == 3_000_003
    assert "Nhà hảo tâm ẩn danh" in [d["name"] for d in public.donors]
    assert "a@b.vn" not in str(public)
    dumped = answers.PublicStatementAnswer().dump(public)
    assert (dumped["unitCode"], dumped["closing"], dumped["donors"]) == (
        "06184",
        3_000_003,
        public.donors,
    )
    with pytest.raises(LedgerError) as inverted:
        service.statement(funds, "06184", date(2024, 2, 1), date(2024, 1, 1))
    assert (inverted.value.key, inverted.value.field) == ("invalid_period", "from")


def test_the_edge_words_a_refusal_with_wire_names_and_vietnamese_text(funds):
    donate(funds, "gift-0000009", 999)
    with pytest.raises(LedgerError) as short:
        pay(funds, 1_000)
    [error] = refused(short.value).errors
    assert (error.field, error.key) == ("amount", "insufficient_funds")
    assert error.message == "Quỹ 06184 không đủ số dư: hiện còn 999 đồng, không thể chi 1.000 đồng."
    with pytest.raises(LedgerError) as future:
        pay(funds, 1, paid_on=date(2025, 1, 1))
    [error] = refused(future.value).errors
    assert (error.field, error.message) == ("paidOn", "Ngày chi không được sau hôm nay.")
    with pytest.raises(LedgerError) as key:
        donate(funds, "gift-0000009", 1)
    [error] = refused(key.value).errors
    assert error.field == "idempotencyKey" and error.message.startswith("Mã chống trùng")
