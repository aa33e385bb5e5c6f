"""Generated bad input on every mutation of the schema, through the running platform: each
mutation's minimal valid arguments (tests/security_matrix.py) with one value swapped by
Hypothesis for something hostile — control characters, huge strings, unicode oddities,
negative and huge numbers, wrong enum names, deep nesting, wrong types. Every answer is a
success or a clear error (never a 500, never INTERNAL_SERVER_ERROR, a Vietnamese message for
the errors the platform words itself); a refused registration writes nothing; stored text
holds no control characters; the platform keeps serving.

Runs in Xã Gia Cát (06235), a commune no other test uses; prints how many inputs were tried.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.schema import schema
from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from tests.conftest import wait_until
from tests.e2e.client import graphql
from tests.e2e.test_security_matrix import ANSWERS, ok, post
from tests.hostile_files import hostile_files
from tests.security_matrix import ALLOWED, ARGS, PUBLIC, SELF, Targets, document, operations

pytestmark = pytest.mark.e2e

COMMUNE = "06235"
GRAPH = schema.graphql_schema
MUTATIONS = sorted(n for n, (kind, _) in operations(GRAPH).items() if kind == "mutation")
EXAMPLES = 12
VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.I
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Answers a hostile request may get: never 500.
STATUSES = {200, 400, 401, 403, 405, 413, 429}
TRIED: Counter[str] = Counter()
COERCION: Counter[str] = Counter()  # graphql-core's own (English) variable errors, by mutation

hostile_text = st.one_of(
    st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=12).map(
        lambda s: f"Nguyễn{s}Văn"
    ),
    st.sampled_from(
        [
            "\x00",
            "Lê\x07Thị\x1b[31m",
            "A" * 200_000,
            "Đặng " * 20_000,
            "\u202etxt.exe",
            "\u200b\u200b",
            "e" + "\u0301" * 500,
            "\ufeffBOM",
            "𝕳𝖔𝖆𝖓𝖌 😀",
            "\ud800",
            '=HYPERLINK("http://x")',
            "'; DROP TABLE x; --",
            '{"$gt": ""}',
            "",
            "   ",
        ]
    ),
)
hostile_number = st.sampled_from([-1, 0, -(2**31), 2**31, 2**53 + 1, 10**30, 1.5, -0.0, 1e308])
hostile_shape = st.sampled_from(
    [
        None,
        True,
        [],
        {},
        ["a"],
        {"$ne": None},
        "NOT_AN_ENUM",
        "family",
        "2024-13-45",
        "0000-00-00",
        "99999999999999999999999",
        "-5",
        "NaN",
    ]
)
deep = st.integers(50, 300).map(lambda depth: _nested(depth))
hostile = st.one_of(hostile_text, hostile_number, hostile_shape, deep)
# Most values keep the leaf's type (so they reach the resolvers and the services); the rest
# are of any shape (so the edge's own checks are tried too).
hostile_ints = st.one_of(
    st.sampled_from([-1, 0, -(2**31), 2**31 - 1, 1800, 9999, 10_000, 3000]),
    st.integers(-(2**31), 2**31 - 1),
)


def _like(leaf: Any) -> st.SearchStrategy[Any]:
    if isinstance(leaf, bool):
        return hostile
    if isinstance(leaf, str):
        return st.one_of(hostile_text, hostile_text, hostile)
    if isinstance(leaf, int):
        return st.one_of(hostile_ints, hostile_ints, hostile)
    return hostile


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place a value sits in the variables (each leaf, each object, each list)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _leaves(inner, (*path, key))
        found.append((*path, "unknownField"))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _leaves(inner, (*path, index))
    return found


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


def _swapped(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _swapped(value.get(head), rest, new)}
    copy = list(value)
    copy[head] = _swapped(copy[head], rest, new)
    return copy


@pytest.fixture(scope="module")
def callers(platform):
    config = load_config(env=platform.settings())
    return {
        "admin": create_token(config, "20", "20", Role.PROVINCE_ADMIN, "bad-input", hours=1),
        "authority": create_token(config, "20", COMMUNE, Role.AUTHORITY, "bad-input", hours=1),
    }


@pytest.fixture(scope="module")
def aim(platform, callers):
    """A household reviewed and proposed, and a branch, of the commune to aim the inputs at
    (other ids name nothing)."""
    admin = callers["admin"]
    household = {"communeCode": COMMUNE, "headName": "Hà Văn Gia", "address": "Thôn Gia Cát"}
    made = graphql(
        platform,
        "mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) {"
        " enrolmentId subjectId } }",
        {"input": {**household, "year": 2024}},
        token=admin,
    )["data"]["registerHousehold"]
    enrolment = made["enrolmentId"]
    assessment = "query($id: String!) { assessment(enrolmentId: $id) { status } }"
    wait_until(
        lambda: ok(platform, assessment, {"id": enrolment}, admin)["assessment"],
        what="the assessment",
    )
    review = {"enrolmentId": enrolment, "answers": ANSWERS, "minutes": "Biên bản"}
    ok(
        platform,
        "mutation($input: ReviewInput!) { recordReview(input: $input) { status } }",
        {"input": review},
        admin,
    )
    posted = (datetime.now(UTC).date() - timedelta(days=12)).isoformat()
    proposal = ok(
        platform,
        "mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }",
        {"input": {"unitCode": COMMUNE, "title": "FAMILY", "year": 2024, "postedFrom": posted}},
        admin,
    )["proposeRecognition"]["id"]
    branch = graphql(
        platform,
        "mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { code } } }",
        {"input": {"communeCode": COMMUNE, "name": "Chi hội Gia Cát", "kind": "RESIDENTIAL"}},
        token=admin,
    )["data"]["createBranch"]["branch"]["code"]
    return Targets(
        commune=COMMUNE,
        enrolment=enrolment,
        subject=made["subjectId"],
        branch=branch,
        proposal=proposal,
    )


def _token(name: str, callers: dict[str, str]) -> str | None:
    if name in PUBLIC:
        return None
    if name in SELF:
        return callers["admin"]
    if Role.AUTHORITY in ALLOWED[name] or Role.PROVINCE_ADMIN not in ALLOWED[name]:
        return callers["authority"]  # signers and payment approvers: the commune's authority
    return callers["admin"]


SUBJECTS = """query($code: String!) { orgUnit(code: $code) {
  subjects(year: 2024, first: 100) { nodes { enrolmentId name } } } }"""


def _subjects(platform: Any, token: str | None) -> list[dict[str, Any]]:
    answer = graphql(platform, SUBJECTS, {"code": COMMUNE}, token=token)
    assert (answer.get("data") or {}).get("orgUnit"), answer
    return answer["data"]["orgUnit"]["subjects"]["nodes"]


def _problems(name: str, status: int, raw: str) -> list[str]:
    """What is wrong with one answer to a hostile request."""
    if status not in STATUSES:
        return [f"HTTP {status}: {raw[:300]}"]
    try:
        answer = json.loads(raw)
    except ValueError:
        return [f"HTTP {status}, not JSON: {raw[:200]}"]
    wrong = []
    for error in answer.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL_SERVER_ERROR":
            wrong.append(f"INTERNAL: {error}")
        elif code is None and status == 200 and "Variable '$" in error.get("message", ""):
            COERCION[name] += 1  # graphql-core's wording, before any resolver: see the report
        else:
            texts = [error.get("message", "")]
            texts += [
                f.get("message", "") for f in (error.get("extensions") or {}).get("fields", [])
            ]
            if not all(VIETNAMESE.search(text) for text in texts if text):
                wrong.append(f"not Vietnamese: {error}")
    return wrong


@pytest.mark.parametrize("name", MUTATIONS)
def test_hostile_input_is_answered_never_crashed(platform, callers, aim, name):
    base = ARGS[name](aim) if name in ARGS else {}
    places = _leaves(base)
    if not places:
        pytest.skip(f"{name} takes no arguments")
    token = _token(name, callers)
    registering = name.startswith("register") and name != "registerWebhook"
    wrong: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def attempt(data: st.DataObject) -> None:
        place = data.draw(st.sampled_from(places), label="place")
        value = data.draw(_like(_at(base, place)), label="value")
        variables = _swapped(base, place, value)
        before = _subjects(platform, callers["admin"]) if registering else None
        try:
            text = document(GRAPH, name, base)
            status, raw = post(platform, text, variables, token)
        except (TypeError, ValueError):
            return  # not representable as JSON (NaN...): no request to send
        TRIED[name] += 1
        problems = _problems(name, status, raw)
        if registering:
            answer = json.loads(raw) if status == 200 else {}
            after = _subjects(platform, callers["admin"])
            if answer.get("errors"):
                if len(after) != len(before or []):
                    problems.append("a refused registration changed the commune's list")
            else:
                known = {n["enrolmentId"] for n in before or []}
                new = [n for n in after if n["enrolmentId"] not in known]
                stored = [n["name"] for n in new if CONTROL.search(n["name"] or "")]
                if stored:
                    problems.append(f"stored with control characters: {stored[:1]!r}")
        wrong.extend(f"{place}={_short(value)}: {p}" for p in problems)

    attempt()
    alive = graphql(platform, '{ orgUnit(code: "20") { name } }')
    assert alive["data"]["orgUnit"]["name"] == "Tỉnh Lạng Sơn"
    assert wrong == [], "\n".join(wrong[:10])


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else f"{text[:40]}…({len(text)} chars)"


# Found by the test above and fixed on other branches of issue 16, each pinned on one request:
# a year the calendar cannot hold (0, negative; a float -0.0 is coerced to 0) reaches
# registration.unit_for_year, whose date(year, 12, 31) raises (INTERNAL); control characters
# are stored in names.
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""


@pytest.mark.parametrize("year", [0, -1])
def test_a_year_outside_the_calendar_is_a_field_error(platform, callers, year):
    household = {"communeCode": COMMUNE, "headName": "Hà Thị Năm", "address": "Thôn 2"}
    answer = graphql(platform, REGISTER, {"input": {**household, "year": year}}, callers["admin"])
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert [f["field"] for f in error["extensions"]["fields"]] == ["year"]


def test_control_characters_are_refused_or_stripped(platform, callers):
    household = {"communeCode": COMMUNE, "headName": "Lê\x00Thị\x07Bảy", "address": "Thôn\x1b3"}
    answer = graphql(platform, REGISTER, {"input": {**household, "year": 2024}}, callers["admin"])
    if answer.get("errors"):
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        return
    names = [n["name"] for n in _subjects(platform, callers["admin"])]
    assert not [n for n in names if CONTROL.search(n or "")]


@pytest.mark.parametrize(
    "value",
    [{"year": "hai nghìn"}, {"title": "NOT_A_TITLE"}, {"year": 2**31}],
    ids=["string-for-int", "unknown-enum", "int-overflow"],
)
def test_a_variable_of_the_wrong_type_is_a_vietnamese_field_error(platform, callers, value):
    """Most hostile inputs above (COERCION) stop at graphql-core's own English message
    ("Variable '$input' got invalid value …", no code): they should read like every other
    refusal."""
    given = {"unitCode": COMMUNE, "title": "FAMILY", "year": 2024, **value}
    answer = graphql(
        platform,
        "mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }",
        {"input": given},
        callers["admin"],
    )
    (error,) = answer["errors"]
    assert error.get("extensions", {}).get("code") == "BAD_USER_INPUT", error
    assert VIETNAMESE.search(error["message"]), error


# Every mutation taking a spreadsheet: (mutation, input type, the input around the file).
UPLOADS = {
    "startImport": lambda t, b64, name: {
        "communeCode": t.commune,
        "kind": "HOUSEHOLD",
        "year": 2024,
        "fileName": name,
        "content": b64,
    },
    "importHamlets": lambda t, b64, name: {"fileName": name, "content": b64},
    "importDenominators": lambda t, b64, name: {"fileName": name, "content": b64},
    "importTitleHistoryFile": lambda t, b64, name: {
        "unitCode": t.commune,
        "fileName": name,
        "content": b64,
    },
    "importListReview": lambda t, b64, name: {
        "unitCode": t.commune,
        "title": "FAMILY",
        "year": 2024,
        "documentId": "BB-X",
        "meetingDate": "2024-11-01",
        "minutes": "Biên bản",
        "fileName": name,
        "content": b64,
    },
    "decideRecognitionFromSheet": lambda t, b64, name: {
        "proposalId": t.proposal,
        "decisionNumber": "1/QĐ",
        "decisionDate": "2024-12-01",
        "signer": "Ai Đó",
        "sheetFileName": name,
        "sheet": b64,
    },
}


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_hostile_uploads_are_refused_with_a_reason_and_import_nothing(platform, callers, aim, name):
    token = _token(name, callers)
    _, field = operations(GRAPH)[name]
    input_type = str(field.args["input"].type)
    text = f"mutation($input: {input_type}) {{ {name}(input: $input) {{ __typename }} }}"
    before = _subjects(platform, callers["admin"])
    wrong = []
    for kind, (content, file_name) in hostile_files().items():
        given = UPLOADS[name](aim, base64.b64encode(content).decode(), file_name)
        status, raw = post(platform, text, {"input": given}, token)
        TRIED[name] += 1
        answer = json.loads(raw)
        codes = [(e.get("extensions") or {}).get("code") for e in answer.get("errors") or []]
        if status != 200 or codes != ["BAD_USER_INPUT"] or (answer.get("data") or {}).get(name):
            wrong.append(f"{kind}: {status} {raw[:300]}")
        wrong += [f"{kind}: {p}" for p in _problems(name, status, raw)]
    assert _subjects(platform, callers["admin"]) == before
    assert wrong == [], "\n".join(wrong)


def test_zz_report_the_number_of_bad_inputs_tried():
    """Printed for the issue's closing note (runs after the mutations above)."""
    total = sum(TRIED.values())
    print(
        f"\nbad inputs tried: {total} over {len(TRIED)} mutations;"
        f" answered with graphql-core's English variable errors: {sum(COERCION.values())}"
        f" ({unicodedata.normalize('NFC', 'lỗi kiểu biến')} before any resolver)"
    )
    assert total >= 0
