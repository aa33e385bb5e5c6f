"""One chaos scenario: a wave in a commune of its own, a fault in the middle of it, the checks
once the platform has caught up, and one row of the summary table."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.devbroker import PrivateNode
from ops.platform import Platform
from ops.tokens import create_token
from tests.chaos import faults
from tests.chaos.client import Client
from tests.chaos.wave import Done, Plan, Tally, Tokens, drive, settled
from tests.fakes import HttpFake

REPORT_ENV = "CHAOS_REPORT"  # a file each scenario appends its row to (make chaos prints them)


@dataclass
class Stage:
    """The running platform a module's scenarios share, and what they need to reach it."""

    platform: Platform
    client: Client
    sms: HttpFake
    communes: list[str]
    node: PrivateNode | None = None  # the private broker node, when the stage has one

    def tokens(self, commune: str) -> Tokens:
        config = load_config(env=self.platform.settings())

        def token(unit: str, role: Role, name: str) -> str:
            return create_token(config, "20", unit, role, name, hours=3)

        return Tokens(
            officer=token(commune, Role.COMMUNE_OFFICER, "chaos-officer"),
            authority=token(commune, Role.AUTHORITY, "chaos-authority"),
            admin=token("20", Role.PROVINCE_ADMIN, "chaos-admin"),
        )


@dataclass
class Outcome:
    fault: str
    in_flight: int
    lost: int
    duplicated: int
    crashes: int
    retries: int
    seconds: float
    details: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.crashes == 0

    def explain(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


Fault = Callable[[Stage, faults.Watch, "faults.Capture | None", Plan, Tally], None]


def _kill(name: str) -> Fault:
    def fault(stage: Stage, watch: faults.Watch, *_: Any) -> None:
        faults.kill_service(stage.platform, watch, name)

    return fault


def _database(stage: Stage, *_: Any) -> None:
    faults.kill_database(stage.platform)


def _broker(stage: Stage, *_: Any) -> None:
    if stage.node is None:
        raise RuntimeError("restarting the broker needs the stage's private node")
    stage.node.restart()


def _replay(stage: Stage, watch: faults.Watch, capture: Any, plan: Plan, _: Tally) -> None:
    capture.replay(seed=plan.number)


FAULTS: dict[str, Fault] = {
    "kill -9 registration": _kill("registration"),
    "kill -9 scoring": _kill("scoring"),
    "kill -9 fund": _kill("fund"),
    "kill -9 notification": _kill("notification"),
    "kill -9 gateway": _kill("gateway"),
    "kill -9 database": _database,
    "restart RabbitMQ": _broker,
    "events twice, shuffled": _replay,
    "poison among events": lambda *_: None,  # sent at the start (see run)
}


def run(
    stage: Stage, fault: str, number: int, households: int, donations: int, patience: float = 240.0
) -> Outcome:
    """The wave of scenario ``number`` in its own commune with ``fault`` in the middle."""
    started = time.monotonic()
    plan = Plan(number, stage.communes[number], households, donations)
    tokens = stage.tokens(plan.commune)
    stage.client.retries = 0
    stage.client.failures = []
    in_flight = [0]
    poison: dict[str, int] = {}
    with faults.Watch(stage.platform) as watch, _capture(stage, fault, number) as capture:

        def strike(done: Done) -> None:
            in_flight[0] = faults.events_in_flight(
                stage.platform,
                list(done.enrolments.values()),
                [d["id"] for d in done.donations.values()],
            )
            FAULTS[fault](stage, watch, capture, plan, Tally())

        if fault.startswith("poison"):
            poison = faults.send_poison(stage.platform, str(number))
        done = drive(stage.client, plan, tokens, strike, patience=patience)
        tally = settled(stage.client, plan, tokens, stage.sms.requests, done, patience)
        if capture is not None:  # everything again, decisions included, after the wave
            replayed = capture.replay(seed=plan.number + 1000)
            if not replayed:
                tally.item("events captured to replay", 1, 0)
            tally = settled(stage.client, plan, tokens, stage.sms.requests, done, 30.0)
        if poison:
            _dead_letters(stage, str(number), poison, tally)
    outcome = Outcome(
        fault=fault,
        in_flight=in_flight[0],
        lost=tally.lost,
        duplicated=tally.duplicated,
        crashes=len(watch.crashes),
        retries=stage.client.retries,
        seconds=round(time.monotonic() - started, 1),
        details=tally.details[:20] + watch.crashes + sorted(set(stage.client.failures))[:10],
    )
    _record(outcome)
    return outcome


@contextlib.contextmanager
def _capture(stage: Stage, fault: str, number: int) -> Iterator[faults.Capture | None]:
    if not fault.startswith("events twice"):
        yield None
        return
    with faults.Capture(stage.platform, str(number)) as capture:
        yield capture


def _dead_letters(stage: Stage, tag: str, expected: dict[str, int], tally: Tally) -> None:
    """Each poison message dead-lettered, with a reason, once by each subscribed service."""
    found: dict[str, list[str]] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = faults.dead_letters(stage.platform, tag)
        if all(len(found.get(s, [])) >= n for s, n in expected.items()):
            break
        time.sleep(0.5)
    for service in ("registration", "scoring", "fund", "notification"):
        reasons = found.get(service, [])
        tally.item(f"dead letters in dlq.{service}", expected.get(service, 0), len(reasons))
        tally.item(
            f"dead letters in dlq.{service} with a reason",
            len(reasons),
            sum(1 for r in reasons if r),
        )


def _record(outcome: Outcome) -> None:
    target = os.environ.get(REPORT_ENV)
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
