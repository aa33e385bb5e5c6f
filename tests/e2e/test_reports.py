"""Reports and programme targets on the running platform, through /graphql only, in Hà Nội's
Quận Tây Hồ (wards 00091 and 00094, used by no other end-to-end file).

- A province's admin sets its own, higher target; a lower share is refused with a Vietnamese
  field error; a ward officer and another province may not.
- Households registered for 2024 and recognitions of 2023 imported from paper: the ward's
  report shows exactly what was entered, and the district's figure of every title and year
  equals the sum of its wards'. Refused to a sibling ward, a partner and another province.
  (Needs registration's ``denominators_of`` / ``branch_kinds_many`` and the fund's
  ``report_figures_many``: skipped until those RPCs are in the code.)
"""

import random

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from services.fund.entrypoint import FundService
from services.registration.entrypoint import RegistrationService
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

DISTRICT, WARD, SIBLING = "003", "00091", "00094"
SET_TARGET = """mutation($input: ProvinceTargetInput!) { setProvinceTarget(input: $input) {
  code share mountainShare fromYear toYear source } }"""
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
IMPORT = """mutation($input: ImportTitleHistoryInput!) { importTitleHistory(input: $input) {
  imported errors { row field key message } } }"""
REGISTERED = """query($code: String!) { orgUnit(code: $code, tenant: "01") {
  stats(year: 2024) { title(title: FAMILY) { registered } } } }"""
REPORT = """query($code: String!) {
  report(unitCode: $code, fromYear: 2023, toYear: 2024, tenant: "01") {
    unit { code names { year name } } issuer
    titles { title year registered recognised rateOfRegistered rateOfDenominator }
    children { code registered { title count } recognised { title count } }
    progress { target { code share overriddenByProvince } numerator denominator share met }
    notes } }"""

