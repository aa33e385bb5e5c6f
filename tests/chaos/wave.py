"""A year-end wave with its outcome known in advance, driven through /graphql only.

One wave works in one commune: households registered (each with a phone), reviewed, proposed and
recognised by a decision (a ``recognised`` event, an SMS to each household), and donations booked
with receipts (a ``donated`` event, an SMS to each donor). Requests run a few at a time, retried
until answered (see ``client``); ``fault`` is started once half of the first requests have been
answered, so it hits a platform with work in flight.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import eventlet

from services.scoring.domain import vietnam_day
from tests.chaos.client import Client, Refused
from tests.conftest import wait_until

YEAR = 2024
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status
  recognition { decisionNumber } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) {
  recognised skipped repeated } }"""
SELF_ASSESS = """mutation($input: SelfAssessmentsInput!) { submitSelfAssessments(input: $input) {
  written unchanged refused } }"""
DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  created donation { id amount receiptNumber } } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: FAMILY) { registered assessed eligible recognised }
  fund { balance donationsCount donationsTotal } } } }"""
DONATIONS = """query($code: String!, $after: String) { fund(unitCode: $code) { balance
  donations(first: 100, after: $after) { nodes { id amount receiptNumber donor { name } }
  pageInfo { hasNextPage endCursor } } } }"""
CHILDREN = """query($code: String!) { orgUnit(code: $code) { children { code level } } }"""


def answers() -> list[dict[str, Any]]:
    """Full marks on the test criteria set of province 20: every household is recognised."""
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


@dataclass(frozen=True)
class Plan:
    """What the wave sends, deterministic from its number (names, phones, keys never clash)."""

    number: int  # 1..99, one per scenario of a run
    commune: str
    households: int
    donations: int

    def household(self, i: int) -> dict[str, Any]:
        return {
            "communeCode": self.commune,
            "headName": f"Hoàng Văn Thử {self.number} {i}",
            "address": f"Thôn Hỗn Loạn {i}",
            "year": YEAR,
            "phone": self.household_phone(i),
        }

    def household_phone(self, i: int) -> str:
        return f"09{self.number:02d}1{i:05d}"

    def donor_phone(self, j: int) -> str:
        return f"09{self.number:02d}2{j:05d}"

    def donor(self, j: int) -> str:
        return f"Công ty Thử Nghiệm {self.number} {j}"

    def amount(self, j: int) -> int:
        return 1_000_000 + 1_000 * j

    def donation(self, j: int) -> dict[str, Any]:
        return {
            "unitCode": self.commune,
            "idempotencyKey": f"chaos-{self.number}-{j}",
            "donor": {"name": self.donor(j), "kind": "ENTERPRISE", "phone": self.donor_phone(j)},
            "amount": str(self.amount(j)),
            "channel": "BANK_TRANSFER",
            "receivedOn": f"{YEAR}-10-02",
        }

    @property
    def money(self) -> int:
        return sum(self.amount(j) for j in range(self.donations))


@dataclass
class Tokens:
    officer: str  # the commune's officer: registers, reviews, proposes, books donations
    authority: str  # the commune's People's Committee: decides
    admin: str  # the province admin: reads every figure


@dataclass
class Done:
    """What the platform acknowledged: the enrolment ids and donations answered."""

    enrolments: dict[int, str] = field(default_factory=dict)
    donations: dict[int, dict[str, Any]] = field(default_factory=dict)
    proposal: str = ""
    recognised: list[str] = field(default_factory=list)


def drive(
    client: Client,
    plan: Plan,
    tokens: Tokens,
    fault: Callable[[Done], None] | None = None,
    workers: int = 4,
    patience: float = 180.0,
) -> Done:
    """Send the whole wave; ``fault`` runs (in its own green thread) once half of the
    registrations and donations are answered. Returns when every request was answered."""
    done = Done()
    first = [("register", i) for i in range(plan.households)]
    first += [("donate", j) for j in range(plan.donations)]
    first.sort(key=lambda item: (item[1], item[0]))  # interleaved: both kinds in flight
    half = len(first) // 2
    faulting = None

    def send(item: tuple[str, int]) -> None:
        kind, n = item
        if kind == "register":
            found = client.ask(REGISTER, {"input": plan.household(n)}, tokens.officer)
            done.enrolments[n] = found["registerHousehold"]["enrolmentId"]
        else:
            found = client.ask(DONATE, {"input": plan.donation(n)}, tokens.officer)
            done.donations[n] = found["recordDonation"]["donation"]

    pool = eventlet.GreenPool(workers)
    for answered, _ in enumerate(pool.imap(send, first), start=1):
        if answered == half and fault is not None:
            faulting = eventlet.spawn(fault, done)
    if faulting is not None:
        faulting.wait()

    # every household known to scoring (it heard ``registered``), self-assessed, then reviewed
    for enrolment_id in done.enrolments.values():
        wait_until(
            lambda e=enrolment_id: client.ask(ASSESSMENT, {"id": e}, tokens.officer)["assessment"],
            timeout=patience,
            interval=0.3,
            what=f"the assessment of {enrolment_id}",
        )

    forms = {
        "unitCode": plan.commune,
        "title": "FAMILY",
        "year": YEAR,
        "rows": [{"enrolmentId": e, "answers": answers()} for e in done.enrolments.values()],
    }
    client.ask(SELF_ASSESS, {"input": forms}, tokens.officer)

    def review(enrolment_id: str) -> None:
        given = {"enrolmentId": enrolment_id, "answers": answers(), "minutes": "Biên bản thôn"}
        client.ask(REVIEW, {"input": given}, tokens.officer)

    list(pool.imap(review, done.enrolments.values()))
    _decide(client, plan, tokens, done)
    return done


def _decide(client: Client, plan: Plan, tokens: Tokens, done: Done) -> None:
    today = vietnam_day(datetime.now(UTC))
    posted = (today - timedelta(days=12)).isoformat()  # posted on paper, the period is over
    proposal = {"unitCode": plan.commune, "title": "FAMILY", "year": YEAR, "postedFrom": posted}
    made = client.ask(PROPOSE, {"input": proposal}, tokens.officer)["proposeRecognition"]
    done.proposal = made["id"]
    decision = {
        "proposalId": made["id"],
        "decisionNumber": f"{plan.number}/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "signer": "Hoàng Văn Lâm",
        "signerPosition": "Chủ tịch UBND xã",
    }
    decided = client.ask(DECIDE, {"input": decision}, tokens.authority)["decideRecognition"]
    done.recognised = list(decided["recognised"])


# -- the checks ------------------------------------------------------------------------------


@dataclass
class Tally:
    """Lost = expected - found, duplicated = found - expected, summed over every checked item."""

    lost: int = 0
    duplicated: int = 0
    details: list[str] = field(default_factory=list)

    def item(self, what: str, expected: int, found: int) -> None:
        if found < expected:
            self.lost += expected - found
            self.details.append(f"{what}: expected {expected}, found {found}")
        elif found > expected:
            self.duplicated += found - expected
            self.details.append(f"{what}: expected {expected}, found {found}")

    @property
    def exact(self) -> bool:
        return self.lost == 0 and self.duplicated == 0


def figures(client: Client, plan: Plan, tokens: Tokens) -> dict[str, int]:
    stats = client.ask(FIGURES, {"code": plan.commune}, tokens.admin)["orgUnit"]["stats"]
    title, fund = stats["title"], stats["fund"]
    return {
        "registered": title["registered"],
        "assessed": title["assessed"],
        "eligible": title["eligible"],
        "recognised": title["recognised"],
        "donationsCount": fund["donationsCount"],
        "donationsTotal": int(fund["donationsTotal"]),
        "balance": int(fund["balance"]),
    }


def expected_figures(plan: Plan) -> dict[str, int]:
    return {
        "registered": plan.households,
        "assessed": plan.households,
        "eligible": plan.households,
        "recognised": plan.households,
        "donationsCount": plan.donations,
        "donationsTotal": plan.money,
        "balance": plan.money,
    }


def donations(client: Client, plan: Plan, tokens: Tokens) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = client.ask(DONATIONS, {"code": plan.commune, "after": after}, tokens.admin)
        connection = page["fund"]["donations"]
        found += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]


def sms_counts(requests: list[dict[str, Any]]) -> Counter[str]:
    """SMS the fake gateway received, by the recipient's last nine digits."""
    counts: Counter[str] = Counter()
    for request in list(requests):
        try:
            to = str(json.loads(request["body"]).get("to", ""))
        except ValueError:
            continue
        counts[to[-9:]] += 1
    return counts


