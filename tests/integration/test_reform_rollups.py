"""Roll-ups exact across the 2025 reform, through the real gateway and stores (issue 14, item 5).

Lạng Sơn's Xã Hồng Phong of Bình Gia (06079) was split on 1 July 2025: its default successor is
the new Xã Hồng Phong (06079); a part went into Xã Đồng Đăng (06184), which also took Cao Lộc's
Xã Hồng Phong (06205) whole. Its figures must be counted once, at 06079.
"""

import pytest

from gateway.endpoint import INHERITED
from khuyenhoc.auth import Role
from khuyenhoc.storage import service_database
from services.registration.directory.service import reorganise_province
from services.registration.directory.store import directory_stores
from tests.conftest import wait_until
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory

REGISTER = """mutation($code: String!, $name: String!, $year: Int!) {
  registerHousehold(input: {communeCode: $code, headName: $name, address: "Thôn 1",
                            year: $year}) { unitPath enrolmentId } }"""
FAMILY_2024 = "stats(year: 2024) { title(title: FAMILY) { registered } members branches }"


def family(answer):
    return answer["stats"]["title"]["registered"]


def test_the_reform_counts_a_split_commune_once_and_moves_its_branches(config, gateway):
    load_demo_directory(config)
    enrolments = {}
    for code, name in (("06079", "Hộ A"), ("06079", "Hộ B"), ("06205", "Hộ C"), ("06184", "Hộ D")):
        answer = gateway(REGISTER, {"code": code, "name": name, "year": 2024})
        enrolments[name] = answer["registerHousehold"]["enrolmentId"]
    province = f'{{ orgUnit(code: "20") {{ {FAMILY_2024} }} }}'
    wait_until(lambda: family(gateway(province)["orgUnit"]) == 4)
    branch = gateway(
        'mutation { createBranch(input: {communeCode: "06205", name: "Chi hội Thôn Nà Pàn", '
        'kind: RESIDENTIAL, openedOn: "2020-01-01"}) { branch { code } } }'
    )["createBranch"]["branch"]["code"]
    for year, count in ((2024, 30), (2025, 32)):
        gateway(
            "mutation($code: String!, $year: Int!, $count: Int!) { setBranchMembers(input: "
            "{code: $code, year: $year, count: $count}) { count } }",
            {"code": branch, "year": year, "count": count},
        )

    stores = directory_stores(service_database(config, "registration"))
    first = reorganise_province(stores, "20")
    again = reorganise_province(stores, "20")
    assert (first.branches, again.branches) == (1, 0)  # idempotent
    INHERITED.clear()  # the gateway runs in this process: no path cached from before

    # 1. every figure of 2024 on the new map sums to the province's
    children = gateway(
        f'{{ orgUnit(code: "20") {{ {FAMILY_2024} children {{ code {FAMILY_2024} }} }} }}'
    )
    communes = {c["code"]: c for c in children["orgUnit"]["children"]}
    assert family(children["orgUnit"]) == sum(family(c) for c in communes.values()) == 4
    assert (family(communes["06079"]), family(communes["06184"])) == (2, 2)
    assert communes["06184"]["stats"]["members"] == 30  # 06205's branch, its 2024 figure
    links = gateway('{ orgUnit(code: "06184") { predecessors { code } } }')["orgUnit"]
    assert "06079" in [p["code"] for p in links["predecessors"]]  # linked, "một phần"

    # 4. the branch was carried over, keeping its history on the old one
    new = gateway(
        '{ orgUnit(code: "06184") { children { code name } stats(year: 2025) { members } } }'
    )
    assert new["orgUnit"]["children"] == [{"code": "06184-001", "name": "Chi hội Thôn Nà Pàn"}]
    assert new["orgUnit"]["stats"]["members"] == 32
    old = gateway(
        f'{{ orgUnit(code: "{branch}", at: "2024-06-01") {{ validTo successors {{ code }} }} }}'
    )["orgUnit"]
    assert old == {"validTo": "2025-06-30", "successors": [{"code": "06184-001"}]}

    # 2. writes into an ended unit are refused, naming where it went
    with pytest.raises(GraphQLError) as ended:
        gateway(REGISTER, {"code": "06205", "name": "Hộ E", "year": 2026})
    field = ended.value.errors[0]["extensions"]["fields"][0]
    assert field["field"] == "communeCode" and field["key"] == "unit_ended"
    assert field["message"] == (
        "Xã Hồng Phong đã sáp nhập vào Xã Đồng Đăng (06184) từ ngày 01/07/2025; "
        "hãy chọn đơn vị mới."
    )
    with pytest.raises(GraphQLError) as moved:
        gateway(
            "mutation($code: String!) { setBranchMembers(input: {code: $code, year: 2026, "
            "count: 1}) { count } }",
            {"code": branch},
        )
    assert "06184-001" in moved.value.errors[0]["extensions"]["fields"][0]["message"]

    # 3. the successor's officers reach their predecessors' records; nobody else does
    officer = token_for("20/06184", Role.COMMUNE_OFFICER)
    listing = "subjects(year: 2024) { nodes { name } }"
    own = gateway(f'{{ orgUnit(code: "06184") {{ {listing} }} }}', token=officer)["orgUnit"]
    assert sorted(i["name"] for i in own["subjects"]["nodes"]) == ["Hộ C", "Hộ D"]
    old_commune = f'{{ orgUnit(code: "06205", at: "2024-12-31") {{ {listing} }} }}'
    assert gateway(old_commune, token=officer)["orgUnit"]["subjects"]["nodes"] == [{"name": "Hộ C"}]
    evidence = (
        "query($id: String!) { assessment(enrolmentId: $id) { enrolmentId evidence { fileName } } }"
    )
    found = gateway(evidence, {"id": enrolments["Hộ C"]}, token=officer)["assessment"]
    assert found == {"enrolmentId": enrolments["Hộ C"], "evidence": []}
    sibling = token_for("20/06079", Role.COMMUNE_OFFICER)
    for token in (sibling, token_for("01", Role.PROVINCE_ADMIN)):  # a sibling, another tenant
        with pytest.raises(GraphQLError) as refused:
            gateway(old_commune, token=token)
        assert refused.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as refused:
        gateway(evidence, {"id": enrolments["Hộ C"]}, token=sibling)
    assert refused.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as refused:  # a wrong role for a registrar's write
        gateway(
            REGISTER,
            {"code": "06184", "name": "Hộ F", "year": 2026},
            token=token_for("20/06184", Role.AUDITOR),
        )
    assert refused.value.code == "FORBIDDEN"


