"""The criteria-set administration of the gateway on its own (scoring replaced by a stand-in):
only the province admin of the tenant may; the figures say when they rest on a provisional set."""

import pytest

from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath
from tests.unit.test_gateway_schema import ADMIN, Scoring, run

STORED = {
    "set_id": "ls-family",
    "version": 1,
    "title": "FAMILY",
    "status": "draft",
    "effective_from_years": [],
    "valid_from": 2021,
    "valid_to": 2030,
    "group": None,
    "level": None,
    "provisional": False,
    "provisional_reason": None,
    "uploaded_by": "admin",
    "uploaded_at": "2025-03-01T00:00:00+00:00",
    "activated_by": None,
    "activated_at": None,
}


class CriteriaScoring(Scoring):
    def __init__(self):
        super().__init__()
        self.calls = []

    def upload_criteria_set(self, payload):
        self.calls.append(("upload", payload))
        return {"sets": [STORED]}

    def activate_criteria_set(self, payload):
        self.calls.append(("activate", payload))
        return {"set": {**STORED, "status": "active", "effective_from_years": [2025]}}

    def tenant_criteria_sets(self, tenant):
        self.calls.append(("list", tenant))
        return [STORED]

    def criteria_set_version(self, tenant, set_id, version):
        return {**STORED, "yaml": "id: ls-family\n"} if tenant == "20" else None

    def validate_criteria_set(self, payload):
        return {"errors": [{"field": "yaml", "key": "criteria_set_invalid", "message": "Tại id"}]}

    def figures_provisional(self, tenant, title, year):
        self.calls.append(("provisional", tenant, title, year))
        return {"provisional": True, "provisional_reason": "Chưa có số liệu chính thức."}


UPLOAD = 'mutation { uploadCriteriaSet(input: {yaml: "id: x"}) { sets { setId version status } } }'
UPLOAD_20 = (
    'mutation { uploadCriteriaSet(input: {tenant: "20", yaml: "id: x"}) { sets { setId } } }'
)
ACTIVATE = """mutation { activateCriteriaSet(input: {setId: "ls-family", version: 1,
  effectiveFromYear: 2025}) { setId status effectiveFromYears } }"""
LIST = "{ tenantCriteriaSets { setId version status provisional } }"


def caller(role, unit="20", tenant="20"):
    return Caller(role.value, tenant, role, UnitPath.parse(unit))


def test_the_province_admin_uploads_activates_and_lists_in_its_own_tenant():
    scoring = CriteriaScoring()
    uploaded = run(UPLOAD, scoring=scoring)
    assert uploaded.errors is None
    assert uploaded.data["uploadCriteriaSet"]["sets"] == [
        {"setId": "ls-family", "version": 1, "status": "DRAFT"}
    ]
    activated = run(ACTIVATE, scoring=scoring)
    assert activated.data["activateCriteriaSet"]["effectiveFromYears"] == [2025]
    assert run(LIST, scoring=scoring).data["tenantCriteriaSets"][0]["setId"] == "ls-family"
    assert scoring.calls == [
        ("upload", {"tenant": "20", "yaml": "id: x", "by": "admin"}),
        (
            "activate",
            {
                "tenant": "20",
                "setId": "ls-family",
                "version": 1,
                "effectiveFromYear": 2025,
                "by": "admin",
            },
        ),
        ("list", "20"),
    ]


def test_the_yaml_as_uploaded_is_read_one_version_at_a_time():
    query = '{ criteriaSetVersion(setId: "ls-family", version: 1) { yaml status } }'
    result = run(query, scoring=CriteriaScoring())
    assert result.data["criteriaSetVersion"] == {"yaml": "id: ls-family\n", "status": "DRAFT"}


@pytest.mark.parametrize(
    "who",
    [
        caller(Role.DISTRICT_OFFICER, "20/183"),
        caller(Role.COMMUNE_OFFICER, "20/183/06184"),
        caller(Role.AUTHORITY, "20"),
        Caller("hanoi", "01", Role.PROVINCE_ADMIN, UnitPath.parse("01")),
    ],
    ids=["district", "commune", "authority", "other-province-admin"],
)
@pytest.mark.parametrize(
    "operation", [UPLOAD_20, ACTIVATE, LIST, '{ tenantCriteriaSets(tenant: "20") { setId } }']
)
def test_other_roles_and_other_provinces_are_forbidden(who, operation):
    scoring = CriteriaScoring()
    if who.tenant == "01" and operation in (ACTIVATE, LIST):
        operation = operation.replace("{ tenantCriteriaSets", '{ tenantCriteriaSets(tenant: "20")')
        operation = operation.replace("input: {setId", 'input: {tenant: "20", setId')
    result = run(operation, scoring=scoring, caller=who)
    assert result.errors and result.errors[0].extensions["code"] == "FORBIDDEN"
    assert scoring.calls == []


def test_anonymous_callers_are_unauthenticated():
    for operation in (UPLOAD, LIST):
        result = run(operation, scoring=CriteriaScoring(), caller=None)
        assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


def test_a_dry_run_answers_the_services_field_errors():
    result = run(
        '{ validateCriteriaSet(yaml: "id: x") { id } }', scoring=CriteriaScoring(), caller=ADMIN
    )
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert result.errors[0].extensions["fields"][0]["field"] == "yaml"


def test_title_figures_say_when_they_rest_on_a_provisional_set():
    scoring = CriteriaScoring()
    query = """{ orgUnit(code: "06184") { stats(year: 2024) { title(title: FAMILY) {
      registered provisional provisionalReason } } } }"""
    result = run(query, scoring=scoring)
    assert result.errors is None
    assert result.data["orgUnit"]["stats"]["title"] == {
        "registered": 7,
        "provisional": True,
        "provisionalReason": "Chưa có số liệu chính thức.",
    }
    assert [c for c in scoring.calls if c[0] == "provisional"] == [
        ("provisional", "20", "FAMILY", 2024)
    ]