def check(
    client: Client, plan: Plan, tokens: Tokens, sms: list[dict[str, Any]], done: Done
) -> Tally:
    """Every figure, donation, receipt and SMS of the wave against the plan."""
    tally = Tally()
    found = figures(client, plan, tokens)
    for name, expected in expected_figures(plan).items():
        if name in ("donationsTotal", "balance"):
            gap = found[name] - expected  # money: one item, short or over
            tally.item(f"{name} {found[name]} đồng", 1, 1 + (gap > 0) - (gap < 0))
        else:
            tally.item(name, expected, found[name])
    for i in range(plan.households):
        enrolment_id = done.enrolments.get(i)
        recognised = enrolment_id is not None and _recognised(client, enrolment_id, tokens)
        tally.item(f"household {i} recognised", 1, int(recognised))
    booked = donations(client, plan, tokens)
    by_donor = Counter(d["donor"]["name"] for d in booked)
    receipts = Counter(d["receiptNumber"] for d in booked)
    for j in range(plan.donations):
        tally.item(f"donation {j}", 1, by_donor[plan.donor(j)])
    for number, count in receipts.items():
        tally.item(f"receipt {number}", 1, count)
    tally.item("receipts", plan.donations, len(receipts))
    texts = sms_counts(sms)
    for i in range(plan.households):
        tally.item(f"SMS to household {i}", 1, texts[plan.household_phone(i)[-9:]])
    for j in range(plan.donations):
        tally.item(f"SMS to donor {j}", 1, texts[plan.donor_phone(j)[-9:]])
    return tally


