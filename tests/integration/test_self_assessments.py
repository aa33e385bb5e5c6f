"""Households' self-assessments entered as one list, on the real store and broker: scoring's RPC
judges 300 rows (and refuses a sibling commune's), each written row's ``scored`` event reaches
the broker exactly once, the figures count each row once at every level, and the same list sent
again writes nothing and publishes nothing."""

from kombu import Connection
from nameko.standalone.rpc import ServiceRpcProxy

from khuyenhoc.envelope import Envelope
from khuyenhoc.events import SCORED
from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import service, store
from services.scoring.entrypoint import ScoringService
from tests.conftest import wait_until
from tests.integration.helpers import registered_event, tap

MANY = 300
COMMUNE, SIBLING = "20/183/06184", "20/183/06187"
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
LOW = {**GOOD, "c3.i1": 5}


def enrol(assessments, subjects, commune=COMMUNE):
    ids = []
    for subject in subjects:
        event = Envelope.from_dict(registered_event(subject, commune))
        assert service.apply_enrolment_event(assessments, event, "registered")
        ids.append(event.data["enrolmentId"])
    return ids


def figures(assessments, path):
    return service.unit_stats(assessments, UnitPath.parse(path), 2024).get("FAMILY", {})


def versions(db):
    return {d["_id"]: d["version"] for d in db.assessments.find({"tenant": "20"}, {"version": 1})}


def test_a_list_of_300_is_scored_once_each_and_a_retry_writes_nothing(container_factory, config):
    db = service_database(config, "scoring")
    store.prepare(db)
    assessments = store.Assessments(TenantDatabase(db, "20"))
    ids = enrol(assessments, [f"hh-{n}" for n in range(MANY)])
    (sibling,) = enrol(assessments, ["hh-sibling"], SIBLING)
    container_factory(ScoringService, config).start()
    payload = {
        "tenant": "20",
        "unitCode": "06184",
        "unitPath": COMMUNE,
        "title": "FAMILY",
        "year": 2024,
        "rows": [
            {"enrolmentId": e, "answers": LOW if n % 3 == 0 else GOOD}
            for n, e in enumerate([*ids, sibling])
        ],
        "by": "officer",
    }
    with Connection(config["AMQP_URI"]) as connection:
        queue = tap(config, SCORED)(connection.default_channel)
        queue.declare()
        with ServiceRpcProxy("scoring", config) as scoring:
            done = scoring.submit_self_assessments(payload)["self_assessments"]
            assert (done["written"], done["unchanged"], done["refused"]) == (MANY, 0, 1)
            assert done["rows"][-1]["error"]["key"] == "outside_unit"
            assert sum(r.get("status") == "recognised" for r in done["rows"]) == MANY * 2 // 3
            received: list[dict] = []

            def all_published():
                while (message := queue.get(no_ack=True)) is not None:
                    received.append(message.decode())
                return len(received) >= MANY

            wait_until(all_published, 60, what="every row's scored event")
            before = versions(db)
            again = scoring.submit_self_assessments(payload)["self_assessments"]
            assert (again["written"], again["unchanged"], again["refused"]) == (0, MANY, 1)
            assert again["request_id"] == done["request_id"]
        queue.delete()
    ids_published = [e["id"] for e in received]
    assert len(ids_published) == len(set(ids_published)) == MANY  # each once
    assert sorted(e["data"]["enrolmentId"] for e in received) == sorted(ids)
    assert {e["data"]["stage"] for e in received} == {"self_assessment"}
    assert versions(db) == before  # the retry wrote nothing (so announced nothing)
    for path in (COMMUNE, "20/183", "20"):
        assert figures(assessments, path)["assessed"] == MANY
    assert figures(assessments, SIBLING)["assessed"] == 0
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0
    kept = assessments.get(ids[1]).self_assessment
    assert kept["request_id"] == done["request_id"] and kept["by"] == "officer"
    assert kept["verdict"]["status"] == "recognised"
