"""The GraphQL layer on its own: resolvers translate, errors carry fields, internals never leak.

The services are replaced by in-process stand-ins with the RPC methods' signatures; the real
services are exercised end to end in tests/e2e.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest
from graphql import lexicographic_sort_schema, print_schema

from gateway.endpoint import INTERNAL_MESSAGE, format_error
from gateway.mutations import mutation
from gateway.schema import Mutation, schema
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath

UNITS = {
    "20": {
        "_id": "20:2024:20",
        "tenant": "20",
        "code": "20",
        "name": "Tỉnh Lạng Sơn",
        "level": "province",
        "parent_code": None,
        "path": "20",
        "depth": 0,
        "scheme": "2024",
    },
    "06184": {
        "_id": "20:2024:06184",
        "tenant": "20",
        "code": "06184",
        "name": "Thị trấn Đồng Đăng",
        "level": "commune",
        "parent_code": "183",
        "path": "20/183/06184",
        "depth": 2,
        "scheme": "2024",
    },
}


class Registration:
    def __init__(self):
        self.received = []

    def get_unit(self, code, tenant=None, at=None):
        return UNITS.get(code)

    def unit_for_year(self, code, tenant, year):
        return self.get_unit(code, tenant)

    def figure_paths(self, unit_id, year):
        return [u["path"] for u in UNITS.values() if u["_id"] == unit_id]

    def get_units(self, unit_ids):
        return [u for u in UNITS.values() if u["_id"] in unit_ids]

    def figure_paths_many(self, unit_ids, year):
        return {unit_id: self.figure_paths(unit_id, year) for unit_id in unit_ids}

    def children(self, unit_id):
        return []

    def children_many(self, unit_ids):
        return {unit_id: self.children(unit_id) for unit_id in unit_ids}

    def register(self, kind, payload):
        self.received.append(payload)
        if not payload["headName"].strip():
            return {
                "errors": [{"field": "headName", "key": "blank", "message": "Không được để trống."}]
            }
        return {
            "enrolment": {
                "enrolmentId": "20-FAMILY-2024-hh-1",
                "subjectId": "hh-1",
                "title": "FAMILY",
                "year": 2024,
                "unitPath": "20/183/06184",
                "created": True,
            }
        }


class Scoring:
    def __init__(self, fail=False):
        self.fail = fail
        self.asked = []

    def stats(self, tenant, unit_path, year):
        if self.fail:
            raise RuntimeError("connection to mongodb://secret-host refused")
        self.asked.append((tenant, unit_path, year))
        return {"FAMILY": {"registered": 7}}

    def stats_many(self, tenant, unit_paths, year):
        return {path: self.stats(tenant, path, year) for path in unit_paths}


ADMIN = Caller("admin", "20", Role.PROVINCE_ADMIN, UnitPath.parse("20"))


def run(query, variables=None, scoring=None, registration=None, caller=ADMIN):
    rpc = SimpleNamespace(registration=registration or Registration(), scoring=scoring or Scoring())
    context = SimpleNamespace(rpc=rpc, caller=caller)
    return schema.execute(query, variable_values=variables, context_value=context)


STATS = (
    '{ orgUnit(code: "06184") { name stats(year: 2024) { title(title: FAMILY) { registered } } } }'
)


def test_stats_are_asked_for_the_units_own_tenant_and_path():
    scoring = Scoring()
    result = run(STATS, scoring=scoring)
    assert result.errors is None
    assert result.data["orgUnit"]["stats"]["title"]["registered"] == 7
    assert scoring.asked == [("20", "20/183/06184", 2024)]


def test_a_title_without_figures_answers_zero():
    result = run(
        '{ orgUnit(code: "20") { stats(year: 2024) { title(title: CLAN) { registered } } } }'
    )
    assert result.data["orgUnit"]["stats"]["title"] == {"registered": 0}


def test_mutation_input_reaches_the_service_with_wire_names():
    registration = Registration()
    result = run(
        """mutation { registerHousehold(input: {tenant: "20", communeCode: "06184",
             headName: "Nguyễn Văn An", address: "Khối 1", year: 2024,
             members: [{name: "Bình", relation: "Vợ", birthYear: 1985}]}) { enrolmentId } }""",
        registration=registration,
    )
    assert result.errors is None
    assert registration.received == [
        {
            "tenant": "20",
            "communeCode": "06184",
            "headName": "Nguyễn Văn An",
            "address": "Khối 1",
            "year": 2024,
            "members": [{"name": "Bình", "relation": "Vợ", "birthYear": 1985}],
        }
    ]


def test_field_errors_travel_in_extensions():
    result = run("""mutation { registerHousehold(input: {tenant: "20", communeCode: "06184",
                    headName: " ", address: "Khối 1", year: 2024}) { enrolmentId } }""")
    (error,) = result.errors
    formatted = format_error(error)
    assert formatted["extensions"]["code"] == "BAD_USER_INPUT"
    assert formatted["extensions"]["fields"][0]["field"] == "headName"


def test_internal_failures_are_answered_without_internals():
    result = run(STATS, scoring=Scoring(fail=True))
    (error,) = result.errors
    formatted = format_error(error)
    assert formatted["message"] == INTERNAL_MESSAGE
    assert "secret-host" not in str(formatted)


OFFICER = Caller("o", "20", Role.COMMUNE_OFFICER, UnitPath.parse("20/183/06184"))
SIBLING = Caller("s", "20", Role.COMMUNE_OFFICER, UnitPath.parse("20/183/06187"))
HANOI = Caller("h", "01", Role.PROVINCE_ADMIN, UnitPath.parse("01"))
AUDITOR = Caller("a", "20", Role.AUDITOR, UnitPath.parse("20"))
MUTATION = """mutation($tenant: String) { registerHousehold(input: {tenant: $tenant,
  communeCode: "06184", headName: "An", address: "Khối 1", year: 2024}) { enrolmentId } }"""


def code_of(result):
    (error,) = result.errors
    return error.extensions["code"]


def test_the_directory_is_public_but_figures_are_not():
    anonymous = run('{ orgUnit(code: "06184") { name path } }', caller=None)
    assert anonymous.errors is None and anonymous.data["orgUnit"]["path"] == "20/183/06184"
    assert code_of(run(STATS, caller=None)) == "UNAUTHENTICATED"


@pytest.mark.parametrize("caller", [SIBLING, HANOI])
def test_figures_of_a_unit_outside_the_callers_subtree_are_refused(caller):
    scoring = Scoring()
    assert code_of(run(STATS, scoring=scoring, caller=caller)) == "FORBIDDEN"
    assert scoring.asked == []


def test_an_officer_reads_its_own_commune():
    assert run(STATS, caller=OFFICER).errors is None


@pytest.mark.parametrize(
    ("caller", "tenant", "code"),
    [
        (None, "20", "UNAUTHENTICATED"),
        (HANOI, "20", "FORBIDDEN"),  # another province's commune
        (HANOI, None, "BAD_USER_INPUT"),  # its own tenant: the commune is not there at all
        (SIBLING, "20", "FORBIDDEN"),  # a sibling commune
        (AUDITOR, "20", "FORBIDDEN"),  # in scope, but not a registrar
    ],
)
def test_registration_outside_the_callers_reach_changes_nothing(caller, tenant, code):
    registration = Registration()
    registration.get_unit = lambda c, t=None, at=None: UNITS.get(c) if t in (None, "20") else None
    registration.register = lambda kind, payload: {
        "errors": [
            {"field": "communeCode", "key": "commune_not_found", "message": "Không tìm thấy."}
        ]
    }
    result = run(MUTATION, {"tenant": tenant}, registration=registration, caller=caller)
    assert code_of(result) == code


def test_registration_defaults_to_the_callers_tenant():
    registration = Registration()
    assert run(MUTATION, {"tenant": None}, registration=registration, caller=OFFICER).errors is None
    assert registration.received[0]["tenant"] == "20"


def test_graphql_type_names_are_unique_across_gateway_modules():
    """graphene keeps the first of two types with one name: a clash silently breaks inputs."""
    import ast
    from collections import Counter

    def defined(tree):
        """Classes, and the types made by the mutation helper (``mutation("Name", ...)``)."""
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                yield node.name
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "mutation"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                yield node.args[0].value

    names = Counter(
        name
        for module in Path("gateway").rglob("*.py")
        for name in defined(ast.parse(module.read_text(encoding="utf-8")))
    )
    assert names["RecordDonation"] == 1  # the helper's types are counted too
    assert [name for name, count in names.items() if count > 1] == []


def test_figures_of_a_year_before_the_unit_existed_sum_the_paths_registration_names():
    registration = Registration()
    registration.figure_paths = lambda unit_id, year: ["20/183/06100", "20/183/06101"]
    scoring = Scoring()
    result = run(STATS, scoring=scoring, registration=registration)
    assert result.errors is None
    assert result.data["orgUnit"]["stats"]["title"]["registered"] == 14
    assert scoring.asked == [("20", "20/183/06100", 2024), ("20", "20/183/06101", 2024)]


def test_a_units_parent_is_the_one_registration_answers_for_it():
    registration = Registration()
    asked = []
    registration.parent = lambda unit_id: asked.append(unit_id) or UNITS["20"]
    result = run('{ orgUnit(code: "06184") { parent { code } } }', registration=registration)
    assert result.data["orgUnit"]["parent"] == {"code": "20"}
    assert asked == ["20:2024:06184"]


UNKNOWN_UNIT = [
    """mutation { proposeRecognition(input: {unitCode: "99999", title: FAMILY, year: 2024})
       { id } }""",
    """mutation { subscribeNotifications(input: {unitCode: "99999", email: "a@b.vn", name: "A"})
       { subscribed } }""",
    """mutation { recordDonation(input: {unitCode: "99999", idempotencyKey: "k",
       donor: {name: "A"}, amount: "1000"}) { created } }""",
]


@pytest.mark.parametrize("mutation", UNKNOWN_UNIT)
def test_an_unknown_unit_is_one_field_error_in_every_service(mutation):
    (error,) = run(mutation).errors
    assert error.extensions == {
        "code": "BAD_USER_INPUT",
        "fields": [
            {"field": "unitCode", "key": "unit_not_found", "message": "Không tìm thấy đơn vị này."}
        ],
    }


def test_a_mutation_of_another_tenant_is_refused_before_any_lookup():
    registration = Registration()
    registration.get_unit = lambda *args: pytest.fail("looked up another tenant's unit")
    result = run(
        """mutation { createBranch(input: {tenant: "01", communeCode: "06184", name: "Chi hội 1",
           kind: SCHOOL}) { created } }""",
        registration=registration,
    )
    assert code_of(result) == "FORBIDDEN"


def test_the_schema_clients_see_is_the_published_one():
    """The API, types and fields sorted by name: a change here is a change for every client
    (regenerate contracts/schema.graphql with `make schema` on purpose, never to make this pass;
    a breaking change is declared in contracts/schema-changes.yaml, see contracts/README.md)."""
    published = Path(__file__).parents[2] / "contracts" / "schema.graphql"
    printed = print_schema(lexicographic_sort_schema(schema.graphql_schema))
    assert printed == published.read_text(encoding="utf-8")


def test_every_mutation_runs_through_the_one_helper():
    helper = f"{mutation.__qualname__}.<locals>.mutate"
    made_otherwise = [
        name
        for name, field in Mutation._meta.fields.items()
        if getattr(field.resolver, "__qualname__", None) != helper
    ]
    assert len(Mutation._meta.fields) == 57
    # signing in (with a password or through the province's identity provider) and refreshing
    # run before there is a caller (gateway/accounts.py: public_sign_in)
    assert made_otherwise == ["sign_in", "refresh_session", "sign_in_with_oidc"]


class Correcting:
    """Registration's side of ``updateRegistration``: an enrolment of 06184, corrections kept."""

    def __init__(self) -> None:
        self.corrected: list[dict] = []

    def enrolment(self, tenant, enrolment_id):
        return {"tenant": tenant, "unitpath": "20/183/06184", "status": "ENROLLED"}

    def correct(self, payload):
        self.corrected.append(payload)
        return {"registration": {"enrolmentId": payload["enrolmentId"], "details": payload}}


