"""The province page in a constant number of RPCs (gateway.loader), and the endpoint's query
cache and call counting — against in-process stand-ins of the services."""

import json
from types import SimpleNamespace

import pytest

from gateway import endpoint
from gateway.endpoint import QueryCache, answer_graphql, execute_query
from gateway.rpc_calls import counted
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath

YEAR = 2025
PAGE = """query Page($year: Int!) { orgUnit(code: "20") {
  name stats(year: $year) { members branches title(title: FAMILY) { registered provisional }
    fund { donationsCount } }
  children { code stats(year: $year) { members title(title: FAMILY) { registered provisional } }
    children { code stats(year: $year) { branches title(title: FAMILY) { registered } } } } } }"""


def unit(path, level, own=True):
    codes = path.split("/")
    return {
        "_id": f"20:2024:{codes[-1]}",
        "tenant": "20",
        "code": codes[-1],
        "name": f"Đơn vị {codes[-1]}",
        "level": level,
        "parent_code": codes[-2] if len(codes) > 1 else None,
        "path": path,
        "depth": len(codes) - 1,
        "scheme": "2024",
        "keeps_own_figures": own,
    }


class Directory:
    """Province 20 with ``districts`` districts of ``communes`` communes; a commune registers
    one household per unit of its code's last digit (so sums are checkable)."""

    def __init__(self, districts, communes):
        self.units = {"20": unit("20", "province")}
        for d in range(districts):
            district = unit(f"20/{100 + d}", "district")
            self.units[district["code"]] = district
            for c in range(communes):
                code = f"{100 + d}{c:02d}"
                # every third commune was formed later: its figures come from figure_paths
                self.units[code] = unit(f"{district['path']}/{code}", "commune", own=c % 3 != 0)

    def by_id(self, unit_id):
        return next((u for u in self.units.values() if u["_id"] == unit_id), None)

    # -- RPCs --------------------------------------------------------------------------
    def get_unit(self, code, tenant=None, at=None):
        return self.units.get(code)

    def children(self, unit_id):
        parent = self.by_id(unit_id)
        return [u for u in self.units.values() if u["parent_code"] == parent["code"]]

    def children_many(self, unit_ids):
        return {i: self.children(i) for i in unit_ids}

    def figure_paths(self, unit_id, year):
        return [self.by_id(unit_id)["path"]]

    def figure_paths_many(self, unit_ids, year):
        return {i: self.figure_paths(i, year) for i in unit_ids}

    def unit_figures_many(self, tenant, unit_paths, year):
        return {p: {"members": 10, "branches": 1} for p in unit_paths}


def households(path):
    """What the stand-in scoring counts under a path: 1 per commune below it."""
    depth = len(path.split("/"))
    return 1 if depth == 3 else 0


class Scoring:
    def __init__(self, directory):
        self.directory = directory

    def stats_many(self, tenant, unit_paths, year):
        answer = {}
        for path in unit_paths:
            below = [
                u for u in self.directory.units.values() if (u["path"] + "/").startswith(path + "/")
            ]
            communes = sum(1 for u in below if u["level"] == "commune")
            answer[path] = {"FAMILY": {"registered": communes}} if communes else {}
        return answer

    def figures_provisional(self, tenant, title, year):
        return {"provisional": False, "provisional_reason": None}


class Fund:
    def stats_many(self, tenant, unit_paths, first, last):
        return {p: {"donations_count": 2} for p in unit_paths}


def page(districts, communes, caller):
    directory = Directory(districts, communes)
    services = SimpleNamespace(registration=directory, scoring=Scoring(directory), fund=Fund())
    rpc, tally = counted(services)
    result = execute_query(
        PAGE, {"year": YEAR}, None, SimpleNamespace(caller=caller, rpc=rpc), QueryCache()
    )
    return result, tally


ADMIN = Caller("admin", "20", Role.PROVINCE_ADMIN, UnitPath.parse("20"))


