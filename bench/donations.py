"""Donations burst: many donations from many concurrent clients into every fund of a province.

On a private platform (``bench.common.running_platform``): ``--donations`` gifts (default
5,000; the issue's figure is 50,000) through GraphQL ``recordDonation`` from ``--clients``
concurrent clients (default 50) into every unit's fund of Lạng Sơn (province, districts and
communes: a few hundred funds, unevenly: larger funds get more), and 5% of them sent again with
the same idempotency key (a client that did not see the answer). Reports throughput and latency
p50/p95/p99, then checks from the platform's own answers:

- receipts gap-free per fund (numbers 1..n of the year, none twice);
- every balance exact: what each fund's balance moved by equals the sum of its donations;
- retries created nothing twice: a retry answers ``created: false`` with the original's receipt,
  and each fund's count of gifts in the year equals its distinct idempotency keys.

Prints figures; asserts nothing about speed.

    .venv/bin/python -m bench.donations [--donations 5000] [--clients 50] [--name donations]
"""

from __future__ import annotations

import argparse
import random
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.common import Client, percentile, running_platform
from bench.reads import write_results
from bench.seed import commune_weights

YEAR = 2024
RETRY_SHARE = 0.05
DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  created donation { receiptNumber amount unitCode } } }"""
UNITS = """query { orgUnit(code: "20") { code children { code children { code } } } }"""
FUND = """query($code: String!) { fund(unitCode: $code) { balance
  statement(from: "2024-01-01", to: "2024-12-31") { totalIn moneyIn { count } } } }"""
DONORS = ("Công ty TNHH Hồng Phát", "Ông Nguyễn Văn Hảo", "Bà Trần Thị Mai", "Dòng họ Hoàng")
RECEIPT = re.compile(r"^(?P<fund>[A-Za-z0-9]+)-(?P<year>\d{4})-(?P<seq>\d{6,})$")


@dataclass(frozen=True)
class Gift:
    """One request: a donation, or (``retry``) the same donation sent again."""

    number: int
    fund: str
    amount: int
    day: date
    retry: bool = False

    @property
    def key(self) -> str:
        return f"burst-{self.number:07d}"

    def input(self) -> dict[str, Any]:
        """The mutation's input: a retry sends exactly the same."""
        number = self.number
        return {
            "unitCode": self.fund,
            "idempotencyKey": self.key,
            "donor": {"name": DONORS[number % len(DONORS)], "anonymous": number % 7 == 3},
            "amount": str(self.amount),
            "channel": ("CASH", "BANK_TRANSFER", "VIETQR")[number % 3],
            "receivedOn": self.day.isoformat(),
        }