def test_move_branch_in_one_step_takes_both_communes(config, gateway):
    load_demo_directory(config)
    create = (
        'mutation { createBranch(input: {communeCode: "06187", name: "Chi hội Trường THCS", '
        'kind: SCHOOL, openedOn: "2021-01-01"}) { branch { code } } }'
    )
    code = gateway(create)["createBranch"]["branch"]["code"]
    move = (
        "mutation($code: String!, $to: String!) { moveBranch(input: {code: $code, "
        'toUnitCode: $to, on: "2024-01-01"}) { branch { code name path kind } } }'
    )
    for token in (
        token_for("20/183/06187", Role.COMMUNE_OFFICER),  # not in reach of 06190
        token_for("20/183", Role.BRANCH_OFFICER),  # a wrong role
    ):
        with pytest.raises(GraphQLError) as refused:
            gateway(move, {"code": code, "to": "06190"}, token=token)
        assert refused.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as elsewhere:  # another tenant: no such branch there
        gateway(move, {"code": code, "to": "06190"}, token=token_for("01", Role.PROVINCE_ADMIN))
    assert elsewhere.value.errors[0]["extensions"]["fields"][0]["key"] == "branch_not_found"
    moved = gateway(
        move, {"code": code, "to": "06190"}, token=token_for("20/183", Role.DISTRICT_OFFICER)
    )
    assert moved["moveBranch"]["branch"] == {
        "code": "06190-001",
        "name": "Chi hội Trường THCS",
        "path": "20/183/06190/06190-001",
        "kind": "school",
    }
