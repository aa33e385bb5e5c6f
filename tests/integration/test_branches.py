"""Branches (chi hội) and members through the gateway, with every refusal a token can meet."""

import pytest

from khuyenhoc.auth import Role
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory

CREATE = """mutation($input: CreateBranchInput!) {
  createBranch(input: $input) { created branch { code name kind level path validFrom } } }"""
RENAME = """mutation($input: RenameBranchInput!) {
  renameBranch(input: $input) { branch { code name } } }"""
CLOSE = """mutation($input: CloseBranchInput!) {
  closeBranch(input: $input) { branch { code validTo } } }"""
MEMBERS = """mutation($input: BranchMembersInput!) {
  setBranchMembers(input: $input) { code year count } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) {
  stats(year: 2024) { members branches } } }"""


def open_branch(gateway, name, commune="06184", kind="RESIDENTIAL", token=None, **extra):
    variables = {
        "input": {
            "communeCode": commune,
            "name": name,
            "kind": kind,
            "openedOn": "2020-01-15",
            **extra,
        }
    }
    args = {} if token is None else {"token": token}
    return gateway(CREATE, variables, **args)["createBranch"]


def figures(gateway, code):
    return gateway(FIGURES, {"code": code})["orgUnit"]["stats"]


@pytest.fixture
def directory(config):
    load_demo_directory(config, "20", "01")


def test_branches_open_once_count_members_and_roll_up(directory, gateway):
    first = open_branch(gateway, "Chi hội Khối 1")
    assert first["created"] is True
    branch = first["branch"]
    assert branch["code"] == "06184-001" and branch["level"] == "BRANCH"
    assert branch["path"] == "20/183/06184/06184-001" and branch["kind"] == "RESIDENTIAL"
    again = open_branch(gateway, "chi hoi  KHOI 1")  # the same name, typed differently
    assert again == {**first, "created": False}
    school = open_branch(gateway, "Chi hội Trường THCS Đồng Đăng", kind="SCHOOL")["branch"]
    other = open_branch(gateway, "Chi hội Thôn Nà Pàn", commune="06187")["branch"]

    for code, count in ((branch["code"], 120), (school["code"], 35), (other["code"], 50)):
        gateway(MEMBERS, {"input": {"code": code, "year": 2024, "count": count}})
    gateway(MEMBERS, {"input": {"code": branch["code"], "year": 2024, "count": 125}})  # corrected

    assert figures(gateway, "06184") == {"members": 160, "branches": 2}
    assert figures(gateway, "183") == {"members": 210, "branches": 3}
    assert figures(gateway, "20") == {"members": 210, "branches": 3}
    assert figures(gateway, branch["code"]) == {"members": 125, "branches": 1}


def test_rename_keeps_the_code_and_close_ends_the_branch(directory, gateway):
    code = open_branch(gateway, "Chi hội Khối 2")["branch"]["code"]
    open_branch(gateway, "Chi hội Khối 3")
    renamed = gateway(RENAME, {"input": {"code": code, "name": "Chi hội Khối 2A"}})
    assert renamed["renameBranch"]["branch"] == {"code": code, "name": "Chi hội Khối 2A"}
    with pytest.raises(GraphQLError) as taken:
        gateway(RENAME, {"input": {"code": code, "name": "Chi hội khối 3"}})
    assert taken.value.errors[0]["extensions"]["fields"][0]["key"] == "name_taken"

    closed = gateway(CLOSE, {"input": {"code": code, "on": "2024-06-30"}})["closeBranch"]
    assert closed["branch"]["validTo"] == "2024-06-30"
    assert figures(gateway, "06184")["branches"] == 2  # it was open during 2024
    with pytest.raises(GraphQLError) as again:
        gateway(CLOSE, {"input": {"code": code, "on": "2024-07-01"}})
    assert again.value.errors[0]["extensions"]["fields"][0]["key"] == "branch_closed"
    with pytest.raises(GraphQLError) as late:
        gateway(MEMBERS, {"input": {"code": code, "year": 2025, "count": 3}})
    assert late.value.errors[0]["extensions"]["fields"][0]["key"] == "branch_closed"
    assert open_branch(gateway, "Chi hội Khối 2")["created"] is True  # its old name is free


def test_bad_branch_input_is_a_field_error(directory, gateway):
    cases = [
        ({"communeCode": "99999"}, "communeCode", "commune_not_found"),
        ({"name": "  "}, "name", "blank"),
        ({"openedOn": None, "communeCode": "183"}, "communeCode", "commune_format"),
    ]
    for change, field, key in cases:
        variables = {
            "input": {"communeCode": "06184", "name": "Chi hội X", "kind": "CLAN", **change}
        }
        with pytest.raises(GraphQLError) as caught:
            gateway(CREATE, variables)
        fields = caught.value.errors[0]["extensions"]["fields"]
        assert {"field": field, "key": key} in [
            {"field": f["field"], "key": f["key"]} for f in fields
        ]
    with pytest.raises(GraphQLError) as caught:
        gateway(MEMBERS, {"input": {"code": "06184-999", "year": 2024, "count": 1}})
    assert caught.value.errors[0]["extensions"]["fields"][0]["key"] == "branch_not_found"


OFFICER = "20/183/06184"
SIBLING = "20/183/06187"


