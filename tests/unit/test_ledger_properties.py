"""Invariants of the fund over any history, driven through the production path: the use cases
(``service``), their plans (``domain.plan_*``) and the one gate every transaction passes
(``domain.admit``), committed by the in-memory store exactly as the MongoDB store commits them.
No fund below zero or beyond int64, double entry, stored balances equal to the entries, receipt
numbers without gaps, statements that add up over any split of the period, refused movements
that change nothing, and reversing everything brings every fund back to zero."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from khuyenhoc.tenancy import UnitPath
from services.fund import ledger, service
from services.fund.ledger import MAX_AMOUNT, DonationKind, Kind, LedgerError, Purpose
from tests.fakes_fund import InMemoryFunds

SETTINGS = settings(max_examples=60, deadline=None)
START = date(2024, 1, 1)
COMMUNE_A = {"code": "06184", "path": "20/183/06184", "name": "Đồng Đăng", "level": "commune"}
COMMUNE_B = {"code": "06187", "path": "20/183/06187", "name": "Phú Xá", "level": "commune"}
DISTRICT = {"code": "183", "path": "20/183", "name": "Cao Lộc", "level": "district"}
BRANCH = {
    "code": "06184-001",
    "path": "20/183/06184/06184-001",
    "name": "Chi hội Khối 1",
    "level": "branch",
}
UNITS = (COMMUNE_A, COMMUNE_B, DISTRICT, BRANCH)

units = st.sampled_from(UNITS)
gaps = st.integers(0, 20)  # days since the previous operation
amounts = st.one_of(st.integers(1, 10**6), st.integers(1, 10**15), st.just(2**31 + 7))
percents = st.integers(1, 120)  # a payment as a share of the balance, sometimes more than it

operations = st.one_of(
    st.tuples(st.just("donate"), units, gaps, amounts, st.sampled_from(list(DonationKind))),
    st.tuples(st.just("fee"), gaps, amounts),
    st.tuples(
        st.just("pay"), units, gaps, percents, st.sampled_from(list(Purpose)), st.integers(0, 3)
    ),
    st.tuples(st.just("transfer"), units, units, gaps, percents),
    st.tuples(st.just("reverse"), st.integers(0, 10**6), gaps),
    st.tuples(st.just("retry"), st.integers(0, 10**6)),
)
histories = st.lists(operations, min_size=1, max_size=30)


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)  # noon in Việt Nam


def _balance(funds: InMemoryFunds, unit: dict) -> int:
    return service.fund_view(funds, unit).balance


def _share(funds: InMemoryFunds, unit: dict, percent: int) -> int:
    return max(1, _balance(funds, unit) * percent // 100)


class History:
    """A history of operations played against one tenant's funds through the use cases."""

    def __init__(self) -> None:
        self.funds = InMemoryFunds("20")
        self.day = START
        self.requests: list[tuple[str, dict, date]] = []  # accepted requests, for retries
        for unit in UNITS:  # a fund opens on its first use: open them all before comparing
            self.funds.ensure(unit, _now(START).isoformat())
        self.before = self.funds.snapshot()

    def run(self, n: int, op: tuple) -> bool:
        """One operation; True if booked. A refused one must leave every document as it was."""
        self.before = self.funds.snapshot()
        try:
            self._run(n, op)
        except LedgerError:
            assert self.funds.snapshot() == self.before
            return False
        return True

    def _run(self, n: int, op: tuple) -> None:
        funds = self.funds
        match op:
            case ("donate", unit, gap, amount, kind):
                self._advance(gap)
                data = {
                    "tenant": "20",
                    "unit": unit,
                    "idempotency_key": f"donation-{n:06d}",
                    "donor": {"name": f"Nhà hảo tâm {n % 3}", "kind": "person", "anonymous": False},
                    "amount": amount,
                    "kind": str(kind),
                    "goods": "Sách vở" if kind == DonationKind.IN_KIND else None,
                }
                self._request("donate", data)
            case ("fee", gap, amount):
                self._advance(gap)
                data = {
                    "tenant": "20",
                    "unit": BRANCH,
                    "member_id": f"mb-{n}",
                    "year": self.day.year,
                    "amount": amount,
                }
                self._request("fee", data)
            case ("pay", unit, gap, percent, purpose, back):
                self._advance(gap)
                proposed = service.propose_disbursement(
                    funds,
                    {
                        "tenant": "20",
                        "unit": unit,
                        "amount": _share(funds, unit, percent),
                        "purpose": str(purpose),
                        "beneficiary": {"kind": "student", "name": "Nguyễn Văn An"},
                        "by": "officer",
                    },
                    now=_now(self.day),
                )
                self.before = self.funds.snapshot()  # a proposal moves no money
                # a back-dated payment is refused when the fund moved since that day
                paid_on = self.day - timedelta(days=back)
                data = {
                    "tenant": "20",
                    "disbursement_id": proposed.id,
                    "paid_on": paid_on,
                    "by": "chair",
                }
                self._request("approve", data)
            case ("transfer", source, target, gap, percent):
                self._advance(gap)
                data = {
                    "tenant": "20",
                    "source": source,
                    "target": target,
                    "idempotency_key": f"transfer-{n:06d}",
                    "amount": _share(funds, source, percent),
                }
                self._request("transfer", data)
            case ("reverse", index, gap):
                self._advance(gap)
                originals = sorted(
                    t.id
                    for t in funds.all_entries()
                    if t.reverses is None and t.kind != Kind.TRANSFER_OUT
                )
                if not originals:
                    raise LedgerError("nothing_to_reverse")
                entry = originals[index % len(originals)]
                entry = entry.removesuffix("/in")  # a transfer is named by its id
                self._request("reverse", {"tenant": "20", "entry_id": entry, "reason": "Sửa sai"})
            case ("retry", index):
                if not self.requests:
                    raise LedgerError("nothing_to_retry")
                kind, data, day = self.requests[index % len(self.requests)]
                if kind in ("donate", "fee", "transfer"):
                    # the same request again is answered, not booked again
                    before = self.funds.snapshot()
                    again = USE_CASES[kind](funds, data, now=_now(day))
                    assert again.created is False
                    assert self.funds.snapshot() == before
            case _:
                raise AssertionError(op)

    def _advance(self, gap: int) -> None:
        self.day += timedelta(days=gap)

    def _request(self, kind: str, data: dict) -> None:
        done = USE_CASES[kind](self.funds, data, now=_now(self.day))
        assert getattr(done, "created", True)
        self.requests.append((kind, data, self.day))


