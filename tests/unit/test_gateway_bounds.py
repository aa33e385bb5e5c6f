"""The gateway's bounds in process: the probes of issue 16 refused before anything runs (query
text, tokens, depth, fields, aliases, repeats, cost), what must still pass (GraphiQL's
introspection, the web app's documents), control characters and oversized lists refused at the
edge naming the argument, the token buckets and the client address behind trusted proxies, and
an RPC that gets no answer turned into SERVICE_UNAVAILABLE."""

from types import SimpleNamespace

import eventlet
import pytest
from graphql import get_introspection_query, parse

from gateway import inputs, limits
from gateway.endpoint import QueryCache, execute_query
from gateway.ratelimit import Door, RateLimiter, door_from
from gateway.rpc_calls import ServiceUnavailable, timed
from gateway.schema import schema
from tests.unit.test_web_app_queries import documents

SCHEMA = schema.graphql_schema


def refused(text):
    """The code and limits of the refusal of ``text`` (None when it passes)."""
    prepared = QueryCache().prepared(SCHEMA, text)
    if prepared.document is not None:
        return None
    (error,) = prepared.errors[:1]
    return (error.extensions or {}).get("code"), (error.extensions or {}).get("limits")


def test_the_probes_are_refused_before_execution():
    aliased = " ".join(
        f'a{i}: orgUnit(code: "20") {{ stats(year: 2024) {{ __typename }} }}' for i in range(200)
    )
    assert refused("{" + aliased + "}")[0] in ("QUERY_TOO_LARGE", "QUERY_TOO_COMPLEX")
    fewer = " ".join(
        f'a{i}: orgUnit(code: "20") {{ stats(year: 2024) {{ __typename }} }}' for i in range(70)
    )
    assert refused("{" + fewer + "}")[0] == "QUERY_TOO_COMPLEX"
    deep = '{ orgUnit(code: "20") { ' + "children { " * 6 + "name" + " }" * 6 + " } }"
    code, over = refused(deep)
    assert code == "QUERY_TOO_COMPLEX" and over["cost"]["value"] > limits.MAX_COST
    search = '{ orgUnits(search: "' + "a" * 1_000_000 + '") { nodes { name } } }'
    assert refused(search) == ("QUERY_TOO_LARGE", None)
    assert refused("{" + " __typename" * 100_000 + "}") == ("QUERY_TOO_LARGE", None)
    tokens = "{" + " a" * (limits.MAX_TOKENS + 1) + "}"  # short enough, too many tokens
    assert len(tokens) < limits.MAX_QUERY_CHARS and refused(tokens)[0] == "QUERY_TOO_LARGE"


def test_cyclic_and_fanned_out_fragments_are_refused():
    cyclic = "query{...A}fragment A on Query{...B __typename}fragment B on Query{...A __typename}"
    assert refused(cyclic) is not None  # validation's own error
    fan = ["query{...f0}"]
    fan += [f"fragment f{i} on Query{{...f{i + 1} ...f{i + 1} ...f{i + 1}}}" for i in range(39)]
    fan.append("fragment f39 on Query{__typename}")
    code, over = refused("".join(fan))
    assert code == "QUERY_TOO_COMPLEX" and over["fields"]["value"] > 10**18


def test_one_field_repeated_is_refused_before_the_quadratic_validation():
    repeated = "{" + ' orgUnit(code: "1") { name }' * 200 + "}"
    code, over = refused(repeated)
    assert code == "QUERY_TOO_COMPLEX" and over["repeats"] == {"value": 200, "most": 5}


def test_the_refusal_is_in_vietnamese_naming_each_limit():
    prepared = QueryCache().prepared(
        SCHEMA, "{" + " ".join(f"a{i}: __typename" for i in range(61)) + "}"
    )
    (error,) = prepared.errors
    assert error.message.startswith("Truy vấn quá nặng nên không được thực hiện (61 bí danh")


def test_introspection_and_the_web_app_documents_pass():
    assert refused(get_introspection_query(descriptions=True)) is None
    complete, _ = documents()
    assert complete
    for module, name, document in complete:
        assert refused(document) is None, (module, name)
    fields = "__typename"
    verdicts = "query Verdicts(" + ", ".join(f"$e{i}: String!" for i in range(50)) + ") {"
    verdicts += " ".join(f"a{i}: assessment(enrolmentId: $e{i}) {{ ...A }}" for i in range(50))
    verdicts += "} fragment A on Assessment { " + fields + " }"
    assert refused(verdicts) is None  # decisions.js asks 50 at a time


def test_a_verdict_is_kept_with_the_prepared_query():
    cache = QueryCache()
    text = "{" + " ".join(f"a{i}: __typename" for i in range(61)) + "}"
    assert cache.prepared(SCHEMA, text) is cache.prepared(SCHEMA, text)


# --- the edge: control characters, lists, search -------------------------------------------------


def edge(text, variables=None):
    error = inputs.refusal(parse(text), None, variables)
    return None if error is None else [(f["field"], f["key"]) for f in error.extensions["fields"]]


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f", "a\x0bb", "\x0c"])
def test_control_characters_are_refused_in_variables_and_literals(bad):
    mutation = (
        "mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }"
    )
    nested = {"input": {"head": {"name": f"Nguyễn{bad}An"}, "members": [{"name": "x"}]}}
    assert edge(mutation, nested) == [("head.name", "control_character")]
    escaped = "".join(f"\\u{ord(c):04x}" if ord(c) < 32 or ord(c) == 127 else c for c in bad)
    literal = '{ orgUnits(search: "Đồng' + escaped + '") { nodes { name } } }'
    assert edge(literal) == [("search", "control_character")]
    listed = {"input": {"members": ["ok", f"b{bad}"]}}
    assert edge(mutation, listed) == [("members.1", "control_character")]


