"""The GraphQL face of reports and targets over in-process fakes of the services: ``report``
(officers of the unit's subtree only; 1–10 years), ``OrgUnit.progress`` (scoped like stats)
and ``setProvinceTarget`` (the province's admin; the service's field errors come back)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from gateway.schema import schema
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath
from tests.unit.test_report_compose import FakeRpc

REPORT = """query($code: String!, $from: Int!, $to: Int!, $tenant: String) {
  report(unitCode: $code, fromYear: $from, toYear: $to, tenant: $tenant) {
    unit { code name names { year name } } issuer population households members
    membersShareOfPopulation branches { kind count } branchesTotal
    titles { title year registered recognised recognisedLevel1 recognisedLevel2
             rateOfRegistered rateOfDenominator denominator denominatorName }
    communityRatings { year level label } awards { count amount byYear { year count amount } }
    fund { donationsTotal disbursedTotal balance byYear { year balance } }
    progress { target { code share provisional overriddenByProvince } numerator denominator
               share met missing }
    progressByYear { year rows { numerator } }
    children { code members registered { title count } donationsTotal }
    notes } }"""
PROGRESS = """query($code: String!) { orgUnit(code: $code) { progress(year: 2025) {
  target { code } numerator denominator share met } } }"""
SET_TARGET = """mutation($input: ProvinceTargetInput!) { setProvinceTarget(input: $input) {
  code share mountainShare fromYear toYear source } }"""


def caller(unit: str, role: Role = Role.COMMUNE_OFFICER, tenant: str = "20") -> Caller:
    return Caller("someone", tenant, role, UnitPath.parse(unit))


ADMIN = caller("20", Role.PROVINCE_ADMIN)


class Targets:
    """scoring.set_province_target as the service answers it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    def set_province_target(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.received.append(payload)
        if payload["share"] < 0.7:
            message = "Tỷ lệ của tỉnh không được thấp hơn mục tiêu quốc gia: 70%."
            return {
                "errors": [{"field": "share", "key": "target_below_national", "message": message}]
            }
        return {"target": {"code": payload["code"], "share": payload["share"],
                           "mountain_share": None, "from_year": payload["fromYear"],
                           "to_year": payload["toYear"], "source": payload["source"]}}  # fmt: skip


def run(query: str, variables: dict[str, Any], who: Caller | None, rpc: Any = None) -> Any:
    rpc = rpc or FakeRpc()
    context = SimpleNamespace(rpc=rpc, caller=who)
    return schema.execute(query, variable_values=variables, context_value=context)


def test_an_officer_reads_the_report_of_a_unit_in_reach() -> None:
    found = run(REPORT, {"code": "06184", "from": 2024, "to": 2025}, caller("20/06184"))
    assert found.errors is None, found.errors
    report = found.data["report"]
    assert report["unit"]["names"] == [
        {"year": 2024, "name": "Thị trấn Đồng Đăng, Xã Hoàng Đồng"},
        {"year": 2025, "name": "Phường Đồng Đăng"},
    ]
    assert report["issuer"] == "Hội Khuyến học phường Đồng Đăng"
    family = next(r for r in report["titles"] if r["title"] == "FAMILY" and r["year"] == 2025)
    assert (family["registered"], family["recognised"], family["denominator"]) == (160, 150, 250)
    assert family["rateOfDenominator"] == 0.6 and family["denominatorName"] == "hộ gia đình"
    assert report["awards"]["amount"] == "1300000"  # Money: đồng, as a string
    assert report["membersShareOfPopulation"] == 0.3
    assert [y["year"] for y in report["progressByYear"]] == [2024, 2025]
    assert report["notes"]


def test_the_province_admin_reads_the_province_with_its_children() -> None:
    found = run(REPORT, {"code": "20", "from": 2024, "to": 2025}, ADMIN)
    assert found.errors is None, found.errors
    children = found.data["report"]["children"]
    assert [c["code"] for c in children] == ["06184", "06187"]
    assert found.data["report"]["members"] == sum(c["members"] for c in children)


def refusal(who: Caller | None, code: str = "06184", **more: Any) -> Any:
    found = run(REPORT, {"code": code, "from": 2024, "to": 2025, **more}, who)
    assert found.data is None
    return found.errors[0].extensions


def test_who_may_not_read_a_report() -> None:
    assert refusal(None)["code"] == "UNAUTHENTICATED"
    assert refusal(caller("20/06187"))["code"] == "FORBIDDEN"  # a sibling commune
    assert refusal(caller("20", Role.PARTNER))["code"] == "FORBIDDEN"  # a partner
    assert refusal(caller("01", Role.PROVINCE_ADMIN, "01"))["code"] == "FORBIDDEN"
    assert refusal(ADMIN, tenant="01")["code"] == "FORBIDDEN"  # another tenant's
    assert refusal(caller("20/06184"), code="20")["code"] == "FORBIDDEN"  # above the caller


def test_a_report_is_one_to_ten_years() -> None:
    found = run(REPORT, {"code": "06184", "from": 2015, "to": 2025}, ADMIN)
    (error,) = found.errors
    assert error.extensions["code"] == "BAD_USER_INPUT"
    assert error.extensions["fields"][0]["field"] == "toYear"
    assert "1 đến 10 năm" in error.extensions["fields"][0]["message"]


def test_progress_of_a_unit_is_scoped_like_its_stats() -> None:
    found = run(PROGRESS, {"code": "06184"}, caller("20/06184"))
    assert found.errors is None, found.errors
    row = found.data["orgUnit"]["progress"][0]
    assert row["target"]["code"] == "QD387.FAMILY.2025"
    assert (row["numerator"], row["denominator"], row["share"], row["met"]) == (
        150,
        250,
        0.6,
        False,
    )
    denied = run(PROGRESS, {"code": "06184"}, caller("20/06187"))
    assert denied.errors[0].extensions["code"] == "FORBIDDEN"


def test_the_province_admin_sets_a_higher_target() -> None:
    rpc = FakeRpc()
    rpc.scoring = Targets()  # type: ignore[assignment]
    wanted = {"code": "QD387.FAMILY.2025", "share": 0.85, "fromYear": 2023, "toYear": 2025,
              "source": "Kế hoạch 12/KH-UBND"}  # fmt: skip
    found = run(SET_TARGET, {"input": wanted}, ADMIN, rpc)
    assert found.errors is None, found.errors
    assert found.data["setProvinceTarget"]["share"] == 0.85
    (sent,) = rpc.scoring.received
    assert sent["tenant"] == "20" and sent["fromYear"] == 2023 and sent["by"] == "someone"
    lower = run(SET_TARGET, {"input": {**wanted, "share": 0.6}}, ADMIN, rpc)
    (error,) = lower.errors
    assert error.extensions["code"] == "BAD_USER_INPUT"
    assert error.extensions["fields"][0]["key"] == "target_below_national"


def test_only_the_provinces_admin_sets_a_target() -> None:
    wanted = {"code": "QD387.FAMILY.2025", "share": 0.85, "fromYear": 2023, "toYear": 2025,
              "source": "KH"}  # fmt: skip
    for who in (caller("20/06184"), caller("01", Role.PROVINCE_ADMIN, "01")):
        rpc = FakeRpc()
        rpc.scoring = Targets()  # type: ignore[assignment]
        found = run(SET_TARGET, {"input": {**wanted, "tenant": "20"}}, who, rpc)
        assert found.errors[0].extensions["code"] == "FORBIDDEN"
        assert rpc.scoring.received == []