USE_CASES = {
    "donate": service.record_donation,
    "fee": service.record_fee,
    "approve": service.approve_disbursement,
    "transfer": service.record_transfer,
    "reverse": service.reverse_entry,
}


def _entries(funds: InMemoryFunds) -> list[ledger.Entry]:
    return [e for found in funds.all_entries() for e in found.transaction().entries]


def _check_books(funds: InMemoryFunds) -> None:
    entries = _entries(funds)
    assert ledger.trial_balance(entries)
    stored = {ident: state.balance for ident, state in funds.states.items()}
    assert all(0 <= b <= MAX_AMOUNT for b in stored.values())
    assert ledger.reconcile(entries, stored) == []
    assert service.reconcile(funds).discrepancies == []
    for found in funds.all_entries():
        assert isinstance(found.amount, int) and 0 < found.amount <= MAX_AMOUNT


def _check_receipts(funds: InMemoryFunds) -> None:
    by_fund_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    for d in funds.collections["donations"].values():
        by_fund_year[(d["fund_id"], d["receipt_year"])].append(d["receipt_sequence"])
    for (ident, year), sequences in by_fund_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), (ident, year)
        assert funds.states[ident].receipts[str(year)] == len(sequences)


def _play(ops: list) -> History:
    history = History()
    for n, op in enumerate(ops):
        history.run(n, op)
    return history


@SETTINGS
@given(histories)
def test_no_fund_below_zero_books_balanced_and_receipts_without_gaps(ops):
    history = History()
    total_in = 0
    for n, op in enumerate(ops):
        history.run(n, op)
        _check_books(history.funds)
        _check_receipts(history.funds)
    for t in history.funds.all_entries():
        if t.kind in (Kind.DONATION, Kind.MEMBERSHIP_FEE):
            total_in += t.amount
    # transfers move money, they never create it
    assert sum(s.balance for s in history.funds.states.values()) <= total_in


@SETTINGS
@given(histories, st.integers(0, 400), st.integers(0, 400), st.integers(0, 450))
def test_statements_add_up_over_any_split_of_the_period(ops, a, b, c):
    funds = _play(ops).funds
    entries = _entries(funds)
    first, split, last = (START + timedelta(days=d) for d in sorted((a, b, c)))
    for ident, state in funds.states.items():
        whole = ledger.statement(entries, ident, first, last)
        left = ledger.statement(entries, ident, first, split)
        parts = [whole, left]
        if split < last:
            right = ledger.statement(entries, ident, split + timedelta(days=1), last)
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
        everything = ledger.statement(entries, ident, date(2000, 1, 1), date(2100, 1, 1))
        assert everything.opening == 0
        assert everything.closing == state.balance


@SETTINGS
@given(histories)
def test_reversing_everything_returns_every_balance_to_zero(ops):
    history = _play(ops)
    funds = history.funds
    reversed_ids = {t.reverses for t in funds.all_entries() if t.reverses}
    open_ = [t for t in funds.all_entries() if t.reverses is None and t.id not in reversed_ids]
    # money paid out comes back first, then transfers (latest first), then the money that came in
    # (all_entries is in booking order)
    paid = [t for t in open_ if t.kind == Kind.DISBURSEMENT]
    moved = [t for t in open_ if t.kind == Kind.TRANSFER_IN][::-1]
    came_in = [t for t in open_ if t.kind in (Kind.DONATION, Kind.MEMBERSHIP_FEE)]
    todo = paid + moved + came_in
    history.day += timedelta(days=1)
    for t in todo:
        entry = t.id.removesuffix("/in")
        service.reverse_entry(
            funds,
            {"tenant": "20", "entry_id": entry, "reason": "Đảo toàn bộ"},
            now=_now(history.day),
        )
    assert all(s.balance == 0 for s in funds.states.values())
    _check_books(funds)
    entries = _entries(funds)
    for ident in funds.states:
        s = ledger.statement(entries, ident, START, history.day)
        assert s.closing == 0 and s.total_in == s.total_out
    figures = service.stats(funds, UnitPath.parse("20"), 2000, 2100)
    assert figures["balance"] == 0
