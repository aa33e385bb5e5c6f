"""Registration → broker → scoring, with both services running as nameko containers."""

import base64

from nameko.standalone.rpc import ServiceRpcProxy

from services.registration.entrypoint import RegistrationService
from services.scoring.entrypoint import ScoringService
from tests.conftest import wait_until
from tests.integration.helpers import load_demo_directory, registered_count, registration_db

HOUSEHOLD = {
    "tenant": "20",
    "communeCode": "06184",
    "headName": "Hoàng Văn Thụ",
    "address": "Khối 2",
    "year": 2024,
    "members": [{"name": "Hoàng Thị Lan", "relation": "Con", "birthYear": 2010, "learning": True}],
}


def start(container_factory, config, *services):
    for service in services:
        container_factory(service, config).start()


def register(config, payload):
    with ServiceRpcProxy("registration", config) as registration:
        return registration.register("household", payload)


def stored(config):
    db = registration_db(config)
    return len(list(db.subjects.find({}, {"_id": 1}))), len(
        list(db.enrolments.find({}, {"_id": 1}))
    )


def test_registration_reaches_scoring_once_even_when_resubmitted(container_factory, config):
    load_demo_directory(config)
    start(container_factory, config, RegistrationService, ScoringService)
    first = register(config, HOUSEHOLD)["enrolment"]
    assert first["created"] is True and first["unitPath"] == "20/183/06184"
    wait_until(lambda: registered_count(config, "20/183/06184") == 1, what="scoring's count")

    again = register(config, {**HOUSEHOLD, "headName": "HOÀNG  VĂN THỤ"})["enrolment"]
    assert again["created"] is False and again["enrolmentId"] == first["enrolmentId"]
    assert stored(config) == (1, 1)
    assert registered_count(config, "20") == 1


def test_bad_input_is_answered_per_field_and_stores_nothing(container_factory, config):
    load_demo_directory(config, "20", "01")
    start(container_factory, config, RegistrationService)
    cases = {
        "communeCode": {**HOUSEHOLD, "communeCode": "99999"},  # unknown commune
        "headName": {**HOUSEHOLD, "headName": ""},
        "year": {**HOUSEHOLD, "year": 3000},
    }
    for field, payload in cases.items():
        errors = register(config, payload)["errors"]
        assert field in {e["field"] for e in errors}, (field, errors)
    # a commune of Hà Nội (tenant 01) asked for under Lạng Sơn (tenant 20), and the reverse
    hanoi_commune = next(
        u for u in registration_db(config).units.find({"tenant": "01", "level": "commune"})
    )
    for tenant, commune in (("20", hanoi_commune["code"]), ("01", "06184")):
        errors = register(config, {**HOUSEHOLD, "tenant": tenant, "communeCode": commune})
        assert errors["errors"][0]["key"] == "commune_not_found"
    assert stored(config) == (0, 0)


def test_an_event_registered_while_scoring_is_stopped_arrives_when_it_starts(
    container_factory, config
):
    load_demo_directory(config)
    start(container_factory, config, RegistrationService)  # scoring is not running at all
    register(config, HOUSEHOLD)
    db = registration_db(config)
    wait_until(lambda: db.enrolments.find_one({"outbox_pending": 0}), what="relay publish")
    assert registered_count(config, "20/183/06184") == 0
    start(container_factory, config, ScoringService)
    wait_until(lambda: registered_count(config, "20/183/06184") == 1, what="late delivery")


def test_reads_of_another_province_or_of_none_answer_nothing(container_factory, config):
    """Every read names its province; a record of another one, or a caller with no province
    (a national account), gets the same "nothing" as a record that is not there."""
    load_demo_directory(config, "20", "01")
    start(container_factory, config, RegistrationService)
    enrolment = register(config, HOUSEHOLD)["enrolment"]
    with ServiceRpcProxy("registration", config) as registration:
        for tenant in ("01", None):
            assert registration.enrolment(tenant, enrolment["enrolmentId"]) is None
            assert registration.contact(tenant, enrolment["subjectId"]) is None
            assert registration.import_job(tenant, "imp-none") is None
            assert registration.import_error_report(tenant, "imp-none") is None
            assert registration.unit_for_year("06184", tenant, 2024) is None
            assert registration.subjects(tenant, "20/183", 2024)["items"] == []
            assert registration.unit_figures(tenant, "20/183", 2024) == {}
            assert registration.export_registrations(tenant, "20/183", 2024) is None
        own = registration.enrolment("20", enrolment["enrolmentId"])
        assert (own["unitpath"], own["status"]) == ("20/183/06184", "ENROLLED")
        assert registration.contact("20", enrolment["subjectId"])["name"] == "Hoàng Văn Thụ"
        assert (
            registration.subjects("20", "20/183", 2024)["items"][0]["_id"]
            == (enrolment["enrolmentId"])
        )


def test_the_directory_rules_answer_over_rpc(container_factory, config):
    """What the gateway asks instead of importing registration's rules: the unit a year's
    registration refers to, a unit's parent, where its figures live, the import templates."""
    from datetime import date

    from khuyenhoc.storage import TenantDatabase
    from services.registration.directory.service import record_change
    from services.registration.directory.store import DirectoryStore

    load_demo_directory(config, "20", "01")
    merged = record_change(
        DirectoryStore(TenantDatabase(registration_db(config), "20")),
        date(2023, 1, 1),
        ["06184", "06187"],
        [("06184", "Thị trấn Đồng Đăng")],
    )[0]
    start(container_factory, config, RegistrationService)
    with ServiceRpcProxy("registration", config) as registration:
        assert registration.unit_for_year("06184", "20", 2022)["_id"] == "20:2024:06184"
        assert registration.unit_for_year("06184", "20", 2024)["_id"] == merged["_id"]
        assert registration.unit_for_year("06184", "01", 2024) is None
        assert registration.parent(merged["_id"])["code"] == "183"
        assert registration.figure_paths(merged["_id"], 2024) == [merged["path"]]
        assert sorted(registration.figure_paths(merged["_id"], 2022)) == [
            "20/183/06184",
            "20/183/06187",
        ]
        assert registration.figure_paths("20:2024:nothing", 2024) == []
        assert base64.b64decode(registration.template("household"))[:2] == b"PK"
        assert registration.template("commune") is None