SOURCES_MERGED = all(
    hasattr(service, name)
    for service, name in (
        (RegistrationService, "denominators_of"),
        (RegistrationService, "branch_kinds_many"),
        (FundService, "report_figures_many"),
    )
)


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def refused(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert not (answer.get("data") or {}).get("report") and "errors" in answer
    return answer["errors"][0]["extensions"]


def token(platform, unit, role, name, tenant="01"):
    config = load_config(env=platform.settings())
    return create_token(config, tenant, unit, role, name, hours=1)


def test_a_province_sets_its_own_higher_target(platform, tokens):
    hanoi = tokens["hanoi"]
    wanted = {
        "code": "QD387.FAMILY.2025",
        "share": 0.8,
        "fromYear": 2023,
        "toYear": 2025,
        "source": "Kế hoạch 291/KH-UBND ngày 05/12/2022 của UBND thành phố Hà Nội",
    }
    kept = ask(platform, SET_TARGET, {"input": wanted}, hanoi)["setProvinceTarget"]
    assert (kept["code"], kept["share"], kept["fromYear"]) == ("QD387.FAMILY.2025", 0.8, 2023)

    lower = graphql(platform, SET_TARGET, {"input": {**wanted, "share": 0.6}}, token=hanoi)
    (field,) = lower["errors"][0]["extensions"]["fields"]
    assert (field["field"], field["key"]) == ("share", "target_below_national")
    assert field["message"] == "Tỷ lệ của tỉnh không được thấp hơn mục tiêu quốc gia: 70%."
    outside = graphql(platform, SET_TARGET, {"input": {**wanted, "toYear": 2027}}, token=hanoi)
    assert outside["errors"][0]["extensions"]["fields"][0]["key"] == "target_years_outside"

    officer = token(platform, WARD, Role.COMMUNE_OFFICER, "reports-officer")
    for who in (officer, tokens["admin"]):  # a ward officer; Lạng Sơn's admin
        answer = graphql(platform, SET_TARGET, {"input": {**wanted, "tenant": "01"}}, token=who)
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def register(platform, ward, names, officer):
    subjects = []
    for name in names:
        phone = "09" + "".join(random.choice("0123456789") for _ in range(8))
        household = {
            "tenant": "01",
            "communeCode": ward,
            "headName": name,
            "address": f"Tổ dân phố 3 {phone}",
            "year": 2024,
            "phone": phone,
        }
        found = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"]
        subjects.append(found["enrolmentId"].split("-", 3)[3])
    return subjects


def import_2023(platform, ward, subjects, officer):
    rows = [
        {
            "subjectId": subject,
            "title": "FAMILY",
            "year": 2023,
            "decisionNumber": "12/QĐ-UBND",
            "decisionDate": "2023-12-15",
            "signer": "Chủ tịch UBND phường",
        }
        for subject in subjects
    ]
    done = ask(
        platform, IMPORT, {"input": {"tenant": "01", "unitCode": ward, "rows": rows}}, officer
    )
    assert done["importTitleHistory"]["errors"] == []


def figures(report, title, year):
    return next(r for r in report["titles"] if r["title"] == title and r["year"] == year)


@pytest.mark.skipif(
    not SOURCES_MERGED,
    reason="needs registration.denominators_of / branch_kinds_many and fund.report_figures_many",
)
def test_a_report_shows_what_was_entered_and_the_district_is_the_sum_of_its_wards(platform, tokens):
    officer = token(platform, WARD, Role.COMMUNE_OFFICER, "reports-ward")
    sibling = token(platform, SIBLING, Role.COMMUNE_OFFICER, "reports-sibling")
    before = {
        code: ask(platform, REGISTERED, {"code": code}, tokens["hanoi"])["orgUnit"]["stats"]
        for code in (WARD, SIBLING)
    }
    ours = register(platform, WARD, ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Hoa"], officer)
    theirs = register(platform, SIBLING, ["Phạm Văn Minh", "Đỗ Thị Thu"], sibling)
    import_2023(platform, WARD, ours[:2], officer)
    import_2023(platform, SIBLING, theirs[:1], sibling)
    for code, added in ((WARD, 3), (SIBLING, 2)):
        was = before[code]["title"]["registered"]

        def counted(code=code, target=was + added):
            found = ask(platform, REGISTERED, {"code": code}, tokens["hanoi"])["orgUnit"]
            return found["stats"]["title"]["registered"] == target

        wait_until(counted, 30, what=f"{code}'s registrations counted")

    report = ask(platform, REPORT, {"code": WARD}, officer)["report"]
    assert report["unit"]["code"] == WARD and report["issuer"].startswith("Hội Khuyến học ")
    assert figures(report, "FAMILY", 2024)["registered"] == 3
    # the imported 2023 recognitions (their enrolments count as registered that year too)
    assert figures(report, "FAMILY", 2023)["recognised"] == 2
    assert figures(report, "FAMILY", 2023)["registered"] == 2
    assert figures(report, "FAMILY", 2023)["rateOfRegistered"] == 1.0
    family = next(r for r in report["progress"] if r["target"]["code"] == "QD387.FAMILY.2025")
    assert family["target"]["share"] == 0.8 and family["target"]["overriddenByProvince"]

    district = ask(platform, REPORT, {"code": DISTRICT}, tokens["hanoi"])["report"]
    children = {c["code"]: c for c in district["children"]}
    assert {WARD, SIBLING} <= set(children)
    for row in (r for r in district["titles"] if r["year"] == 2024):
        for name in ("registered", "recognised"):
            total = sum(
                next(t["count"] for t in child[name] if t["title"] == row["title"])
                for child in children.values()
            )
            assert row[name] == total, (row["title"], name)
    mine = next(t["count"] for t in children[WARD]["registered"] if t["title"] == "FAMILY")
    assert mine == 3

    # who may not read it
    assert refused(platform, REPORT, {"code": WARD}, sibling)["code"] == "FORBIDDEN"
    partner = token(platform, "01", Role.PARTNER, "reports-partner")
    assert refused(platform, REPORT, {"code": WARD}, partner)["code"] == "FORBIDDEN"
    assert refused(platform, REPORT, {"code": WARD}, tokens["admin"])["code"] == "FORBIDDEN"
