"""Denominators and hamlets through the gateway, with the real store: entries, partial
updates, the roll-up to the district, hamlets as units, the sheet import, and every refusal
(another tenant, a sibling commune, a wrong role, bad input)."""

import base64
import urllib.request

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.sheets import read_all, write_workbook
from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.registration.association.kinds import kinds_many, province_branches
from services.registration.denominators import service as denominators
from services.registration.denominators.sheet import COLUMNS
from services.registration.denominators.store import Denominators
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory

SET = """mutation($input: SetDenominatorsInput!) { setDenominators(input: $input) {
  unitCode denominators { year population households hamlets mountain incomplete
  sources { figure source asOf unitCode } } } }"""
READ = """query($code: String!, $year: Int!) { orgUnit(code: $code) {
  denominators(year: $year) { population households adults clans hamlets units staff mountain
  incomplete sources { figure source unitCode } } } }"""
CREATE_HAMLET = """mutation($input: CreateHamletInput!) { createHamlet(input: $input) {
  created hamlet { code name kind kindName level path parent { code } } } }"""
RENAME_HAMLET = """mutation($input: RenameHamletInput!) { renameHamlet(input: $input) {
  hamlet { code name } } }"""
CLOSE_HAMLET = """mutation($input: CloseHamletInput!) { closeHamlet(input: $input) {
  hamlet { code validTo } } }"""
PAGE = """query($code: String!) { orgUnit(code: $code) {
  children { code denominators(year: 2024) { population } } } }"""
CHILDREN = """query($code: String!) { orgUnit(code: $code) { children { code level kind } } }"""
IMPORT = """mutation($input: ImportDenominatorsInput!) { importDenominators(input: $input) {
  imported } }"""
BRANCH = """mutation($input: CreateBranchInput!) { createBranch(input: $input) {
  branch { code kind kindName } } }"""

COMMUNE = token_for("20/183/06184", Role.COMMUNE_OFFICER)
SIBLING = token_for("20/183/06187", Role.COMMUNE_OFFICER)
OTHER_TENANT = token_for("01", Role.PROVINCE_ADMIN)
BRANCH_OFFICER = token_for("20/183/06184", Role.BRANCH_OFFICER)


@pytest.fixture
def directory(config):
    load_demo_directory(config, "20", "01")


def read(gateway, code, year=2024):
    return gateway(READ, {"code": code, "year": year}, token=None)["orgUnit"]["denominators"]


def enter(gateway, token=COMMUNE, **values):
    given = {"unitCode": "06184", "year": 2024, "source": "Niên giám thống kê 2024", **values}
    return gateway(SET, {"input": given}, token=token)["setDenominators"]