@pytest.mark.parametrize("districts,communes", [(2, 3), (11, 20)])
def test_the_province_page_costs_the_same_rpcs_whatever_the_number_of_units(districts, communes):
    result, tally = page(districts, communes, ADMIN)
    assert result.errors is None
    province = result.data["orgUnit"]
    assert province["stats"]["title"]["registered"] == districts * communes
    assert province["stats"]["fund"]["donationsCount"] == 2
    assert [d["stats"]["title"]["registered"] for d in province["children"]] == [
        communes
    ] * districts
    assert all(
        c["stats"]["title"]["registered"] == 1 and c["stats"]["branches"] == 1
        for d in province["children"]
        for c in d["children"]
    )
    # get_unit; children ×2 levels; figure paths of the communes formed later; stats ×3
    # levels; association ×2 levels (province, districts; communes ask branches); fund ×1;
    # figures_provisional once
    assert tally.by_method == {
        "registration.get_unit": 1,
        "registration.children_many": 2,
        "registration.figure_paths_many": 1,
        "scoring.stats_many": 3,
        "registration.unit_figures_many": 3,
        "fund.stats_many": 1,
        "scoring.figures_provisional": 1,
    }


def test_siblings_out_of_the_callers_scope_are_refused_one_by_one():
    """A district officer sees its own district's figures and communes; the province's and
    the other districts' are refused, though they were read in the same batch."""
    officer = Caller("d", "20", Role.DISTRICT_OFFICER, UnitPath.parse("20/101"))
    result, tally = page(3, 4, officer)
    province = result.data and result.data["orgUnit"]
    forbidden = {tuple(e.path) for e in result.errors}
    assert ("orgUnit", "stats") in forbidden
    assert province is None or province["stats"] is None
    assert tally.calls < 15


def test_a_query_text_is_parsed_and_validated_once(monkeypatch):
    parsed = []
    real_parse = endpoint.parse
    monkeypatch.setattr(
        endpoint, "parse", lambda text, **kw: parsed.append(text) or real_parse(text, **kw)
    )
    cache = QueryCache(size=2)
    directory = Directory(1, 1)
    context = SimpleNamespace(
        caller=ADMIN, rpc=SimpleNamespace(registration=directory, scoring=Scoring(directory))
    )
    query = '{ orgUnit(code: "20") { name } }'
    for _ in range(3):
        assert execute_query(query, None, None, context, cache).data == {
            "orgUnit": {"name": "Đơn vị 20"}
        }
    assert parsed == [query]
    # errors are answered every time (from the cache); variables are checked per request
    for _ in range(2):
        bad = execute_query("{ orgUnit { nope } }", None, None, context, cache)
        assert bad.data is None and bad.errors
    with_variable = "query Q($code: String!) { orgUnit(code: $code) { name } }"
    missing = execute_query(with_variable, {}, None, context, cache)
    assert missing.errors and missing.errors[0].extensions["fields"][0]["field"] == "code"
    found = execute_query(with_variable, {"code": "20"}, None, context, cache)
    assert found.data == {"orgUnit": {"name": "Đơn vị 20"}}
    assert len(cache) == 2  # bounded: the oldest text was dropped


class Request:
    def __init__(self, query, headers=None):
        self.method = "POST"
        self.headers = headers or {}
        self.args = {}
        self._body = json.dumps({"query": query})

    def get_data(self, as_text=False):
        return self._body


def test_rpc_calls_are_shown_only_to_a_client_that_asks():
    directory = Directory(1, 1)
    services = SimpleNamespace(registration=directory, scoring=Scoring(directory))
    query = '{ orgUnit(code: "20") { name children { code } } }'
    _, _, plain = answer_graphql(Request(query), "secret", services)
    assert "extensions" not in json.loads(plain)
    headers = {endpoint.DEBUG_RPC_HEADER: "1"}
    _, _, debugged = answer_graphql(Request(query, headers), "secret", services)
    calls = json.loads(debugged)["extensions"]["rpcCalls"]
    assert calls == {"total": 2, "registration.get_unit": 1, "registration.children_many": 1}
