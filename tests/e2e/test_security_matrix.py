"""The security matrix on the running platform: every query and mutation of the schema (see
tests/security_matrix.py) × every caller that must be refused — another province, a sibling
commune (and another district where districts hold the right), each role without the right,
no token, a forged signature, an expired token, ``alg: none``, another key, a disabled
account — answers UNAUTHENTICATED or FORBIDDEN and no data, aimed at real records of Xã Hợp
Thành (06226), a commune no other test writes to.

Prints the matrix's size (operations × callers) and how each cell was answered.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import eventlet
import pytest

from bench.commune_file import household_list
from gateway.schema import schema
from khuyenhoc.auth import ISSUER, Role, issue_token
from khuyenhoc.config import load_config
from khuyenhoc.tenancy import UnitPath
from ops.tokens import create_token
from services.scoring.domain import vietnam_day
from tests.conftest import wait_until
from tests.e2e.client import graphql
from tests.security_matrix import (
    ALLOWED,
    ARGS,
    OWN_PROVINCE,
    PUBLIC,
    ROW_SCOPED,
    SELF,
    Targets,
    document,
    operations,
)

pytestmark = pytest.mark.e2e

COMMUNE, SIBLING = "06226", "06232"
OTHER_DISTRICT = "180"  # the commune's district is 183
HEAD, PHONE = "Triệu Thị Mật", "0987001226"
GRAPH = schema.graphql_schema
REFUSALS = {"UNAUTHENTICATED", "FORBIDDEN"}
# Where each role sits when it is the caller without the right: its natural unit above or at
# the commune, so only the role is missing, never the reach.
SEAT = {
    Role.PROVINCE_ADMIN: "20",
    Role.AUDITOR: "20",
    Role.PARTNER: "20",
    Role.DISTRICT_OFFICER: "183",
    Role.COMMUNE_OFFICER: COMMUNE,
    Role.BRANCH_OFFICER: COMMUNE,
    Role.AUTHORITY: COMMUNE,
    Role.FUND_MANAGER: COMMUNE,
}
# The role a sibling commune's caller holds: one with the right, when a commune may hold it.
SIBLING_ROLES = (Role.COMMUNE_OFFICER, Role.AUTHORITY, Role.FUND_MANAGER, Role.AUDITOR)
ANSWERS = [
    {"indicator": k, "points": v}
    for k, v in {
        **{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)},
        "c3.i1": 15,
        "c4.i1": 15,
    }.items()
]


def post(platform: Any, text: str, variables: dict[str, Any], token: str | None):
    """(HTTP status, answer) of one GraphQL request; a refusal at the edge is an answer too."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        platform.url(platform.gateway, "/graphql"),
        data=json.dumps({"query": text, "variables": variables}).encode(),
        headers=headers,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def ok(platform: Any, text: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    answer = graphql(platform, text, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(path: str) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    return {
        "iss": ISSUER,
        "sub": "matrix-admin",
        "tenant": "20",
        "role": Role.PROVINCE_ADMIN.value,
        "unit": path.split("/")[-1],
        "unitpath": path,
        "iat": now,
        "exp": now + 3600,
    }


@pytest.fixture(scope="module")
def seats(platform):
    config = load_config(env=platform.settings())
    secret = config["JWT_SECRET"]

    def token(tenant: str, unit: str, role: Role) -> str:
        return create_token(config, tenant, unit, role, f"matrix-{role.value}-{unit}", hours=1)

    return config, secret, token


@pytest.fixture(scope="module")
def targets(platform, seats):
    """Real records of the commune, each made once by those who may: a household reviewed,
    proposed and decided, a branch with a member, a hamlet, a donation, a payment proposal, an
    officer's account, an import."""
    _, _, token = seats
    officer = token("20", COMMUNE, Role.COMMUNE_OFFICER)
    authority = token("20", COMMUNE, Role.AUTHORITY)
    admin = token("20", "20", Role.PROVINCE_ADMIN)
    run = uuid.uuid4().hex[:6]
    this_year = vietnam_day(datetime.now(UTC)).year
    household = {
        "communeCode": COMMUNE,
        "headName": HEAD,
        "address": "Thôn Hợp Thành",
        "year": 2024,
        "phone": PHONE,
    }
    enrolment = ok(
        platform,
        "mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) {"
        " enrolmentId subjectId } }",
        {"input": household},
        officer,
    )["registerHousehold"]
    assessment = "query($id: String!) { assessment(enrolmentId: $id) { status } }"
    wait_until(
        lambda: ok(platform, assessment, {"id": enrolment["enrolmentId"]}, officer)["assessment"],
        what="the assessment",
    )
    review = {"enrolmentId": enrolment["enrolmentId"], "answers": ANSWERS, "minutes": "Biên bản"}
    ok(
        platform,
        "mutation($input: ReviewInput!) { recordReview(input: $input) { status } }",
        {"input": review},
        officer,
    )
    posted = (datetime.now(UTC).date() - timedelta(days=12)).isoformat()
    proposal = ok(
        platform,
        "mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }",
        {"input": {"unitCode": COMMUNE, "title": "FAMILY", "year": 2024, "postedFrom": posted}},
        officer,
    )["proposeRecognition"]["id"]
    decided = {
        "proposalId": proposal,
        "decisionNumber": f"{run}/QĐ-UBND",
        "decisionDate": vietnam_day(datetime.now(UTC)).isoformat(),
        "signer": "Hoàng Văn Ký",
    }
    decision = ok(
        platform,
        "mutation($input: DecideInput!) { decideRecognition(input: $input) { document { id } } }",
        {"input": decided},
        authority,
    )["decideRecognition"]["document"]["id"]
    branch = ok(
        platform,
        "mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { code } } }",
        {"input": {"communeCode": COMMUNE, "name": f"Chi hội {run}", "kind": "RESIDENTIAL"}},
        officer,
    )["createBranch"]["branch"]["code"]
    hamlet = ok(
        platform,
        "mutation($input: CreateHamletInput!) { createHamlet(input: $input) { hamlet { code } } }",
        {"input": {"communeCode": COMMUNE, "name": f"Thôn {run}"}},
        officer,
    )["createHamlet"]["hamlet"]["code"]
    member = ok(
        platform,
        "mutation($input: AddMemberInput!) { addMember(input: $input) { memberId } }",
        {"input": {"branchCode": branch, "fullName": "Hội Viên Một", "year": this_year}},
        officer,
    )["addMember"]["memberId"]
    gift = {
        "unitCode": COMMUNE,
        "amount": "2000000",
        "donor": {"name": "Công ty Hợp Thành"},
        "idempotencyKey": f"matrix-{run}",
    }
    entry = ok(
        platform,
        "mutation($input: DonationInput!) { recordDonation(input: $input) { donation { id } } }",
        {"input": gift},
        officer,
    )["recordDonation"]["donation"]["id"]
    payment = {
        "unitCode": COMMUNE,
        "amount": "100000",
        "purpose": "SCHOLARSHIP",
        "beneficiary": {"kind": "STUDENT", "name": "Học Sinh Giỏi"},
    }
    disbursement = ok(
        platform,
        "mutation($input: DisbursementProposalInput!) { proposeDisbursement(input: $input) {"
        " id } }",
        {"input": payment},
        officer,
    )["proposeDisbursement"]["id"]
    upload = {
        "communeCode": COMMUNE,
        "kind": "HOUSEHOLD",
        "year": 2024,
        "fileName": "danh-sach.xlsx",
        "content": base64.b64encode(household_list(2, seed=26)[0]).decode("ascii"),
    }
    import_job = ok(
        platform,
        "mutation($input: StartImportInput!) { startImport(input: $input) { id } }",
        {"input": upload},
        officer,
    )["startImport"]["id"]
    account = f"matrix-{run}"
    ok(
        platform,
        "mutation($input: CreateAccountInput!) { createAccount(input: $input) {"
        " account { username } } }",
        {
            "input": {
                "username": account,
                "fullName": "Cán Bộ Xã",
                "role": "COMMUNE_OFFICER",
                "unitCode": COMMUNE,
            }
        },
        admin,
    )
    return Targets(
        commune=COMMUNE,
        enrolment=enrolment["enrolmentId"],
        subject=enrolment["subjectId"],
        proposal=proposal,
        decision=decision,
        branch=branch,
        hamlet=hamlet,
        account=account,
        entry=entry,
        disbursement=disbursement,
        member=member,
        import_job=import_job,
    )


@pytest.fixture(scope="module")
def token_faults(platform, seats):
    """Tokens the edge must refuse, whatever the operation: name → token."""
    _, secret, token = seats
    path = str(UnitPath.parse("20"))
    valid = token("20", "20", Role.PROVINCE_ADMIN)
    head, _, signature = valid.split(".")
    forged = _b64({**_claims(path), "sub": "someone-else"})
    past = datetime.now(UTC) - timedelta(hours=3)
    faults = {
        "forged signature": f"{head}.{forged}.{signature}",
        "expired": issue_token(
            secret,
            subject="matrix-expired",
            role=Role.PROVINCE_ADMIN,
            unit_path=UnitPath.parse(path),
            ttl=timedelta(hours=1),
            now=past,
        ),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(path))}.",
        "another key": issue_token(
            "another-province-secret-0123456789abcdef",
            subject="matrix-admin",
            role=Role.PROVINCE_ADMIN,
            unit_path=UnitPath.parse(path),
        ),
        "disabled account": _disabled_session(platform, valid),
    }
    return faults