def _recognised(client: Client, enrolment_id: str, tokens: Tokens) -> bool:
    try:
        found = client.ask(ASSESSMENT, {"id": enrolment_id}, tokens.officer)["assessment"]
    except Refused:
        return False
    return bool(found and found["recognition"])


def settled(
    client: Client,
    plan: Plan,
    tokens: Tokens,
    sms: list[dict[str, Any]],
    done: Done,
    timeout: float,
) -> Tally:
    """The checks once the platform has caught up: waits (up to ``timeout``) for every figure
    and SMS to be reached, then a little longer for late duplicates, and checks again."""
    wanted = expected_figures(plan)
    texts_wanted = plan.households + plan.donations

    def caught_up() -> bool:
        ours = sum(
            1
            for phone, count in sms_counts(sms).items()
            if phone.startswith(f"9{plan.number:02d}") and count
        )
        return figures(client, plan, tokens) == wanted and ours >= texts_wanted

    with contextlib.suppress(AssertionError):  # the check below says what is missing
        wait_until(caught_up, timeout=timeout, interval=0.5, what="the wave's figures and SMS")
    eventlet.sleep(3)  # a late duplicate (a redelivered event, a resent SMS) shows up too
    return check(client, plan, tokens, sms, done)


def communes(client: Client, token: str, province: str = "20") -> list[str]:
    """The province's commune codes, in directory order (a wave takes one of its own)."""
    found: list[str] = []
    for district in client.ask(CHILDREN, {"code": province}, token)["orgUnit"]["children"]:
        units = client.ask(CHILDREN, {"code": district["code"]}, token)["orgUnit"]["children"]
        found += [u["code"] for u in units if u["level"] == "COMMUNE"]
    return found
