"""The fund's ledger by example: exact đồng, no overdraft, corrections by reversal, transfers.
Whether a fund may book a transaction is decided by the one gate, ``domain.admit``, against the
fund's stored state (the same gate production posts through)."""

import subprocess
import sys
from datetime import date

import pytest

from khuyenhoc.tenancy import UnitPath
from services.fund.domain import FundState, admit
from services.fund.ledger import (
    MAX_AMOUNT,
    Account,
    Discrepancy,
    Entry,
    InsufficientFunds,
    LedgerError,
    Purpose,
    ReceiptNumber,
    Transaction,
    balance,
    cash_account,
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
from services.fund.messages import refusal_text

D = date(2024, 3, 1)
COMMUNE, DISTRICT = "xa-06184", "huyen-186"


def _entries(*transactions: Transaction) -> list[Entry]:
    return [e for t in transactions for e in t.entries]


def _state(balance: int = 0, last_day: date | None = None, fund: str = COMMUNE) -> FundState:
    return FundState(fund, "20", "06184", UnitPath.parse("20/183/06184"), balance, last_day)


def _gift(amount: int, fund: str = COMMUNE) -> Transaction:
    return donation("d1", fund, D, amount, description="Ủng hộ đầu năm")


def test_a_donation_of_tens_of_trillions_keeps_every_dong():
    amount = 45_000_000_000_123
    entries = _entries(_gift(amount))
    assert fund_balance(entries, COMMUNE) == amount
    assert balance(entries, Account(COMMUNE, "donations.cash")) == amount
    assert isinstance(fund_balance(entries, COMMUNE), int)
    payment = disbursement("c1", COMMUNE, D, 123, purpose=Purpose.SCHOLARSHIP)
    assert admit(_state(amount), payment) == -123
    paid = _entries(_gift(amount), payment)
    assert fund_balance(paid, COMMUNE) == 45_000_000_000_000
    assert trial_balance(paid)


@pytest.mark.parametrize("bad", [0, -1, 1.5, 10.0, True, "100", MAX_AMOUNT + 1])
def test_amounts_are_positive_int64_dong(bad):
    with pytest.raises(LedgerError) as refused:
        donation("d1", COMMUNE, D, bad)
    assert refused.value.key in {"amount_not_integer", "amount_not_positive", "amount_too_large"}
    assert "Số tiền" in refusal_text(refused.value.key, refused.value.params)


def test_the_largest_int64_amount_is_accepted_and_a_balance_cannot_exceed_it():
    assert admit(_state(0), _gift(MAX_AMOUNT)) == MAX_AMOUNT
    with pytest.raises(LedgerError) as refused:
        admit(_state(MAX_AMOUNT), membership_fee("f1", COMMUNE, D, 1))
    assert refused.value.key == "balance_too_large"


def test_a_disbursement_larger_than_the_balance_is_refused():
    with pytest.raises(InsufficientFunds) as refused:
        admit(_state(1_000_000), disbursement("c1", COMMUNE, D, 1_000_001, purpose="award"))
    assert refused.value.key == "insufficient_funds"
    assert refusal_text(refused.value.key, refused.value.params) == (
        "Quỹ 06184 không đủ số dư: hiện còn 1.000.000 đồng, không thể chi 1.000.001 đồng."
    )
    # exactly the balance can be paid
    assert admit(_state(1_000_000), disbursement("c1", COMMUNE, D, 1_000_000, purpose="award"))


def test_a_payment_comes_after_every_movement_already_booked():
    """A payment dated before the fund's latest movement could make an already published
    statement show a negative balance on some day: it is refused whatever the balance."""
    state = _state(100, last_day=date(2024, 3, 1))
    with pytest.raises(LedgerError) as early:
        admit(state, disbursement("c1", COMMUNE, date(2024, 2, 29), 50, purpose="award"))
    assert early.value.key == "payment_before_last_movement"
    assert refusal_text(early.value.key, early.value.params).endswith("(01/03/2024).")
    assert admit(state, disbursement("c1", COMMUNE, date(2024, 3, 1), 100, purpose="award"))
    # money in may be back-dated: it never takes a day's balance below zero
    assert admit(state, donation("d2", COMMUNE, date(2024, 1, 1), 5)) == 5


def test_the_gate_books_only_the_funds_own_transactions():
    with pytest.raises(LedgerError) as foreign:
        admit(_state(10), donation("d1", DISTRICT, D, 5))
    assert foreign.value.key == "wrong_fund"


def test_reversal_restores_the_balance_and_is_the_mirror():
    gift = _gift(2_000_000)
    payment = disbursement("c1", COMMUNE, D, 750_000, purpose=Purpose.SPONSORSHIP, reference="hs-1")
    assert fund_balance(_entries(gift, payment), COMMUNE) == 1_250_000
    undo = reversal(payment, date(2024, 3, 5), "Chi nhầm đối tượng")
    assert (undo.debit, undo.credit, undo.amount) == (payment.credit, payment.debit, 750_000)
    assert undo.reverses == "c1" and undo.reference == "hs-1" and undo.id == "c1/reversal"
    assert admit(_state(1_250_000, D), undo) == 750_000
    entries = _entries(gift, payment, undo)
    assert fund_balance(entries, COMMUNE) == 2_000_000
    assert balance(entries, Account(COMMUNE, "disbursements.sponsorship")) == 0


def test_a_reversal_cannot_be_reversed():
    undo = reversal(_gift(1_000), D, "Nhập trùng")
    with pytest.raises(LedgerError) as of_reversal:
        reversal(undo, D, "Đảo lại")
    assert of_reversal.value.key == "reversal_of_reversal"
    assert refusal_text("reversal_of_reversal", {}) == "Không thể đảo một bút toán đảo."


def test_reversing_a_donation_already_spent_is_refused():
    with pytest.raises(InsufficientFunds):
        admit(_state(400, D), reversal(_gift(1_000), D, "Nhà hảo tâm rút lại"))


def test_a_reversal_needs_a_reason_and_a_date_not_before_the_original():
    original = donation("d1", COMMUNE, D, 10)
    with pytest.raises(LedgerError) as no_reason:
        reversal(original, D, "  ")
    assert "lý do" in refusal_text(no_reason.value.key, no_reason.value.params)
    with pytest.raises(LedgerError) as early:
        reversal(original, date(2024, 2, 28), "Sai")
    assert early.value.key == "reversal_before_original"


def test_a_transfer_moves_money_between_funds_and_the_province_total_is_unchanged():
    gifts = (_gift(10_000_000_000, COMMUNE), donation("d2", DISTRICT, D, 5_000_000))
    total = 10_005_000_000
    out, into = transfer(COMMUNE, DISTRICT, "t1", D, 3_000_000_000, description="Nộp quỹ huyện")
    assert out.reference == into.reference == "t1"
    assert (out.id, into.id) == ("t1/out", "t1/in")
    assert admit(_state(10_000_000_000), out) == -3_000_000_000
    entries = _entries(*gifts, out, into)
    assert fund_balance(entries, COMMUNE) == 7_000_000_000
    assert fund_balance(entries, DISTRICT) == 3_005_000_000
    assert fund_balance(entries, COMMUNE) + fund_balance(entries, DISTRICT) == total
    assert trial_balance(entries)
    back = _entries(*gifts, out, into, reversal(out, D, "Sai"), reversal(into, D, "Sai"))
    assert fund_balance(back, COMMUNE) == 10_000_000_000
    assert fund_balance(back, DISTRICT) == 5_000_000


def test_a_transfer_needs_two_funds_and_the_money():
    with pytest.raises(LedgerError) as same:
        transfer(COMMUNE, COMMUNE, "t1", D, 1)
    assert same.value.key == "same_fund_transfer"
    out, _ = transfer(COMMUNE, DISTRICT, "t1", D, 100)
    with pytest.raises(InsufficientFunds):
        admit(_state(99), out)


def test_reconcile_reports_funds_whose_stored_balance_is_not_the_sum_of_entries():
    entries = _entries(_gift(1_000), donation("d2", DISTRICT, D, 500))
    assert reconcile(entries, {COMMUNE: 1_000, DISTRICT: 500}) == []
    assert reconcile(entries, {COMMUNE: 999, "other": 7}) == [
        Discrepancy(DISTRICT, 0, 500),
        Discrepancy("other", 7, 0),
        Discrepancy(COMMUNE, 999, 1_000),
    ]
    assert reconcile(entries, {COMMUNE: 999, DISTRICT: 500})[0].difference == -1


def test_award_statement_416_students_76_180_000_dong():
    """ "416 lượt học sinh giỏi được khen thưởng với số tiền 76.180.000 đồng"."""
    income = (
        donation("d1", COMMUNE, date(2023, 12, 20), 50_000_000, reference="ung-ho-1"),
        donation("d2", COMMUNE, date(2024, 1, 5), 40_000_000, kind="in_kind"),
        membership_fee("f1", COMMUNE, date(2024, 1, 6), 3_000_000),
        other_income("i1", COMMUNE, date(2024, 6, 30), 180_000, description="Lãi tiền gửi"),
    )
    # 416 awards: 180 × 200.000 + 236 × 170.000, the last one 60.000 more: exactly 76.180.000
    amounts = [200_000] * 180 + [170_000] * 236
    amounts[-1] += 76_180_000 - sum(amounts)
    assert len(amounts) == 416 and sum(amounts) == 76_180_000
    awards = (
        disbursement(f"kt-{i}", COMMUNE, date(2024, 5, 20), a, purpose=Purpose.AWARD)
        for i, a in enumerate(amounts)
    )
    entries = _entries(*income, *awards)
    s = statement(entries, COMMUNE, date(2024, 1, 1), date(2024, 12, 31))
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
    assert s.closing == fund_balance(entries, COMMUNE)


def test_a_reversal_corrects_its_line_in_the_period_it_is_made():
    award = disbursement("kt-1", COMMUNE, date(2024, 5, 20), 200_000, purpose="award")
    entries = _entries(_gift(1_000_000), award, reversal(award, date(2024, 7, 1), "Trùng"))
    first = statement(entries, COMMUNE, date(2024, 1, 1), date(2024, 6, 30))
    second = statement(entries, COMMUNE, date(2024, 7, 1), date(2024, 12, 31))
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
    assert refused.value.key == "invalid_period"
    assert refusal_text("invalid_period", {}) == "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."


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
    state = _state(2_147_483_655, last_day=date(2024, 1, 2))
    with pytest.raises(LedgerError) as refused:
        admit(state, disbursement("c1", COMMUNE, date(2024, 1, 1), 1, purpose="scholarship"))
    assert refused.value.key == "payment_before_last_movement"