def _disabled_session(platform: Any, admin: str) -> str:
    """The access token of a commune officer's session whose account was then disabled."""
    username, password = f"matrix-off-{uuid.uuid4().hex[:6]}", "Mat-khau-ma-tran-2026"
    ok(
        platform,
        "mutation($input: CreateAccountInput!) { createAccount(input: $input) {"
        " account { username } } }",
        {
            "input": {
                "username": username,
                "fullName": "Cán Bộ Bị Khóa",
                "role": "COMMUNE_OFFICER",
                "unitCode": COMMUNE,
                "password": password,
            }
        },
        admin,
    )
    session = ok(
        platform,
        "mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }",
        {"input": {"username": username, "password": password}},
        None,  # type: ignore[arg-type]
    )["signIn"]["accessToken"]
    me = "query { me { username } }"
    assert ok(platform, me, {}, session)["me"]["username"] == username
    ok(
        platform,
        "mutation($input: AccountInput!) { disableAccount(input: $input) { username } }",
        {"input": {"username": username}},
        admin,
    )
    wait_until(lambda: post(platform, me, {}, session)[0] == 401, what="the session's end")
    return session


def _phantom(targets: Targets, given: dict[str, Any]) -> bool:
    """Whether the arguments name a record the fixture did not make (then "not found" is as
    good a refusal as FORBIDDEN: it says nothing)."""
    text = json.dumps(given)
    defaults = Targets(COMMUNE)
    return any(
        getattr(targets, f.name) == getattr(defaults, f.name)
        and str(getattr(defaults, f.name)) in text
        and "none" in str(getattr(defaults, f.name))
        for f in fields(Targets)
    )