def test_tabs_line_breaks_and_vietnamese_pass_as_sent():
    mutation = (
        "mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }"
    )
    text = "Nguyễn Văn\tAn\r\nĐặng Thị Ánh"
    assert edge(mutation, {"input": {"head": {"name": text}}}) is None


def test_oversized_lists_and_searches_are_refused():
    mutation = "mutation($input: SetBranchMembersInput!) { setBranchMembers(input: $input) { id } }"
    members = {"input": {"members": ["x"] * (inputs.MAX_LIST_ITEMS + 1)}}
    assert edge(mutation, members) == [("members", "too_many_items")]
    search = '{ orgUnits(search: "' + "a" * 101 + '") { nodes { name } } }'
    assert edge(search) == [("search", "search_too_long")]


def test_a_refused_input_runs_nothing():
    class Nothing:
        def __getattr__(self, name):
            raise AssertionError("a service was asked")

    context = SimpleNamespace(
        caller=None, rpc=Nothing(), secret="s", access_minutes=None, oidc=None
    )
    text = "query($s: String) { orgUnits(search: $s) { nodes { name } } }"
    result = execute_query(text, {"s": "a\x00b"}, None, context)
    (error,) = result.errors
    assert result.data is None and error.extensions["code"] == "BAD_USER_INPUT"
    assert error.extensions["fields"][0]["message"].startswith("Không được chứa ký tự điều khiển")


# --- rates and the door ------------------------------------------------------------------------


def test_a_bucket_holds_its_burst_then_refills_at_its_rate():
    now = [100.0]
    limiter = RateLimiter({"sign_in": (3.0, 0.5)}, clock=lambda: now[0])
    assert [limiter.take("sign_in", "1.2.3.4") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("sign_in", "1.2.3.4") == pytest.approx(2.0)
    assert limiter.take("sign_in", "5.6.7.8") == 0.0  # per address
    now[0] += 2.0
    assert limiter.take("sign_in", "1.2.3.4") == 0.0


def test_forwarded_addresses_count_only_behind_a_trusted_proxy():
    def request(remote, forwarded):
        return SimpleNamespace(remote_addr=remote, headers={"X-Forwarded-For": forwarded})

    door = Door(trusted_proxies=frozenset({"10.0.0.5"}))
    assert door.address(request("1.2.3.4", "9.9.9.9")) == "1.2.3.4"
    assert door.address(request("10.0.0.5", "9.9.9.9, 8.8.8.8")) == "8.8.8.8"
    assert door.address(request("10.0.0.5", "")) == "10.0.0.5"


def test_the_door_reads_its_config_and_refuses_a_bad_one():
    door = door_from({"RATE_LIMITS": {"public": {"burst": 5}}, "TRUSTED_PROXIES": "a, b"})
    assert door.limiter.rates["public"] == (5.0, 20.0) and door.trusted_proxies == {"a", "b"}
    assert door.token("Bearer x") is None  # per token: off unless configured
    limited = door_from({"RATE_LIMITS": {"token": {"burst": 1, "per_second": 0}}})
    assert limited.token("Bearer x") is None and limited.token("Bearer x")[0] == 429
    with pytest.raises(ValueError, match="unknown kind"):
        door_from({"RATE_LIMITS": {"everything": {}}})


# --- RPC timeouts ------------------------------------------------------------------------------


class _Silent:
    """A method proxy whose reply never comes (what nameko's does for a service that is down)."""

    def __call__(self, *args, **kwargs):
        return self.call_async(*args, **kwargs).result()

    def call_async(self, *args, **kwargs):
        return SimpleNamespace(result=lambda: eventlet.sleep(60))


def test_an_rpc_without_an_answer_is_service_unavailable():
    proxies = timed({"registration": SimpleNamespace(children=_Silent())}, 0.05)
    with pytest.raises(ServiceUnavailable) as gave_up:
        proxies["registration"].children("x")
    assert gave_up.value.extensions == {"code": "SERVICE_UNAVAILABLE", "service": "registration"}


def test_introspection_lists_nest_three_deep_at_most():
    assert refused("{ __schema { types { fields { args { name } } } } }") is None
    code, over = refused(
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    )
    assert code == "QUERY_TOO_COMPLEX" and over["introspection"] == {"value": 4, "most": 3}


def test_a_call_per_unit_costs_more_than_a_batched_read():
    cycling = "children { parent { " * 3 + "name" + " } }" * 3
    assert refused('{ orgUnit(code: "20") { ' + cycling + " } }")[0] == "QUERY_TOO_COMPLEX"
    parents = '{ orgUnit(code: "20") { children { children { parent { name } } } } }'
    assert refused(parents)[0] == "QUERY_TOO_COMPLEX"  # 400 calls, one per commune
    figures = '{ orgUnit(code: "20") { children { children { stats(year: 2024) { members } } } } }'
    assert refused(figures) is None  # the loader reads a generation's figures at once
