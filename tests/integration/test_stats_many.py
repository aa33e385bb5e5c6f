"""scoring.stats_many against the real server: the same figures as one ``stats`` read per
unit, read per group of siblings through the counters' ``unitpath`` index (pinned by the
server's plan), and nothing of another province."""

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import service, store
from services.scoring.service import apply_enrolment_event
from services.scoring.stats_store import COUNTERS, ensure_index, stats_many, subtree_filter
from tests.integration.helpers import registered_event

UNITS = {
    "20/183/06184": 3,
    "20/183/06187": 2,
    "20/1830/09999": 4,  # a code that extends 183's: not below it
    "20/190/06250": 1,
    "01/001/00004": 5,  # Hà Nội
}


@pytest.fixture
def db(config):
    found = service_database(config, "scoring")
    store.prepare(found)
    ensure_index(found)
    for path, households in UNITS.items():
        tenant = TenantDatabase(found, UnitPath.parse(path).tenant)
        for year in (2024, 2025):
            for number in range(households):
                event = registered_event(f"hh-{path}-{number}", path, year)
                apply_enrolment_event(
                    store.Assessments(tenant), Envelope.from_dict(event), "registered"
                )
    return found


PATHS = ["20", "20/183", "20/190", "20/1830", "20/183/06184", "20/183/06187", "20/190/06250"]


def test_many_units_figures_are_each_units_own(db):
    lang_son = TenantDatabase(db, "20")
    for year in (2024, 2025):
        found = stats_many(lang_son, [*PATHS, "01/001", "20/404"], year)
        for path in PATHS:
            alone = service.unit_stats(store.Assessments(lang_son), UnitPath.parse(path), year)
            assert found[path] == alone, path
        assert found["20"]["FAMILY"]["registered"] == 10
        assert found["20/183"]["FAMILY"]["registered"] == 5
        assert found["01/001"] == {} and found["20/404"] == {}  # another tenant's; nothing


def test_siblings_are_read_through_their_parents_subtree_by_the_unitpath_index(db):
    query = {"tenant": "20", **subtree_filter(UnitPath.parse("20/183")), "year": 2025}
    plan = db[COUNTERS].find(query).explain()["queryPlanner"]["winningPlan"]
    detail = " ".join(step["detail"] for step in plan)
    assert "USING INDEX" in detail and "unitpath" in detail, detail