def _cells(seats, targets):
    """(operation, caller name, token) of every cell that must be refused."""
    _, _, token = seats
    hanoi = token("01", "01", Role.PROVINCE_ADMIN)
    for name in sorted(operations(GRAPH)):
        if name in PUBLIC or name in SELF:
            continue
        allowed = ALLOWED[name]
        if name not in OWN_PROVINCE:
            yield name, "another province", hanoi
        role = next((r for r in SIBLING_ROLES if r in allowed), Role.COMMUNE_OFFICER)
        yield name, f"sibling commune ({role.value})", token("20", SIBLING, role)
        if Role.DISTRICT_OFFICER in allowed:
            yield name, "another district", token("20", OTHER_DISTRICT, Role.DISTRICT_OFFICER)
        for role in sorted(set(Role) - allowed):
            yield name, f"role {role.value}", token("20", SEAT[role], role)
        yield name, "no token", None


def _refused(name: str, status: int, raw: str, caller: str, loose: bool) -> str | None:
    """Why the answer is not a refusal (None when it is one)."""
    if HEAD in raw or PHONE in raw:
        return "leaks the household"
    answer = json.loads(raw)
    data = (answer.get("data") or {}).get(name)
    if data not in (None, []):
        return f"answered data {data!r}"
    codes = {e.get("extensions", {}).get("code") for e in answer.get("errors", [])}
    if status == 401:
        return None if codes == {"UNAUTHENTICATED"} else f"401 with {codes}"
    if codes and codes <= REFUSALS:
        return None
    if name in ROW_SCOPED and codes == {"BAD_USER_INPUT"} and "Dòng" in raw:
        return None  # the row outside the caller's subtree, refused by row
    if loose and (not codes or codes <= REFUSALS | {"BAD_USER_INPUT"}):
        return None  # "not found in your province": the same answer as for nothing at all
    return f"{status} {codes or 'no error'}: {raw[:300]}"


