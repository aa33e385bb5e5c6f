"""A local merger and a split in Hà Nội's Ba Đình through the running platform (issue 14, item 5):
the district's figures stay the sum of its wards, a split ward counted once; writes into an
ended ward refused naming its successor; the successor's officers reach their predecessors'
records; branches carried over.

On 1 January 2025 (a local change, recorded as ``directory change`` records it): Phường Ngọc Hà
(00016) and Phường Điện Biên (00019) became Phường Ngọc Hà (00016); Phường Ngọc Khánh (00025)
was split into 00025 (carrying its figures) and 99025.
"""

import urllib.error
import urllib.request
import uuid
from datetime import date

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from khuyenhoc.storage import TenantDatabase, service_database
from ops.tokens import create_token
from services.registration.directory.service import record_change
from services.registration.directory.store import DirectoryStore
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { unitPath } }"""
FIGURE = "stats(year: 2024) { title(title: FAMILY) { registered } }"


def download(platform, url, token):
    request = urllib.request.Request(platform.url(platform.gateway, url))
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, b""


def ask(platform, query, token, variables=None):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def register(platform, token, code, name, year=2024):
    household = {"communeCode": code, "headName": name, "address": "Tổ 1", "year": year}
    return graphql(platform, REGISTER, {"input": household}, token=token)


def test_a_merger_and_a_split_keep_the_district_exact(platform, tokens):
    hanoi = tokens["hanoi"]
    tag = uuid.uuid4().hex[:6]
    for n, code in enumerate(("00016", "00019", "00019", "00025")):
        assert "errors" not in register(platform, hanoi, code, f"Hộ {code} {tag} {n}")
    create = (
        'mutation { createBranch(input: {communeCode: "00019", name: "Chi hội Tổ 5", '
        'kind: RESIDENTIAL, openedOn: "2020-01-01"}) { branch { code } } }'
    )
    branch = ask(platform, create, hanoi)["createBranch"]["branch"]["code"]
    members = (
        "mutation($c: String!) { "
        "setBranchMembers(input: {code: $c, year: 2025, count: 12}) { count } }"
    )
    ask(platform, members, hanoi, {"c": branch})
    wards = f'{{ orgUnit(code: "001") {{ {FIGURE} children {{ code {FIGURE} }} }} }}'

    def figures():
        unit = ask(platform, wards, hanoi)["orgUnit"]
        count = {c["code"]: c["stats"]["title"]["registered"] for c in unit["children"]}
        return unit["stats"]["title"]["registered"], count

    wait_until(lambda: figures()[1].get("00019", 0) >= 2 and figures()[1].get("00025", 0) >= 1)
    before_total, before = figures()

    config = load_config(env=platform.settings())
    directory = DirectoryStore(TenantDatabase(service_database(config, "registration"), "01"))
    on = date(2025, 1, 1)
    record_change(directory, on, ["00016", "00019"], [("00016", "Phường Ngọc Hà")])
    record_change(
        directory, on, ["00025"], [("00025", "Phường Ngọc Khánh"), ("99025", "Phường Ngọc Khánh B")]
    )

    total, after = figures()
    assert total == before_total == sum(after.values())  # the district is its wards' sum
    assert after["00016"] == before["00016"] + before["00019"] and "00019" not in after
    assert (after["00025"], after["99025"]) == (before["00025"], 0)  # counted once

    # writes into the ended ward are refused, naming its successor
    refused = register(platform, hanoi, "00019", f"Hộ mới {tag}", year=2025)
    field = refused["errors"][0]["extensions"]["fields"][0]
    assert (field["field"], field["key"]) == ("communeCode", "unit_ended")
    assert field["message"] == (
        "Phường Điện Biên đã sáp nhập vào Phường Ngọc Hà (00016) từ ngày 01/01/2025; "
        "hãy chọn đơn vị mới."
    )

    # the branch went with its ward; its 2025 members too
    ngoc_ha = ask(
        platform,
        '{ orgUnit(code: "00016") { children { code name } stats(year: 2025) { members } } }',
        hanoi,
    )["orgUnit"]
    assert {"code": "00016-001", "name": "Chi hội Tổ 5"} in ngoc_ha["children"]
    assert ngoc_ha["stats"]["members"] == 12

    # the successor's officer reaches Điện Biên's records; a sibling's does not
    officer = create_token(config, "01", "00016", Role.COMMUNE_OFFICER, "ngoc-ha", hours=1)
    sibling = create_token(config, "01", "00022", Role.COMMUNE_OFFICER, "doi-can", hours=1)
    old = '{ orgUnit(code: "00019", at: "2024-12-31") { subjects(year: 2024) { nodes { name } } } }'
    names = [i["name"] for i in ask(platform, old, officer)["orgUnit"]["subjects"]["nodes"]]
    assert f"Hộ 00019 {tag} 1" in names
    assert graphql(platform, old, token=sibling)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    export = "/files/exports/00019/2024.xlsx"  # its files too (the file routes' caller)
    assert download(platform, export, officer)[0] == 200
    assert download(platform, export, sibling)[0] == 403
    # its own 2024 list is its predecessors', paged with one cursor
    page = """query($after: String) { orgUnit(code: "00016") {
      subjects(year: 2024, first: 1, after: $after) {
        nodes { name } pageInfo { hasNextPage endCursor } } } }"""
    seen, cursor = [], None
    while True:
        subjects = ask(platform, page, officer, {"after": cursor})["orgUnit"]["subjects"]
        seen += [i["name"] for i in subjects["nodes"]]
        cursor = subjects["pageInfo"]["endCursor"]
        if not subjects["pageInfo"]["hasNextPage"]:
            break
    assert len(seen) == after["00016"] and f"Hộ 00016 {tag} 0" in seen