class Assessed:
    def __init__(self, assessment) -> None:
        self.found = assessment

    def assessment(self, tenant, enrolment_id):
        return self.found


UPDATE = """mutation { updateRegistration(input: {enrolmentId: "e1", phone: "0912345678"}) {
  enrolmentId phone } }"""


@pytest.mark.parametrize(
    ("assessment", "refused"),
    [
        (None, False),
        ({"self_assessment": {"verdict": {}}, "review": None, "recognition": None}, False),
        ({"self_assessment": None, "review": {"verdict": {}}, "recognition": None}, True),
        ({"self_assessment": None, "review": None, "recognition": {"decision_id": "d"}}, True),
    ],
)
def test_a_registration_is_corrected_until_it_is_reviewed_or_decided(assessment, refused):
    registration = Correcting()
    result = run(UPDATE, registration=registration, scoring=Assessed(assessment), caller=OFFICER)
    if refused:
        fields = format_error(result.errors[0])["extensions"]["fields"]
        assert fields[0]["key"] == "registration_reviewed" and registration.corrected == []
    else:
        assert result.errors is None
        assert result.data["updateRegistration"] == {"enrolmentId": "e1", "phone": "0912345678"}
        assert registration.corrected == [
            {"tenant": "20", "enrolmentId": "e1", "phone": "0912345678"}
        ]


def test_another_communes_registration_is_not_corrected():
    registration = Correcting()
    result = run(UPDATE, registration=registration, scoring=Assessed(None), caller=SIBLING)
    assert format_error(result.errors[0])["extensions"]["code"] == "FORBIDDEN"
    assert registration.corrected == []
