"""The fund's ledger by example: exact đồng, no overdraft, corrections by reversal, transfers."""

import subprocess
import sys
from datetime import date

import pytest

from services.fund.ledger import (
    MAX_AMOUNT,
    Account,
    Discrepancy,
    InsufficientFunds,
    Ledger,
    LedgerError,
    Purpose,
    ReceiptNumber,
    balance,
    cash_account,
    check_can_pay,
    disbursement,
    donation,
    fund_balance,
    membership_fee,
    other_income,
    parse_receipt_number,
    receipt_number,
    reconcile,
    reversal,
    statement,
    transfer,
    trial_balance,
)

D = date(2024, 3, 1)
COMMUNE, DISTRICT = "xa-06184", "huyen-186"


def _funded(amount: int, fund: str = COMMUNE) -> Ledger:
    return Ledger().post(donation("d1", fund, D, amount, description="Ủng hộ đầu năm"))


def test_a_donation_of_tens_of_trillions_keeps_every_dong():
    amount = 45_000_000_000_123
    ledger = _funded(amount)
    assert fund_balance(ledger.entries, COMMUNE) == amount
    assert balance(ledger.entries, Account(COMMUNE, "donations.cash")) == amount
    assert isinstance(fund_balance(ledger.entries, COMMUNE), int)
    paid = ledger.post(disbursement("c1", COMMUNE, D, 123, purpose=Purpose.SCHOLARSHIP))
    assert fund_balance(paid.entries, COMMUNE) == 45_000_000_000_000
    assert trial_balance(paid.entries)


@pytest.mark.parametrize("bad", [0, -1, 1.5, 10.0, True, "100", MAX_AMOUNT + 1])
def test_amounts_are_positive_int64_dong(bad):
    with pytest.raises(LedgerError) as refused:
        donation("d1", COMMUNE, D, bad)
    assert refused.value.key in {"amount_not_integer", "amount_not_positive", "amount_too_large"}
    assert "Số tiền" in refused.value.message


def test_the_largest_int64_amount_is_accepted_and_a_balance_cannot_exceed_it():
    ledger = _funded(MAX_AMOUNT)
    assert fund_balance(ledger.entries, COMMUNE) == MAX_AMOUNT
    with pytest.raises(LedgerError) as refused:
        ledger.post(membership_fee("f1", COMMUNE, D, 1))
    assert refused.value.key == "balance_too_large"


def test_a_disbursement_larger_than_the_balance_is_refused_and_changes_nothing():
    ledger = _funded(1_000_000)
    with pytest.raises(InsufficientFunds) as refused:
        ledger.post(disbursement("c1", COMMUNE, D, 1_000_001, purpose="award"))
    assert refused.value.key == "insufficient_funds"
    assert refused.value.message == (
        "Quỹ xa-06184 không đủ số dư: hiện còn 1.000.000 đồng, không thể chi 1.000.001 đồng."
    )
    assert fund_balance(ledger.entries, COMMUNE) == 1_000_000
    assert len(ledger.transactions) == 1
    # exactly the balance can be paid
    paid = ledger.post(disbursement("c1", COMMUNE, D, 1_000_000, purpose="award"))
    assert fund_balance(paid.entries, COMMUNE) == 0


def test_a_batch_is_all_or_nothing():
    ledger = _funded(500)
    with pytest.raises(InsufficientFunds):
        ledger.post(
            disbursement("c1", COMMUNE, D, 300, purpose="award"),
            disbursement("c2", COMMUNE, D, 300, purpose="award"),
        )
    assert ledger.transactions == _funded(500).transactions


def test_a_back_dated_payment_must_be_covered_on_every_later_day():
    ledger = Ledger().post(
        donation("d1", COMMUNE, date(2024, 1, 1), 100),
        disbursement("c1", COMMUNE, date(2024, 2, 1), 100, purpose="award"),
        donation("d2", COMMUNE, date(2024, 3, 1), 100),
    )
    # the balance today is 100, but on 1 February it was 0
    with pytest.raises(InsufficientFunds):
        check_can_pay(ledger.entries, COMMUNE, 50, on=date(2024, 1, 15))
    check_can_pay(ledger.entries, COMMUNE, 100)
    check_can_pay(ledger.entries, COMMUNE, 100, on=date(2024, 3, 1))


def test_reversal_restores_the_balance_and_is_the_mirror():
    ledger = _funded(2_000_000)
    payment = disbursement("c1", COMMUNE, D, 750_000, purpose=Purpose.SPONSORSHIP, reference="hs-1")
    ledger = ledger.post(payment)
    assert fund_balance(ledger.entries, COMMUNE) == 1_250_000
    undo = reversal(payment, date(2024, 3, 5), "Chi nhầm đối tượng")
    assert (undo.debit, undo.credit, undo.amount) == (payment.credit, payment.debit, 750_000)
    assert undo.reverses == "c1" and undo.reference == "hs-1"
    ledger = ledger.post(undo)
    assert fund_balance(ledger.entries, COMMUNE) == 2_000_000
    assert balance(ledger.entries, Account(COMMUNE, "disbursements.sponsorship")) == 0
    assert ledger.reversal_of("c1") == undo


