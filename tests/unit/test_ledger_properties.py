"""Invariants of the ledger over any history the domain accepts: no fund below zero, double entry,
statements that add up over any split of the period, reconciliation, and full reversal."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.fund.ledger import (
    DonationKind,
    Kind,
    Ledger,
    LedgerError,
    Purpose,
    disbursement,
    donation,
    fund_balance,
    membership_fee,
    reconcile,
    reversal,
    statement,
    transfer,
    trial_balance,
)

SETTINGS = settings(max_examples=60, deadline=None)
FUNDS = ("xa-a", "xa-b", "huyen")
START = date(2024, 1, 1)
DAYS = 366

funds = st.sampled_from(FUNDS)
days = st.integers(0, DAYS - 1)
amounts = st.one_of(st.integers(1, 10**6), st.integers(1, 10**15), st.just(2**31 + 7))
percents = st.integers(1, 120)  # a payment as a share of the balance, sometimes more than it

operations = st.one_of(
    st.tuples(st.just("donate"), funds, days, amounts, st.sampled_from(list(DonationKind))),
    st.tuples(st.just("fee"), funds, days, amounts),
    st.tuples(st.just("pay"), funds, days, percents, st.sampled_from(list(Purpose))),
    st.tuples(st.just("transfer"), funds, funds, days, percents),
    st.tuples(st.just("reverse"), st.integers(0, 10**6), st.integers(0, 30)),
)


def _day(n: int) -> date:
    return START + timedelta(days=n)


def _share(ledger: Ledger, fund: str, percent: int) -> int:
    return max(1, fund_balance(ledger.entries, fund) * percent // 100)


def _apply(ledger: Ledger, op: tuple, n: int) -> Ledger:
    """One operation; refused ones leave the ledger as it was (that is part of the contract)."""
    tid = f"t{n}"
    match op:
        case ("donate", fund, day, amount, kind):
            txs = (donation(tid, fund, _day(day), amount, kind=kind),)
        case ("fee", fund, day, amount):
            txs = (membership_fee(tid, fund, _day(day), amount),)
        case ("pay", fund, day, percent, purpose):
            amount = _share(ledger, fund, percent)
            txs = (disbursement(tid, fund, _day(day), amount, purpose=purpose),)
        case ("transfer", source, target, day, percent):
            if source == target:
                return ledger
            txs = transfer(source, target, tid, _day(day), _share(ledger, source, percent))
        case ("reverse", index, later):
            originals = [t for t in ledger.transactions if t.reverses is None]
            if not originals:
                return ledger
            original = originals[index % len(originals)]
            when = original.date + timedelta(days=later)
            txs = (reversal(original, when, "Sửa sai"),)
            if original.kind in (Kind.TRANSFER_OUT, Kind.TRANSFER_IN):
                legs = [t for t in originals if t.reference == original.reference]
                txs = tuple(reversal(t, when, "Sửa sai") for t in legs)
        case _:
            raise AssertionError(op)
    before = ledger
    try:
        return ledger.post(*txs)
    except LedgerError:
        assert ledger == before
        return ledger


histories = st.lists(operations, min_size=1, max_size=40)


def _build(ops) -> Ledger:
    ledger = Ledger()
    for n, op in enumerate(ops):
        ledger = _apply(ledger, op, n)
    return ledger


def _balances(ledger: Ledger) -> dict[str, int]:
    return {f: fund_balance(ledger.entries, f) for f in FUNDS}


@SETTINGS
@given(histories)
def test_no_fund_is_ever_below_zero_and_debits_equal_credits(ops):
    ledger = Ledger()
    total_in = 0
    for n, op in enumerate(ops):
        ledger = _apply(ledger, op, n)
        assert all(b >= 0 for b in _balances(ledger).values())
        assert trial_balance(ledger.entries)
    for t in ledger.transactions:
        debit, credit = t.entries
        assert debit.amount == credit.amount == t.amount > 0
        if t.kind in (Kind.DONATION, Kind.MEMBERSHIP_FEE):
            total_in += t.amount
    # transfers move money, they never create it
    assert sum(_balances(ledger).values()) <= total_in


@SETTINGS
@given(histories, st.integers(0, DAYS - 1), st.integers(0, DAYS - 1), st.integers(0, DAYS + 30))
def test_statements_add_up_over_any_split_of_the_period(ops, a, b, c):
    ledger = _build(ops)
    first, split, last = sorted((a, b, c))
    for fund in FUNDS:
        whole = statement(ledger.entries, fund, _day(first), _day(last))
        left = statement(ledger.entries, fund, _day(first), _day(split))
        parts = [whole, left]
        if split < last:
            right = statement(ledger.entries, fund, _day(split + 1), _day(last))
            parts.append(right)
        for s in parts:
            assert s.opening + s.total_in - s.total_out == s.closing
            assert s.opening >= 0 and s.closing >= 0
        assert whole.opening == left.opening
        if split < last:
            assert left.closing == right.opening
            assert right.closing == whole.closing
            for line, amount in whole.money_in.items():
                assert amount == left.money_in[line] + right.money_in[line]
            for line, amount in whole.money_out.items():
                assert amount == left.money_out[line] + right.money_out[line]
                assert whole.count_out[line] == left.count_out[line] + right.count_out[line]
        everything = statement(ledger.entries, fund, _day(-1), _day(DAYS + 40))
        assert everything.opening == 0
        assert everything.closing == fund_balance(ledger.entries, fund)


@SETTINGS
@given(histories)
def test_reconciling_computed_balances_finds_no_discrepancy(ops):
    ledger = _build(ops)
    balances = _balances(ledger)
    assert reconcile(ledger.entries, balances) == []
    if any(balances.values()):
        fund = next(f for f, b in balances.items() if b)
        wrong = {**balances, fund: balances[fund] - 1}
        [found] = reconcile(ledger.entries, wrong)
        assert (found.fund_id, found.difference) == (fund, -1)


@SETTINGS
@given(histories)
def test_reversing_everything_returns_every_balance_to_zero(ops):
    ledger = _build(ops)
    reversed_ids = {t.reverses for t in ledger.transactions if t.reverses}
    pending = [t for t in ledger.transactions if t.reverses is None and t.id not in reversed_ids]
    when = _day(DAYS + 31)
    # money paid out comes back first, so taking the income back never overdraws a fund
    pending.sort(key=lambda t: not t.pays_out)
    ledger = ledger.post(*(reversal(t, when, "Đảo toàn bộ") for t in pending))
    assert _balances(ledger) == dict.fromkeys(FUNDS, 0)
    assert trial_balance(ledger.entries)
    for fund in FUNDS:
        s = statement(ledger.entries, fund, START, when)
        assert s.closing == 0 and s.total_in == s.total_out