def plan(donations: int, funds: Sequence[str], retry_share: float = RETRY_SHARE) -> list[Gift]:
    """``donations`` distinct gifts spread unevenly over ``funds``, and ``retry_share`` of them
    sent again (same key) somewhere later in the burst; deterministic."""
    rng = random.Random(50_000)
    weights = commune_weights(len(funds), seed=7)
    places = rng.choices(range(len(funds)), weights=weights, k=donations)
    gifts = [
        Gift(
            n,
            funds[place],
            10_000 * rng.randint(1, 500),
            date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)),
        )
        for n, place in enumerate(places)
    ]
    spread = max(1, donations // 20)
    order: list[tuple[float, Gift]] = [(float(n), g) for n, g in enumerate(gifts)]
    for n in sorted(rng.sample(range(donations), int(donations * retry_share))):
        g = gifts[n]
        later = n + 0.5 + rng.randrange(spread)
        order.append((later, Gift(g.number, g.fund, g.amount, g.day, retry=True)))
    requests = [gift for _, gift in sorted(order, key=lambda pair: pair[0])]
    return requests


def receipt_problems(receipts: Sequence[str]) -> dict[str, list[str]]:
    """Per fund, what is wrong with its receipt numbers of the year: numbers missing from 1..n,
    numbers given twice, or numbers that do not parse. Empty when gap-free everywhere."""
    sequences: dict[str, list[int]] = defaultdict(list)
    problems: dict[str, list[str]] = {}
    for text in receipts:
        found = RECEIPT.match(text)
        if not found:
            problems.setdefault("?", []).append(f"unreadable {text!r}")
            continue
        sequences[found["fund"]].append(int(found["seq"]))
    for fund, numbers in sequences.items():
        twice = sorted(n for n, c in Counter(numbers).items() if c > 1)
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        wrong = [f"twice {n}" for n in twice] + [f"missing {n}" for n in missing]
        if wrong:
            problems[fund] = wrong
    return problems


@dataclass
class Outcome:
    gift: Gift
    seconds: float
    created: bool | None = None
    receipt: str | None = None
    error: str | None = None


def send(client: Client, gift: Gift) -> Outcome:
    t0 = time.perf_counter()
    try:
        answer = client(DONATE, {"input": gift.input()})["recordDonation"]
    except Exception as exc:  # a benchmark counts failures instead of stopping
        return Outcome(gift, time.perf_counter() - t0, error=str(exc)[:300])
    spent = time.perf_counter() - t0
    return Outcome(gift, spent, bool(answer["created"]), answer["donation"]["receiptNumber"])


def funds_of(client: Client) -> list[str]:
    province = client(UNITS)["orgUnit"]
    codes = [province["code"]]
    for district in province["children"]:
        codes.append(district["code"])
        codes += [c["code"] for c in district["children"]]
    return codes


def fund_state(client: Client, funds: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(balance, gifts of the year) of every fund."""
    state = {}
    for code in funds:
        found = client(FUND, {"code": code})["fund"]
        gifts = sum(line["count"] for line in found["statement"]["moneyIn"])
        state[code] = (int(found["balance"]), gifts)
    return state


def check(
    outcomes: Sequence[Outcome],
    before: dict[str, tuple[int, int]],
    after: dict[str, tuple[int, int]],
) -> dict[str, Any]:
    """What the platform's answers and funds say against what was sent."""
    originals = [o for o in outcomes if not o.gift.retry and o.error is None]
    retries = [o for o in outcomes if o.gift.retry and o.error is None]
    first_receipt = {o.gift.key: o.receipt for o in originals}
    created = [o for o in outcomes if o.created]
    created_keys = Counter(o.gift.key for o in created)
    retry_wrong = [
        o.gift.key
        for o in retries
        if o.created or (o.gift.key in first_receipt and o.receipt != first_receipt[o.gift.key])
    ]
    expected_money: dict[str, int] = defaultdict(int)
    expected_count: dict[str, int] = defaultdict(int)
    donated = {o.gift.key: o.gift for o in created}  # each gift once, however often sent
    for gift in donated.values():
        expected_money[gift.fund] += gift.amount
        expected_count[gift.fund] += 1
    balance_wrong = [
        f"{fund}: moved {after[fund][0] - before[fund][0]}, donated {expected_money[fund]}"
        for fund in after
        if after[fund][0] - before[fund][0] != expected_money[fund]
    ]
    count_wrong = [
        f"{fund}: {after[fund][1] - before[fund][1]} gifts, {expected_count[fund]} keys"
        for fund in after
        if after[fund][1] - before[fund][1] != expected_count[fund]
    ]
    return {
        "errors": sum(o.error is not None for o in outcomes),
        "error_samples": sorted({o.error for o in outcomes if o.error})[:5],
        "created": len(created),
        "created_twice": sorted(k for k, c in created_keys.items() if c > 1),
        "retries": len(retries),
        "retries_wrong": retry_wrong,
        "receipt_problems": receipt_problems([o.receipt for o in created if o.receipt]),
        "balances_wrong": balance_wrong,
        "counts_wrong": count_wrong,
    }


def run(donations: int, clients: int, name: str) -> None:
    with running_platform() as (_, admin):
        funds = funds_of(admin)
        requests = plan(donations, funds)
        print(
            f"{donations:,} donations (+{len(requests) - donations:,} retries) into "
            f"{len(funds)} funds from {clients} clients"
        )
        before = fund_state(admin, funds)
        outcomes: list[Outcome] = []
        lock = threading.Lock()
        began = time.perf_counter()
        done = 0

        def one(gift: Gift) -> None:
            nonlocal done
            found = send(admin, gift)
            with lock:
                outcomes.append(found)
                done += 1
                if done % 5000 == 0:
                    rate = done / (time.perf_counter() - began)
                    print(f"  {done:,} requests ({rate:,.0f}/s)", flush=True)

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(one, requests))
        spent = time.perf_counter() - began
        after = fund_state(admin, funds)
        found = check(outcomes, before, after)
        latencies = [o.seconds for o in outcomes]
        figures = {
            "donations": donations,
            "requests": len(requests),
            "clients": clients,
            "funds": len(funds),
            "seconds": round(spent, 1),
            "requests_per_second": round(len(requests) / spent, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            **{k: v if isinstance(v, int) else len(v) for k, v in found.items()},
            "problems": {k: v for k, v in found.items() if isinstance(v, list | dict) and v},
            "error_samples": found["error_samples"],
            "exact": not any(v for k, v in found.items() if k not in ("created", "retries")),
        }
        print(
            f"{len(requests):,} requests in {spent:.1f}s: {figures['requests_per_second']}/s, "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms"
        )
        for key, value in found.items():
            shown = value if isinstance(value, int) else (value or "none")
            print(f"  {key}: {shown if not isinstance(shown, list) else shown[:10]}")
        print("every receipt, balance and retry exact" if figures["exact"] else "NOT EXACT")
        table = [
            (
                f"recordDonation burst, {donations:,} + {figures['retries']:,} retries, "
                f"{clients} clients, {len(funds)} funds",
                f"{figures['requests_per_second']}/s; p50 {figures['p50_ms']:.0f} / "
                f"p95 {figures['p95_ms']:.0f} / p99 {figures['p99_ms']:.0f} ms",
                "receipts gap-free, balances exact, retries once"
                if figures["exact"]
                else "NOT EXACT (see JSON)",
            )
        ]
        write_results(name, figures, table, "Donations burst")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--donations", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--name", default="donations")
    args = parser.parse_args()
    run(args.donations, args.clients, args.name)


if __name__ == "__main__":
    main()
