"""The one pagination convention: the cursor codec, the page caps, and pages walked through the
schema with in-process stand-ins (every item once, refusals in Vietnamese on `first`/`after`)."""

import base64
import json
from types import SimpleNamespace

import pytest
from graphql import GraphQLError

from gateway.pagination import (
    MAX_FIRST,
    check_first,
    cursor_page,
    decode_cursor,
    encode_cursor,
    window_page,
)
from gateway.schema import schema
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath


def refusal(error: GraphQLError) -> tuple[str, str]:
    assert error.extensions is not None and error.extensions["code"] == "BAD_USER_INPUT"
    (field,) = error.extensions["fields"]
    assert field["message"] and field["message"] == field["message"].strip()
    return field["field"], field["key"]


# --- the codec ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["k:2024:00042", {"s": "a|b"}, {"o": 3, "k": "x"}, None, 7])
def test_a_cursor_round_trips_and_is_opaque_url_safe_text(value):
    cursor = encode_cursor("donations", value, "20|06184")
    assert decode_cursor(cursor, "donations", "20|06184") == value
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "06184" not in cursor


def test_no_cursor_is_the_first_page():
    assert decode_cursor(None, "donations") is None


@pytest.mark.parametrize("garbage", ["", "1", "abc", "!!!", "null", "eyJ", "a" * 40, "Zm9vYmFy"])
def test_garbage_is_refused_on_after(garbage):
    with pytest.raises(GraphQLError) as refused:
        decode_cursor(garbage, "donations")
    assert refusal(refused.value) == ("after", "invalid_cursor")


def test_json_that_is_not_a_cursor_is_refused_as_garbage():
    for body in (b'{"a":1,"b":2}', b"[1]", b"7"):
        text = base64.urlsafe_b64encode(body + b"12345678").decode()
        with pytest.raises(GraphQLError) as refused:
            decode_cursor(text, "donations")
        assert refusal(refused.value) == ("after", "invalid_cursor")


def test_a_tampered_cursor_is_refused():
    cursor = encode_cursor("accounts", {"s": "an"}, "20|20")
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    edited = raw.replace(b'"an"', b'"zz"')
    forged = base64.urlsafe_b64encode(edited).rstrip(b"=").decode()
    with pytest.raises(GraphQLError) as refused:
        decode_cursor(forged, "accounts", "20|20")
    assert refusal(refused.value) == ("after", "invalid_cursor")


def test_a_cursor_of_another_list_or_owner_is_refused():
    cursor = encode_cursor("donations", {"s": "k1"}, "20|06184")
    for kind, scope in [("disbursements", "20|06184"), ("donations", "20|06185")]:
        with pytest.raises(GraphQLError) as refused:
            decode_cursor(cursor, kind, scope)
        assert refusal(refused.value) == ("after", "invalid_cursor")


def test_a_cursor_of_another_version_is_refused_as_such():
    old = encode_cursor("donations", {"s": "k1"}, "", version=2)
    with pytest.raises(GraphQLError) as refused:
        decode_cursor(old, "donations")
    assert refusal(refused.value) == ("after", "cursor_version")
    plain = base64.urlsafe_b64encode(json.dumps([0, "k1"]).encode() + b"12345678").decode()
    with pytest.raises(GraphQLError) as again:
        decode_cursor(plain, "donations")
    assert refusal(again.value) == ("after", "cursor_version")


# --- the caps -----------------------------------------------------------------------------------


@pytest.mark.parametrize("first", [1, 50, MAX_FIRST])
def test_first_within_1_to_100_is_taken_as_asked(first):
    assert check_first(first) == first


@pytest.mark.parametrize("first", [-1, 0, MAX_FIRST + 1, 100000, None])
def test_first_outside_1_to_100_is_refused_not_clamped(first):
    with pytest.raises(GraphQLError) as refused:
        check_first(first)
    assert refusal(refused.value) == ("first", "page_size")
    assert "100" in refused.value.extensions["fields"][0]["message"]


# --- pages over a service's own cursor, and over a window of its first rows -------------------


def service_pages(items):
    """A service paging with its own cursor (the last item's key), as fund.donations does."""
    asked = []

    def fetch(cursor, size):
        asked.append((cursor, size))
        start = items.index(cursor) + 1 if cursor else 0
        page = items[start : start + size]
        return page, (page[-1] if start + size < len(items) else None)

    return fetch, asked


def walk(next_page):
    seen, after, pages = [], None, 0
    while True:
        page = next_page(after)
        pages += 1
        assert [e["node"] for e in page["edges"]] == page["nodes"]
        seen += page["nodes"]
        if not page["page_info"]["has_next_page"]:
            return seen, pages
        after = page["page_info"]["end_cursor"]


def test_a_cursor_page_walk_returns_every_item_once_and_keeps_the_service_cursor_inside():
    items = [f"k{n:03}" for n in range(23)]
    fetch, asked = service_pages(items)
    seen, pages = walk(lambda after: cursor_page("donations", "f", 5, after, fetch))
    assert seen == items and pages == 5
    assert asked[1] == ("k004", 5)  # the service gets its own cursor back, unwrapped