@pytest.mark.parametrize(
    ("holder", "role", "may_read"),
    [
        ("01", Role.PROVINCE_ADMIN, False),  # another province
        (SIBLING, Role.COMMUNE_OFFICER, False),  # the neighbouring commune
        (OFFICER, Role.AUDITOR, True),  # in scope: reads, but may not manage branches
    ],
)
def test_every_branch_mutation_refuses_outsiders(directory, gateway, holder, role, may_read):
    code = open_branch(gateway, "Chi hội Khối 5")["branch"]["code"]
    gateway(MEMBERS, {"input": {"code": code, "year": 2024, "count": 10}})
    token = token_for(holder, role)
    tenant = {"tenant": "20"}
    attempts = [
        (
            CREATE,
            {"input": {"communeCode": "06184", "name": "Chi hội Lạ", "kind": "CLAN", **tenant}},
        ),
        (RENAME, {"input": {"code": code, "name": "Đổi tên", **tenant}}),
        (CLOSE, {"input": {"code": code, "on": "2024-12-31", **tenant}}),
        (MEMBERS, {"input": {"code": code, "year": 2024, "count": 999, **tenant}}),
    ]
    reads = [(FIGURES, {"code": code}), (FIGURES, {"code": "06184"})]
    for query, variables in reads:
        if may_read:
            assert gateway(query, variables, token=token)["orgUnit"]["stats"]["members"] == 10
        else:
            attempts.append((query, variables))
    for query, variables in attempts:
        with pytest.raises(GraphQLError) as caught:
            gateway(query, variables, token=token)
        assert caught.value.code == "FORBIDDEN", (query, caught.value.errors)
    assert figures(gateway, "06184") == {"members": 10, "branches": 1}  # nothing changed
    named = gateway("query($c: String!) { orgUnit(code: $c) { name } }", {"c": code})
    assert named["orgUnit"]["name"] == "Chi hội Khối 5"


def test_a_branch_officer_records_its_own_members_only(directory, gateway):
    own = open_branch(gateway, "Chi hội Khối 6")["branch"]["code"]
    other = open_branch(gateway, "Chi hội Khối 7")["branch"]["code"]
    officer = token_for(f"{OFFICER}/{own}", Role.BRANCH_OFFICER)
    gateway(MEMBERS, {"input": {"code": own, "year": 2024, "count": 42}}, token=officer)
    with pytest.raises(GraphQLError) as caught:
        gateway(MEMBERS, {"input": {"code": other, "year": 2024, "count": 1}}, token=officer)
    assert caught.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as cannot_open:
        open_branch(gateway, "Chi hội Khối 8", token=officer)
    assert cannot_open.value.code == "FORBIDDEN"
    assert gateway(FIGURES, {"code": own}, token=officer)["orgUnit"]["stats"]["members"] == 42


def test_another_tenants_branch_codes_are_not_found_in_mine(directory, gateway):
    code = open_branch(gateway, "Chi hội Khối 9")["branch"]["code"]
    hanoi = token_for("01")
    with pytest.raises(GraphQLError) as caught:  # its own tenant: no such branch exists there
        gateway(MEMBERS, {"input": {"code": code, "year": 2024, "count": 5}}, token=hanoi)
    assert caught.value.errors[0]["extensions"]["fields"][0]["key"] == "branch_not_found"


ADD_MEMBER = """mutation($input: AddMemberInput!) {
  addMember(input: $input) { memberId branchCode year created } }"""


def test_members_join_once_announce_it_and_count(directory, gateway, config):
    from kombu import Connection

    from khuyenhoc.contracts import validate_event
    from khuyenhoc.events import MEMBER_JOINED
    from tests.conftest import wait_until
    from tests.integration.helpers import tap

    code = open_branch(gateway, "Chi hội Khối 10")["branch"]["code"]
    gateway(MEMBERS, {"input": {"code": code, "year": 2024, "count": 2}})  # declared total
    member = {"branchCode": code, "fullName": "Hoàng Thị Mai", "birthYear": 1970, "year": 2024}
    with Connection(config["AMQP_URI"]) as connection:
        queue = tap(config, MEMBER_JOINED)(connection.default_channel)
        queue.declare()
        first = gateway(ADD_MEMBER, {"input": member})["addMember"]
        again = gateway(ADD_MEMBER, {"input": {**member, "fullName": "HOANG THI MAI"}})
        message = wait_until(lambda: queue.get(no_ack=True), what="member.joined")
        queue.delete()
    assert first["created"] is True and again["addMember"] == {**first, "created": False}
    event = message.decode()
    validate_event(event)
    assert event["unitpath"] == f"20/183/06184/{code}"
    assert "Mai" not in str(event)  # no personal data travels to partners
    assert figures(gateway, code)["members"] == 2  # declared 2 ≥ 1 registered by name
    for name in ("Nông Văn Ba", "Lộc Thị Tư"):
        gateway(ADD_MEMBER, {"input": {**member, "fullName": name}})
    assert figures(gateway, "06184")["members"] == 3  # now 3 registered by name > 2 declared
    assert figures(gateway, "20")["members"] == 3


def test_members_are_added_only_inside_the_callers_reach(directory, gateway):
    own = open_branch(gateway, "Chi hội Khối 11")["branch"]["code"]
    other = open_branch(gateway, "Chi hội Khối 12")["branch"]["code"]
    officer = token_for(f"{OFFICER}/{own}", Role.BRANCH_OFFICER)
    member = {"fullName": "Vi Văn Hùng", "year": 2024}
    added = gateway(ADD_MEMBER, {"input": {**member, "branchCode": own}}, token=officer)
    assert added["addMember"]["created"] is True
    for token, code in (
        (officer, other),
        (token_for("01"), own),
        (token_for(SIBLING, Role.COMMUNE_OFFICER), own),
    ):
        variables = {"input": {**member, "branchCode": code, "tenant": "20"}}
        with pytest.raises(GraphQLError) as caught:
            gateway(ADD_MEMBER, variables, token=token)
        assert caught.value.code == "FORBIDDEN"
    assert figures(gateway, "06184")["members"] == 1