def test_every_operation_refuses_every_caller_without_the_right(
    platform, seats, targets, token_faults
):
    cells = [(name, caller, token, False) for name, caller, token in _cells(seats, targets)]
    cells += [
        (name, fault, token, True)
        for name in sorted(operations(GRAPH))
        for fault, token in token_faults.items()
    ]

    def ask(cell: tuple[str, str, str | None, bool]) -> tuple[str, str, int, str]:
        name, caller, token, _ = cell
        given = ARGS[name](targets) if name in ARGS else {}
        return name, caller, *post(platform, document(GRAPH, name, given), given, token)

    wrong: list[str] = []
    tally: Counter[str] = Counter()
    # a few requests at once (green threads): the gateway serves them as it serves officers
    answers = eventlet.GreenPool(4).imap(ask, cells)
    for (name, caller, _, fault), (_, _, status, raw) in zip(cells, answers, strict=True):
        given = ARGS[name](targets) if name in ARGS else {}
        if fault:
            why = None if status == 401 else f"{status}"
            why = why or _refused(name, status, raw, caller, loose=False)
        else:
            loose = caller == "another province" or _phantom(targets, given)
            why = _refused(name, status, raw, caller, loose)
        if why is not None:
            wrong.append(f"{name} × {caller}: {why}")
            continue
        codes = {e.get("extensions", {}).get("code") for e in json.loads(raw).get("errors", [])}
        tally[f"{status} " + (",".join(sorted(str(c) for c in codes)) or "null")] += 1
    print(
        f"\nsecurity matrix: {len(operations(GRAPH))} operations"
        f" ({len(PUBLIC)} public, {len(SELF)} own-session) × callers ="
        f" {len(cells)} cells refused; answers {dict(tally)}"
    )
    assert wrong == [], "\n".join(wrong)


def test_public_operations_answer_without_a_token(platform, targets):
    """The listed public operations really are public: no UNAUTHENTICATED/FORBIDDEN."""
    closed = []
    for name in sorted(PUBLIC):
        if name in {"signIn", "signInWithOidc", "refreshSession"}:
            continue  # they answer the credential's own refusal
        given = ARGS[name](targets) if name in ARGS else {}
        status, raw = post(platform, document(GRAPH, name, given), given, None)
        codes = {e.get("extensions", {}).get("code") for e in json.loads(raw).get("errors", [])}
        if status != 200 or codes & REFUSALS:
            closed.append(f"{name}: {status} {raw[:200]}")
    assert closed == []


def test_targets_are_real(targets):
    """The matrix aims at records that exist (a refusal of nothing proves little)."""
    made = replace(targets)
    assert not _phantom(made, {"id": made.enrolment, "p": made.proposal, "e": made.entry})
