"""Denominators and hamlets through the running platform (tenant 01, Quận Cầu Giấy, whose
wards no other end-to-end file uses): officers enter figures and hamlets, a village community
registers by its hamlet, the district reads the roll-up (public), others are refused."""

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

SET = """mutation($input: SetDenominatorsInput!) { setDenominators(input: $input) {
  unitCode denominators { population } } }"""
READ = """query($code: String!) { orgUnit(code: $code, tenant: "01") {
  denominators(year: 2024) { population households hamlets mountain incomplete
  sources { figure source unitCode } }
  children { code level kind kindName } } }"""
HAMLET = """mutation($input: CreateHamletInput!) { createHamlet(input: $input) {
  created hamlet { code name level kindName } } }"""
COMMUNITY = """mutation($input: RegisterCommunityInput!) { registerCommunity(input: $input) {
  subjectId created unitPath } }"""


@pytest.fixture(scope="module")
def officers(platform):
    config = load_config(env=platform.settings())
    made = {
        "ward": ("01", "00157", Role.COMMUNE_OFFICER),
        "neighbour": ("01", "00160", Role.COMMUNE_OFFICER),
        "district": ("01", "005", Role.DISTRICT_OFFICER),
        "auditor": ("01", "005", Role.AUDITOR),
        "lang_son": ("20", "20", Role.PROVINCE_ADMIN),
    }
    return {n: create_token(config, t, u, r, f"den-{n}", hours=1) for n, (t, u, r) in made.items()}


def ask(platform, query, variables, token=None):
    return graphql(platform, query, variables, token=token)


def code_of(answer):
    return answer["errors"][0]["extensions"]["code"]


def test_a_ward_enters_its_figures_and_hamlets_and_the_district_reads_the_sum(platform, officers):
    entry = {
        "unitCode": "00157",
        "year": 2024,
        "population": 29000,
        "households": 8100,
        "source": "Niên giám thống kê Hà Nội 2024",
        "asOf": "2024-12-31",
    }
    answer = ask(platform, SET, {"input": entry}, officers["ward"])
    assert answer["data"]["setDenominators"]["denominators"]["population"] == 29000
    other = {**entry, "unitCode": "00160", "population": 21000, "households": None}
    assert ask(platform, SET, {"input": other}, officers["district"])["data"]
    for name in ("Tổ dân phố 1", "Tổ dân phố 2", "tổ dân phố  1"):
        made = ask(
            platform, HAMLET, {"input": {"communeCode": "00157", "name": name}}, officers["ward"]
        )["data"]["createHamlet"]
        assert made["hamlet"]["level"] == "HAMLET" and made["hamlet"]["kindName"] == "Tổ dân phố"
    community = ask(
        platform,
        COMMUNITY,
        {"input": {"communeCode": "00157", "year": 2024, "name": "TDP 2", "households": 300}},
        officers["ward"],
    )["data"]["registerCommunity"]
    assert community["created"] is True  # kept at its hamlet, "Tổ dân phố 2"
    assert community["unitPath"] == "01/005/00157/00157-T02"

    ward = ask(platform, READ, {"code": "00157"})["data"]["orgUnit"]  # public, no token
    assert ward["denominators"]["population"] == 29000
    assert ward["denominators"]["hamlets"] == 2  # the directory's two, never entered
    assert {c["code"] for c in ward["children"] if c["level"] == "HAMLET"} == {
        "00157-T01",
        "00157-T02",
    }
    district = ask(platform, READ, {"code": "005"})["data"]["orgUnit"]["denominators"]
    assert district["population"] == 50000 and "population" in district["incomplete"]
    assert district["households"] == 8100
    assert {
        "figure": "POPULATION",
        "source": "Niên giám thống kê Hà Nội 2024",
        "unitCode": "00160",
    } in district["sources"]


def test_writes_outside_the_callers_reach_are_refused_and_change_nothing(platform, officers):
    entry = {"unitCode": "00157", "year": 2024, "population": 1, "source": "x"}
    before = ask(platform, READ, {"code": "00157"})["data"]["orgUnit"]["denominators"]
    assert code_of(ask(platform, SET, {"input": entry}, officers["neighbour"])) == "FORBIDDEN"
    assert code_of(ask(platform, SET, {"input": entry}, officers["auditor"])) == "FORBIDDEN"
    foreign = ask(platform, SET, {"input": {**entry, "tenant": "01"}}, officers["lang_son"])
    assert code_of(foreign) == "FORBIDDEN"
    hamlet = {"communeCode": "00157", "name": "Tổ dân phố 9"}
    assert code_of(ask(platform, HAMLET, {"input": hamlet}, officers["neighbour"])) == "FORBIDDEN"
    bad = ask(platform, SET, {"input": {**entry, "population": -5}}, officers["ward"])
    assert code_of(bad) == "BAD_USER_INPUT"
    assert bad["errors"][0]["extensions"]["fields"][0]["message"] == (
        "Số liệu phải là số nguyên từ 0 đến 200.000.000."
    )
    assert ask(platform, READ, {"code": "00157"})["data"]["orgUnit"]["denominators"] == before