def test_reversing_twice_is_refused_and_a_reversal_cannot_be_reversed():
    ledger = _funded(1_000)
    original = ledger.get("d1")
    undo = reversal(original, D, "Nhập trùng")
    ledger = ledger.post(undo)
    with pytest.raises(LedgerError) as twice:
        ledger.post(reversal(original, D, "Nhập trùng lần nữa", id="r2"))
    assert twice.value.key == "already_reversed"
    with pytest.raises(LedgerError) as of_reversal:
        reversal(undo, D, "Đảo lại")
    assert of_reversal.value.key == "reversal_of_reversal"
    assert of_reversal.value.message == "Không thể đảo một bút toán đảo."


def test_reversing_a_donation_already_spent_is_refused():
    ledger = _funded(1_000).post(disbursement("c1", COMMUNE, D, 600, purpose="scholarship"))
    with pytest.raises(InsufficientFunds):
        ledger.post(reversal(ledger.get("d1"), D, "Nhà hảo tâm rút lại"))


def test_a_reversal_needs_a_reason_an_existing_original_and_a_date_not_before_it():
    original = donation("d1", COMMUNE, D, 10)
    with pytest.raises(LedgerError, match="lý do"):
        reversal(original, D, "  ")
    with pytest.raises(LedgerError) as early:
        reversal(original, date(2024, 2, 28), "Sai")
    assert early.value.key == "reversal_before_original"
    with pytest.raises(LedgerError) as unknown:
        Ledger().post(reversal(original, D, "Sai"))
    assert unknown.value.key == "unknown_transaction"


def test_a_transfer_moves_money_between_funds_and_the_province_total_is_unchanged():
    ledger = _funded(10_000_000_000, COMMUNE).post(donation("d2", DISTRICT, D, 5_000_000))
    total = fund_balance(ledger.entries, COMMUNE) + fund_balance(ledger.entries, DISTRICT)
    out, into = transfer(COMMUNE, DISTRICT, "t1", D, 3_000_000_000, description="Nộp quỹ huyện")
    assert out.reference == into.reference == "t1"
    ledger = ledger.post(out, into)
    assert fund_balance(ledger.entries, COMMUNE) == 7_000_000_000
    assert fund_balance(ledger.entries, DISTRICT) == 3_005_000_000
    assert fund_balance(ledger.entries, COMMUNE) + fund_balance(ledger.entries, DISTRICT) == total
    assert trial_balance(ledger.entries)
    # reversing a transfer: both legs together, never one alone
    with pytest.raises(LedgerError) as alone:
        ledger.post(reversal(into, D, "Chuyển nhầm"))
    assert alone.value.key == "unpaired_transfer"
    ledger = ledger.post(reversal(out, D, "Chuyển nhầm"), reversal(into, D, "Chuyển nhầm"))
    assert fund_balance(ledger.entries, COMMUNE) == 10_000_000_000
    assert fund_balance(ledger.entries, DISTRICT) == 5_000_000


def test_a_transfer_needs_two_funds_the_money_and_both_legs():
    with pytest.raises(LedgerError) as same:
        transfer(COMMUNE, COMMUNE, "t1", D, 1)
    assert same.value.key == "same_fund_transfer"
    out, into = transfer(COMMUNE, DISTRICT, "t1", D, 100)
    with pytest.raises(InsufficientFunds):
        _funded(99).post(out, into)
    with pytest.raises(LedgerError) as alone:
        _funded(100).post(out)
    assert alone.value.key == "unpaired_transfer"


def test_duplicate_ids_are_refused():
    with pytest.raises(LedgerError) as dup:
        _funded(10).post(membership_fee("d1", COMMUNE, D, 5))
    assert dup.value.key == "duplicate_transaction"


def test_reconcile_reports_funds_whose_stored_balance_is_not_the_sum_of_entries():
    ledger = _funded(1_000).post(donation("d2", DISTRICT, D, 500))
    assert reconcile(ledger.entries, {COMMUNE: 1_000, DISTRICT: 500}) == []
    assert reconcile(ledger.entries, {COMMUNE: 999, "other": 7}) == [
        Discrepancy(DISTRICT, 0, 500),
        Discrepancy("other", 7, 0),
        Discrepancy(COMMUNE, 999, 1_000),
    ]
    assert reconcile(ledger.entries, {COMMUNE: 999, DISTRICT: 500})[0].difference == -1


