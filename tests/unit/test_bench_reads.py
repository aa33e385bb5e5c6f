"""The pure parts of the read and donation benchmarks: percentiles, counting service calls
from metrics, the donations' plan and the receipt gap check."""

from __future__ import annotations

from datetime import date

from bench.common import percentile
from bench.donations import Gift, Outcome, check, plan, receipt_problems
from bench.reads import Measured, handled

METRICS = """# HELP khuyenhoc_handler_seconds Time spent in each entrypoint
khuyenhoc_handler_seconds_count{entrypoint="stats",service="scoring"} 206.0
khuyenhoc_handler_seconds_sum{entrypoint="stats",service="scoring"} 1.5
khuyenhoc_handler_seconds_count{service="scoring",entrypoint="title_history"} 4.0
khuyenhoc_handler_seconds_count{entrypoint="relay_outbox",service="scoring"} 900.0
khuyenhoc_handler_seconds_count{entrypoint="stats",service="fund"} 7.0
"""


def test_percentile() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.95) == 96.0
    assert percentile(values, 0.99) == 100.0
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([5.0, 1.0, 3.0], 0.0) == 1.0


def test_service_calls_counted_from_metrics_rpcs_only() -> None:
    assert handled(METRICS, "scoring", {"stats", "title_history"}) == 210
    assert handled(METRICS, "fund", {"stats"}) == 7
    assert handled(METRICS, "registration", {"stats"}) == 0


def test_donation_plan_retries_five_percent_later_with_the_same_gift() -> None:
    funds = [f"{n:05d}" for n in range(200)]
    requests = plan(2_000, funds)
    originals = [g for g in requests if not g.retry]
    retries = [g for g in requests if g.retry]
    assert len(originals) == 2_000
    assert len({g.key for g in originals}) == 2_000
    assert len(retries) == 100
    position = {g.key: n for n, g in enumerate(requests) if not g.retry}
    by_key = {g.key: g for g in originals}
    for n, retry in enumerate(requests):
        if retry.retry:
            assert position[retry.key] < n
            assert retry.input() == by_key[retry.key].input()
    assert len({g.fund for g in originals}) > 150  # spread over the funds


def test_receipt_gaps_and_doubles_found_per_fund() -> None:
    good = [f"06184-2024-{n:06d}" for n in (3, 1, 2)] + ["20-2024-000001"]
    assert receipt_problems(good) == {}
    bad = ["06184-2024-000001", "06184-2024-000003", "20-2024-000001", "20-2024-000001", "x"]
    assert receipt_problems(bad) == {
        "06184": ["missing 2"],
        "20": ["twice 1"],
        "?": ["unreadable 'x'"],
    }


def test_check_finds_a_retry_counted_twice_and_a_wrong_balance() -> None:
    day = date(2024, 5, 1)
    first = Gift(1, "06184", 50_000, day)
    retry = Gift(1, "06184", 50_000, day, retry=True)
    other = Gift(2, "06184", 20_000, day)
    exact = [
        Outcome(first, 0.1, True, "06184-2024-000001"),
        Outcome(retry, 0.1, False, "06184-2024-000001"),
        Outcome(other, 0.1, True, "06184-2024-000002"),
    ]
    before = {"06184": (0, 0)}
    found = check(exact, before, {"06184": (70_000, 2)})
    assert not any(v for k, v in found.items() if k not in ("created", "retries"))
    twice = [*exact[:1], Outcome(retry, 0.1, True, "06184-2024-000003"), exact[2]]
    found = check(twice, before, {"06184": (120_000, 3)})
    assert found["created_twice"] == [first.key]
    assert found["retries_wrong"] == [first.key]
    assert found["receipt_problems"] == {}
    assert found["balances_wrong"] and found["counts_wrong"]


def test_a_run_counts_failed_requests_apart() -> None:
    answered = Measured("province_page", 100_000, 1, [0.1, 0.3, 0.2], 1.5, 657)
    figures = answered.figures()
    assert figures["requests"] == 3 and figures["errors"] == 0
    assert figures["p50_ms"] == 200.0 and figures["rpcs_per_request"] == 219.0
    failed = Measured("household_list", 100_000, 10, [], 60.0, 0, errors=10)
    assert failed.figures()["p50_ms"] is None
    assert failed.latency() == "no request answered"
    assert "10 FAILED" in failed.line()