def refused(call, *args, **kwargs):
    with pytest.raises(GraphQLError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_entries_partial_updates_and_the_roll_up_to_the_district(directory, gateway):
    answer = enter(gateway, population=12000, households=3000, asOf="2024-12-31")
    assert answer["unitCode"] == "06184"
    assert answer["denominators"]["population"] == 12000
    assert {
        "figure": "POPULATION",
        "source": "Niên giám thống kê 2024",
        "asOf": "2024-12-31",
        "unitCode": "06184",
    } in answer["denominators"]["sources"]
    enter(gateway, households=3100, source="Báo cáo UBND phường")  # partial: population kept
    own = read(gateway, "06184")
    assert own["population"] == 12000 and own["households"] == 3100 and own["adults"] is None
    assert "adults" in own["incomplete"] and "population" not in own["incomplete"]
    enter(gateway, token=SIBLING, unitCode="06187", population=8000, mountain=True)
    district = read(gateway, "183")
    assert district["population"] == 20000  # the other communes have none: incomplete
    assert "population" in district["incomplete"] and district["mountain"] is False
    assert read(gateway, "06187")["mountain"] is True
    assert read(gateway, "06184", 2023)["population"] is None  # another year: nothing
    page = gateway(PAGE, {"code": "183"}, token=None)["orgUnit"]["children"]
    figures = {c["code"]: c["denominators"]["population"] for c in page}
    assert figures["06184"] == 12000 and figures["06187"] == 8000 and figures["06190"] is None


def test_hamlets_are_units_of_their_commune_and_count_as_its_hamlets(directory, gateway):
    def create(name, token=COMMUNE, **extra):
        given = {"communeCode": "06184", "name": name, **extra}
        return gateway(CREATE_HAMLET, {"input": given}, token=token)["createHamlet"]

    first = create("Thôn Đông")
    hamlet = first["hamlet"]
    assert first["created"] is True and hamlet["code"] == "06184-T01"
    assert hamlet["level"] == "HAMLET" and hamlet["path"] == "20/183/06184/06184-T01"
    assert hamlet["kind"] == "THON" and hamlet["kindName"] == "Thôn"
    assert hamlet["parent"] == {"code": "06184"}
    assert create("thon  DONG") == {**first, "created": False}  # however typed
    second = create("Tổ dân phố 3", kind="TO_DAN_PHO")["hamlet"]
    assert second["code"] == "06184-T03" and second["kindName"] == "Tổ dân phố"
    children = gateway(CHILDREN, {"code": "06184"}, token=None)["orgUnit"]["children"]
    assert {"code": "06184-T01", "level": "HAMLET", "kind": "THON"} in children
    assert read(gateway, "06184")["hamlets"] == 2  # from the directory, never entered
    search = """query { orgUnits(level: HAMLET, parent: "06184", search: "dong") {
      nodes { code } } }"""
    assert gateway(search, token=None)["orgUnits"]["nodes"] == [{"code": "06184-T01"}]
    assert read(gateway, "06184")["sources"] == [
        {
            "figure": "HAMLETS",
            "source": "Danh mục thôn, tổ dân phố trên hệ thống",
            "unitCode": "06184",
        }
    ]
    enter(gateway, unitCode="06184-T01", population=900)
    assert read(gateway, "06184")["population"] == 900
    assert "population" in read(gateway, "06184")["incomplete"]  # the other hamlet has none

    renamed = gateway(
        RENAME_HAMLET, {"input": {"code": "06184-T03", "name": "Tổ dân phố Ba"}}, token=COMMUNE
    )
    assert renamed["renameHamlet"]["hamlet"]["name"] == "Tổ dân phố Ba"
    taken = refused(
        gateway, RENAME_HAMLET, {"input": {"code": "06184-T03", "name": "Đông"}}, token=COMMUNE
    )
    assert taken.errors[0]["extensions"]["fields"][0]["key"] == "hamlet_name_taken"
    closed = gateway(
        CLOSE_HAMLET, {"input": {"code": "06184-T03", "on": "2024-06-30"}}, token=COMMUNE
    )["closeHamlet"]["hamlet"]
    assert closed["validTo"] == "2024-06-30"
    again = refused(
        gateway, CLOSE_HAMLET, {"input": {"code": "06184-T03", "on": "2024-07-01"}}, token=COMMUNE
    )
    # a unit that has ended is refused by the gateway's one check for every write
    assert again.errors[0]["extensions"]["fields"][0]["key"] == "unit_ended"
    assert (
        "Tổ dân phố Ba không còn tồn tại" in again.errors[0]["extensions"]["fields"][0]["message"]
    )
    assert read(gateway, "06184", 2025)["hamlets"] == 1  # closed in 2024: not on 2025's map


def test_every_write_is_refused_outside_the_callers_reach(directory, gateway):
    enter(gateway, population=12000)
    hamlet = {"communeCode": "06184", "name": "Thôn Tây"}
    writes = [
        (SET, {"unitCode": "06184", "year": 2024, "population": 1, "source": "x"}),
        (CREATE_HAMLET, hamlet),
    ]
    for query, given in writes:
        for token in (SIBLING, BRANCH_OFFICER):
            assert refused(gateway, query, {"input": given}, token=token).code == ("FORBIDDEN")
        other = refused(gateway, query, {"input": {**given, "tenant": "20"}}, token=OTHER_TENANT)
        assert other.code == "FORBIDDEN"
        # in its own tenant the other province finds no such unit: a field error
        assert refused(gateway, query, {"input": given}, token=OTHER_TENANT).code == (
            "BAD_USER_INPUT"
        )
    code = gateway(CREATE_HAMLET, {"input": hamlet}, token=COMMUNE)["createHamlet"]["hamlet"]
    for token in (SIBLING, BRANCH_OFFICER):
        rename = {"code": code["code"], "name": "Thôn Tây Mới"}
        assert refused(gateway, RENAME_HAMLET, {"input": rename}, token=token).code == ("FORBIDDEN")
        close = {"code": code["code"], "on": "2024-06-30"}
        assert refused(gateway, CLOSE_HAMLET, {"input": close}, token=token).code == ("FORBIDDEN")
    for query, given in (
        (RENAME_HAMLET, {"code": code["code"], "name": "Thôn Tây Mới"}),
        (CLOSE_HAMLET, {"code": code["code"], "on": "2024-06-30"}),
    ):
        other = refused(gateway, query, {"input": {**given, "tenant": "20"}}, token=OTHER_TENANT)
        assert other.code == "FORBIDDEN"
        own = refused(gateway, query, {"input": given}, token=OTHER_TENANT)  # not in tenant 01
        assert own.errors[0]["extensions"]["fields"][0]["key"] == "hamlet_not_found"
    children = gateway(CHILDREN, {"code": "06184"}, token=None)["orgUnit"]["children"]
    assert {"code": code["code"], "level": "HAMLET", "kind": "THON"} in children  # still open
    assert read(gateway, "06184")["population"] == 12000  # nothing changed
    content = sheet([{"unitCode": "06184", "year": 2024, "population": 1, "source": "x"}])
    foreign = refused(
        gateway,
        IMPORT,
        {"input": {"fileName": "a.xlsx", "content": content, "tenant": "20"}},
        token=OTHER_TENANT,
    )
    assert foreign.code == "FORBIDDEN"
    inside = refused(  # in its own tenant, Lạng Sơn's ward is no unit of Hà Nội
        gateway, IMPORT, {"input": {"fileName": "a.xlsx", "content": content}}, token=OTHER_TENANT
    )
    assert "Dòng 3, cột Mã đơn vị" in inside.errors[0]["extensions"]["fields"][0]["message"]
    assert read(gateway, "06184")["population"] == 12000
    assert (
        refused(
            gateway, IMPORT, {"input": {"fileName": "a.xlsx", "content": ""}}, token=BRANCH_OFFICER
        ).code
        == "FORBIDDEN"
    )


def test_bad_input_is_a_vietnamese_field_error_and_changes_nothing(directory, gateway):
    enter(gateway, population=12000)
    cases = [
        ({"population": -1}, "population", "figure_range"),
        ({"population": 5, "source": ""}, "source", "source_blank"),
        ({"year": 1990, "population": 5}, "year", "year_range"),  # gateway/years.py
        ({}, "population", "no_figures"),
        ({"unitCode": "6184", "population": 5}, "unitCode", "denominator_unit_format"),
    ]
    for values, field, key in cases:
        error = refused(enter, gateway, **values)
        assert error.code == "BAD_USER_INPUT"
        fields = error.errors[0]["extensions"]["fields"]
        assert {"field": field, "key": key} in [
            {"field": f["field"], "key": f["key"]} for f in fields
        ], fields
        assert all(f["message"][0].isupper() for f in fields)
    kind = refused(
        gateway, CREATE_HAMLET, {"input": {"communeCode": "06184", "name": " "}}, token=COMMUNE
    )
    assert kind.errors[0]["extensions"]["fields"][0]["field"] == "name"
    assert read(gateway, "06184")["population"] == 12000


def sheet(rows):
    return base64.b64encode(write_workbook("SỐ LIỆU", COLUMNS, rows=rows)).decode()


def test_a_sheet_writes_every_row_or_none(directory, gateway):
    good = [
        {
            "unitCode": "06184",
            "year": 2024,
            "population": 12000,
            "households": 3000,
            "source": "Niên giám 2024",
        },
        {"unitCode": "06187", "year": 2024, "population": 8000, "source": "Niên giám 2024"},
    ]
    bad = [
        *good,
        {"unitCode": "99999", "year": 2024, "population": 1, "source": "x"},
        {"unitCode": "06190", "year": 2024, "population": -4, "source": "x"},
    ]
    district = token_for("20/183", Role.DISTRICT_OFFICER)
    error = refused(
        gateway,
        IMPORT,
        {"input": {"fileName": "so-lieu.xlsx", "content": sheet(bad)}},
        token=district,
    )
    messages = [f["message"] for f in error.errors[0]["extensions"]["fields"]]
    assert any(m.startswith("Dòng 5, cột Mã đơn vị") for m in messages), messages
    assert any("Dòng 6, cột Dân số" in m for m in messages), messages
    assert read(gateway, "06184")["population"] is None  # nothing written
    outside = refused(
        gateway,
        IMPORT,
        {"input": {"fileName": "so-lieu.xlsx", "content": sheet(good)}},
        token=COMMUNE,
    )
    assert "Dòng 4" in outside.errors[0]["extensions"]["fields"][0]["message"]  # 06187
    done = gateway(
        IMPORT, {"input": {"fileName": "so-lieu.xlsx", "content": sheet(good)}}, token=district
    )
    assert done["importDenominators"]["imported"] == 2
    assert read(gateway, "183")["population"] == 20000


def test_the_report_rpcs_answer_per_path_and_summed(directory, gateway, config):
    enter(gateway, population=12000)
    enter(gateway, token=SIBLING, unitCode="06187", population=8000)
    store = Denominators(TenantDatabase(service_database(config, "registration"), "20"))
    many = denominators.denominators_many(store, ["20/183/06184", "20/183/06187", "01/001"], 2024)
    assert many["20/183/06184"]["population"] == 12000
    assert many["01/001"]["population"] is None
    total = denominators.denominators_of(store, ["20/183/06184", "20/183/06187"], 2024)
    assert total["population"] == 20000 and "population" not in total["incomplete"]
    for kind in ("RESIDENTIAL", "SCHOOL", "SCHOOL"):
        given = {
            "communeCode": "06184",
            "name": f"Chi hội {kind} {len(kind)}",
            "kind": kind,
            "openedOn": "2020-01-15",
        }
        branch = gateway(BRANCH, {"input": given}, token=COMMUNE)["createBranch"]["branch"]
    assert branch["kindName"] == "Chi hội trường học"
    db = TenantDatabase(service_database(config, "registration"), "20")
    counted = kinds_many(province_branches(db), [UnitPath.parse("20/183")], 2024)
    assert counted["20/183"]["residential"] == 1 and counted["20/183"]["school"] == 1


COMMUNITY = """mutation($input: RegisterCommunityInput!) { registerCommunity(input: $input) {
  enrolmentId subjectId created unitPath } }"""


def test_a_village_community_is_its_hamlet(directory, gateway):
    def register(token=COMMUNE, **given):
        values = {"communeCode": "06184", "year": 2024, **given}
        return gateway(COMMUNITY, {"input": values}, token=token)["registerCommunity"]

    first = register(name="Thôn Bắc Sơn", households=120)
    assert first["created"] is True
    children = gateway(CHILDREN, {"code": "06184"}, token=None)["orgUnit"]["children"]
    hamlet = next(c for c in children if c["level"] == "HAMLET")
    assert hamlet["code"].startswith("06184-T")
    assert first["unitPath"] == f"20/183/06184/{hamlet['code']}"  # kept at its hamlet
    by_code = register(hamletCode=hamlet["code"])  # the same hamlet, named by its code
    assert by_code["subjectId"] == first["subjectId"] and by_code["created"] is False
    assert by_code["unitPath"] == first["unitPath"]
    assert register(name="bắc sơn")["subjectId"] == first["subjectId"]  # however typed
    assert read(gateway, "06184")["hamlets"] == 1

    gateway(CREATE_HAMLET, {"input": {"communeCode": "06187", "name": "Thôn Nà"}}, token=SIBLING)
    elsewhere = refused(
        gateway,
        COMMUNITY,
        {"input": {"communeCode": "06184", "year": 2024, "hamletCode": "06187-T01"}},
    )
    assert elsewhere.errors[0]["extensions"]["fields"][0] == {
        "field": "hamletCode",
        "key": "hamlet_not_found",
        "message": "Không tìm thấy thôn, tổ dân phố này trong tỉnh đã chọn.",
    }
    neither = refused(gateway, COMMUNITY, {"input": {"communeCode": "06184", "year": 2024}})
    assert neither.errors[0]["extensions"]["fields"][0]["field"] == "name"
    gateway(CLOSE_HAMLET, {"input": {"code": hamlet["code"], "on": "2023-06-30"}}, token=COMMUNE)
    closed = refused(
        gateway,
        COMMUNITY,
        {"input": {"communeCode": "06184", "year": 2024, "hamletCode": hamlet["code"]}},
    )
    assert closed.errors[0]["extensions"]["fields"][0]["key"] == "hamlet_closed"
    foreign = refused(
        gateway,
        COMMUNITY,
        {"input": {"communeCode": "06184", "year": 2024, "name": "Thôn X"}},
        token=SIBLING,
    )
    assert foreign.code == "FORBIDDEN"


IMPORT_HAMLETS = """mutation($input: ImportHamletsInput!) { importHamlets(input: $input) {
  created existing } }"""


def test_hamlets_come_from_a_sheet_all_or_none_and_templates_download(directory, gateway):
    from services.registration.directory.hamlets_sheet import COLUMNS as HAMLET_COLUMNS

    def upload(rows, token=COMMUNE):
        content = base64.b64encode(write_workbook("THÔN", HAMLET_COLUMNS, rows=rows)).decode()
        return gateway(
            IMPORT_HAMLETS, {"input": {"fileName": "thon.xlsx", "content": content}}, token=token
        )

    good = [
        {"communeCode": "06184", "name": "Thôn Pò Mỏ", "kind": "Thôn"},
        {"communeCode": "06184", "name": "Khu phố 2", "kind": "Khu phố"},
    ]
    bad = [*good, {"communeCode": "06187", "name": "Thôn Nà"}, {"communeCode": "06184"}]
    error = refused(upload, bad)
    messages = [f["message"] for f in error.errors[0]["extensions"]["fields"]]
    assert any(m.startswith("Dòng 5, cột Mã xã") for m in messages), messages  # 06187: sibling
    assert any(m.startswith("Dòng 6") for m in messages), messages
    children = gateway(CHILDREN, {"code": "06184"}, token=None)["orgUnit"]["children"]
    assert not [c for c in children if c["level"] == "HAMLET"]  # nothing created
    assert upload(good)["importHamlets"] == {"created": 2, "existing": 0}
    assert upload(good)["importHamlets"] == {"created": 0, "existing": 2}
    children = gateway(CHILDREN, {"code": "06184"}, token=None)["orgUnit"]["children"]
    assert {(c["code"], c["kind"]) for c in children if c["level"] == "HAMLET"} == {
        ("06184-T01", "THON"),
        ("06184-T02", "KHU_PHO"),
    }
    assert refused(upload, good, token=BRANCH_OFFICER).code == "FORBIDDEN"
    assert refused(upload, good, token=OTHER_TENANT).errors[0]["extensions"]["fields"]

    for kind in ("denominators", "hamlets"):
        url = f"http://{gateway.address}/files/templates/{kind}.xlsx"
        with urllib.request.urlopen(url, timeout=30) as response:
            content = response.read()
        assert content[:2] == b"PK"
        columns = COLUMNS if kind == "denominators" else HAMLET_COLUMNS
        _, rows = read_all(content, f"{kind}.xlsx", columns)
        assert rows and not rows[0].problems  # the example row reads back


def test_a_merged_communes_earlier_years_are_its_predecessors_summed(directory, gateway, config):
    from datetime import date

    from services.registration.directory.service import record_change
    from services.registration.directory.store import DirectoryStore

    enter(gateway, population=12000, households=3000)
    enter(gateway, token=SIBLING, unitCode="06187", population=8000)
    store = DirectoryStore(TenantDatabase(service_database(config, "registration"), "20"))
    record_change(store, date(2025, 1, 1), ["06184", "06187"], [("06900", "Phường Đồng Đăng Mới")])
    merged = read(gateway, "06900", 2024)  # before it existed: its predecessors' figures
    assert merged["population"] == 20000 and "population" not in merged["incomplete"]
    assert merged["households"] == 3000 and "households" in merged["incomplete"]
    assert {s["unitCode"] for s in merged["sources"]} == {"06184", "06187"}
    assert read(gateway, "06900", 2025)["population"] is None  # nothing entered for it yet
    assert read(gateway, "183", 2024)["population"] == 20000  # the old map, unchanged


BRANCH_HAMLET = """mutation($input: SetBranchHamletInput!) { setBranchHamlet(input: $input) {
  hamletCode branch { code kindName } } }"""


def test_a_residential_branch_names_its_hamlet(directory, gateway):
    def branch(name, kind, commune="06184", token=COMMUNE):
        given = {"communeCode": commune, "name": name, "kind": kind, "openedOn": "2020-01-15"}
        return gateway(BRANCH, {"input": given}, token=token)["createBranch"]["branch"]["code"]

    def hamlet(name, commune="06184", token=COMMUNE):
        given = {"communeCode": commune, "name": name}
        return gateway(CREATE_HAMLET, {"input": given}, token=token)["createHamlet"]["hamlet"]

    residential, school = (
        branch("Chi hội Thôn Đông", "RESIDENTIAL"),
        branch("Chi hội THCS", "SCHOOL"),
    )
    east, other = hamlet("Thôn Đông")["code"], hamlet("Thôn Nà", "06187", SIBLING)["code"]
    done = gateway(
        BRANCH_HAMLET, {"input": {"branchCode": residential, "hamletCode": east}}, token=COMMUNE
    )["setBranchHamlet"]
    assert done == {
        "hamletCode": east,
        "branch": {"code": residential, "kindName": "Chi hội khu dân cư/thôn"},
    }
    for given, key in (
        ({"branchCode": school, "hamletCode": east}, "branch_not_residential"),
        ({"branchCode": residential, "hamletCode": other}, "hamlet_not_found"),
        ({"branchCode": residential, "hamletCode": "bad"}, "hamlet_format"),
    ):
        error = refused(gateway, BRANCH_HAMLET, {"input": given}, token=COMMUNE)
        assert error.errors[0]["extensions"]["fields"][0]["key"] == key
    for token in (SIBLING, BRANCH_OFFICER):
        error = refused(
            gateway,
            BRANCH_HAMLET,
            {"input": {"branchCode": residential, "hamletCode": east}},
            token=token,
        )
        assert error.code == "FORBIDDEN"
    error = refused(
        gateway,
        BRANCH_HAMLET,
        {"input": {"branchCode": residential, "hamletCode": east, "tenant": "20"}},
        token=OTHER_TENANT,
    )
    assert error.code == "FORBIDDEN"