def test_award_statement_416_students_76_180_000_dong():
    """ "416 lượt học sinh giỏi được khen thưởng với số tiền 76.180.000 đồng"."""
    ledger = Ledger().post(
        donation("d1", COMMUNE, date(2023, 12, 20), 50_000_000, reference="ung-ho-1"),
        donation("d2", COMMUNE, date(2024, 1, 5), 40_000_000, kind="in_kind"),
        membership_fee("f1", COMMUNE, date(2024, 1, 6), 3_000_000),
        other_income("i1", COMMUNE, date(2024, 6, 30), 180_000, description="Lãi tiền gửi"),
    )
    # 416 awards: 180 × 200.000 + 236 × 170.000, the last one 60.000 more: exactly 76.180.000
    amounts = [200_000] * 180 + [170_000] * 236
    amounts[-1] += 76_180_000 - sum(amounts)
    assert len(amounts) == 416 and sum(amounts) == 76_180_000
    ledger = ledger.post(
        *(
            disbursement(f"kt-{i}", COMMUNE, date(2024, 5, 20), a, purpose=Purpose.AWARD)
            for i, a in enumerate(amounts)
        )
    )
    s = statement(ledger.entries, COMMUNE, date(2024, 1, 1), date(2024, 12, 31))
    assert s.opening == 50_000_000
    assert s.money_out["disbursements.award"] == 76_180_000
    assert s.count_out["disbursements.award"] == 416
    assert s.money_in == {
        "donations.cash": 0,
        "donations.in_kind": 40_000_000,
        "membership_fees": 3_000_000,
        "other_income": 180_000,
        "transfers_in": 0,
    }
    assert s.total_out == 76_180_000
    assert s.closing == 50_000_000 + 43_180_000 - 76_180_000 == 17_000_000
    assert s.opening + s.total_in - s.total_out == s.closing
    assert s.closing == fund_balance(ledger.entries, COMMUNE)


def test_a_reversal_corrects_its_line_in_the_period_it_is_made():
    award = disbursement("kt-1", COMMUNE, date(2024, 5, 20), 200_000, purpose="award")
    ledger = _funded(1_000_000).post(award)
    ledger = ledger.post(reversal(award, date(2024, 7, 1), "Trùng danh sách"))
    first = statement(ledger.entries, COMMUNE, date(2024, 1, 1), date(2024, 6, 30))
    second = statement(ledger.entries, COMMUNE, date(2024, 7, 1), date(2024, 12, 31))
    assert (first.money_out["disbursements.award"], first.count_out["disbursements.award"]) == (
        200_000,
        1,
    )
    assert (second.money_out["disbursements.award"], second.count_out["disbursements.award"]) == (
        -200_000,
        -1,
    )
    assert second.closing == 1_000_000


def test_a_statement_period_must_not_be_inverted():
    with pytest.raises(LedgerError) as refused:
        statement((), COMMUNE, date(2024, 2, 1), date(2024, 1, 1))
    assert refused.value.message == "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."


def test_receipt_numbers_round_trip():
    assert receipt_number("06184", 2024, 123) == "06184-2024-000123"
    assert receipt_number("06184", 2024, 1_234_567) == "06184-2024-1234567"
    assert parse_receipt_number("06184-2024-000123") == ReceiptNumber("06184", 2024, 123)
    assert str(ReceiptNumber("06184", 2024, 123)) == "06184-2024-000123"


@pytest.mark.parametrize(
    "text", ["06184-2024-123", "06184-24-000123", "06184-2024-000000", "0618-4-2024-000123", ""]
)
def test_malformed_receipt_numbers_are_refused(text):
    with pytest.raises(LedgerError) as refused:
        parse_receipt_number(text)
    assert refused.value.key == "invalid_receipt_number"


@pytest.mark.parametrize("args", [("", 2024, 1), ("06184", 2024, 0), ("0-1", 2024, 1)])
def test_receipt_number_parts_are_checked(args):
    with pytest.raises(LedgerError):
        receipt_number(*args)


def test_accounts_belong_to_one_fund_and_have_known_names():
    with pytest.raises(LedgerError):
        Account(COMMUNE, "petty_cash")
    with pytest.raises(LedgerError):
        disbursement("c1", COMMUNE, D, 1, purpose="party")
    with pytest.raises(LedgerError):
        donation("d1", COMMUNE, D, 1, kind="crypto")
    assert cash_account(COMMUNE) == Account(COMMUNE, "cash")


def test_the_ledger_imports_no_io_framework():
    probe = (
        "import sys, services.fund.ledger; "
        "print(','.join(m for m in ('eventlet','nameko','kombu','pymongo') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_payment_dated_before_the_money_arrived_is_refused():
    ledger = Ledger().post(donation("d1", COMMUNE, date(2024, 1, 2), 2_147_483_655))
    with pytest.raises(InsufficientFunds) as refused:
        ledger.post(disbursement("c1", COMMUNE, date(2024, 1, 1), 1, purpose="scholarship"))
    assert refused.value.available == 0