def test_after_the_last_page_an_end_cursor_answers_an_empty_page():
    fetch, _ = service_pages(["a", "b"])
    last = cursor_page("donations", "f", 5, None, fetch)
    assert last["page_info"]["has_next_page"] is False
    after = cursor_page("donations", "f", 5, last["page_info"]["end_cursor"], fetch)
    assert after["nodes"] == [] and after["page_info"] == {
        "has_next_page": False,
        "end_cursor": None,
    }


def test_a_window_page_walk_returns_every_row_once_even_when_rows_arrive_in_front():
    rows = [{"id": f"m{n:03}"} for n in range(30, 0, -1)]  # newest first

    def fetch(limit):
        return rows[:limit]

    def next_page(after):
        page = window_page("notifications", "20", 7, after, fetch, lambda r: r["id"], 500)
        if after is not None and len(rows) < 33:
            rows.insert(0, {"id": f"new{len(rows)}"})  # a delivery logged meanwhile
        return page

    seen, _ = walk(next_page)
    ids = [r["id"] for r in seen]
    assert ids == [f"m{n:03}" for n in range(30, 0, -1)]


def test_a_window_page_refuses_a_cursor_of_another_list():
    cursor = encode_cursor("orgUnits", {"s": "x"}, "20")
    with pytest.raises(GraphQLError) as refused:
        window_page("orgUnits", "20", 5, cursor, lambda limit: [], lambda r: r, 500)
    assert refusal(refused.value) == ("after", "invalid_cursor")


# --- through the schema ---------------------------------------------------------------------------

UNIT = {
    "_id": "20:2024:20",
    "tenant": "20",
    "code": "20",
    "name": "Tỉnh Lạng Sơn",
    "level": "province",
    "path": "20",
    "depth": 0,
    "scheme": "2024",
}
COMMUNES = [
    {**UNIT, "_id": f"20:2024:{n:05}", "code": f"{n:05}", "level": "commune", "depth": 2}
    for n in range(6100, 6137)
]


class Registration:
    def __init__(self):
        self.limits = []

    def get_unit(self, code, tenant=None, at=None):
        return UNIT if code == "20" else None

    def search_units(self, tenant, level, parent, text, at, limit):
        self.limits.append(limit)
        return COMMUNES[: min(limit, 500)]

    def accounts(self, tenant, unit_path, after, first):
        names = [f"user{n:02}" for n in range(12)]
        start = names.index(after) + 1 if after else 0
        page = names[start : start + first]
        more = start + first < len(names)
        items = [{"username": u, "unitCode": "20"} for u in page]
        return {"items": items, "nextCursor": page[-1] if more else None}


def run(query, variables=None, registration=None):
    rpc = SimpleNamespace(registration=registration or Registration())
    caller = Caller("admin", "20", Role.PROVINCE_ADMIN, UnitPath.parse("20"))
    context = SimpleNamespace(rpc=rpc, caller=caller)
    return schema.execute(query, variable_values=variables, context_value=context)


UNITS = """query Units($after: String, $first: Int) {
  orgUnits(level: "commune", tenant: "20", first: $first, after: $after) {
    edges { cursor node { code } } nodes { code } pageInfo { hasNextPage endCursor } } }"""


def test_org_units_walked_page_by_page_answers_every_unit_once():
    registration = Registration()
    seen, after = [], None
    while True:
        result = run(UNITS, {"after": after, "first": 10}, registration)
        assert result.errors is None, result.errors
        page = result.data["orgUnits"]
        seen += [n["code"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [u["code"] for u in COMMUNES]
    assert max(registration.limits) <= 500


@pytest.mark.parametrize(
    ("variables", "field", "key"),
    [
        ({"first": -1}, "first", "page_size"),
        ({"first": 100000}, "first", "page_size"),
        ({"after": "not-a-cursor"}, "after", "invalid_cursor"),
    ],
)
def test_org_units_refuse_a_bad_page_in_vietnamese(variables, field, key):
    result = run(UNITS, variables)
    (error,) = result.errors
    assert refusal(error.original_error or error) == (field, key)
    assert result.data is None


def test_accounts_are_a_connection_over_the_services_cursor():
    query = """query Accounts($after: String) { accounts(unitCode: "20", first: 5, after: $after)
      { nodes { username } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        result = run(query, {"after": after})
        assert result.errors is None, result.errors
        page = result.data["accounts"]
        seen += [n["username"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"user{n:02}" for n in range(12)]
    units_cursor = run(UNITS, {"first": 1}).data["orgUnits"]["pageInfo"]["endCursor"]
    mixed = run(query, {"after": units_cursor})
    assert refusal(mixed.errors[0].original_error) == ("after", "invalid_cursor")


def test_the_honour_roll_stays_a_capped_top_n_list():
    query = '{ honourRoll(unitCode: "20", year: 2024, first: 101) { name } }'
    result = run(query)
    assert refusal(result.errors[0].original_error) == ("first", "page_size")
