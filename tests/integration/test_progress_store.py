"""Progress against the programme targets on the real store: the numerator is what the
counters hold for the unit's paths (recognitions imported for two communes), summed over a
merged commune's predecessors; a province's own target is kept under one ``_id`` (setting it
again replaces it), refused below the national share, and unseen by another province."""

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import history, progress, store
from services.scoring.domain import Refused
from services.scoring.domain.history import HistoryRow
from services.scoring.stats_store import ensure_index

NOW = datetime(2025, 6, 1, tzinfo=UTC)
COMMUNES = {"20/183/06184": 30, "20/183/06190": 12}


@pytest.fixture
def db(config):
    found = service_database(config, "scoring")
    store.prepare(found)
    ensure_index(found)
    assessments = store.Assessments(TenantDatabase(found, "20"))
    for path, count in COMMUNES.items():
        rows = [
            HistoryRow(
                n,
                f"hh-progress-{path[-5:]}-{n}",
                "household",
                path,
                "FAMILY",
                2022,
                "45/QĐ-UBND",
                date(2022, 12, 20),
            )  # fmt: skip
            for n in range(1, count + 1)
        ]
        done = history.import_history(
            assessments, [], UnitPath.parse(path), rows, today=NOW.date(), now=NOW
        )
        assert done.imported == count
    return found


def family(rows):
    return next(r for r in rows if r["target"]["code"] == "QD387.FAMILY.2025")


def test_the_numerator_is_the_counters_of_the_units_paths(db):
    lang_son = TenantDatabase(db, "20")
    own = progress.ProvinceTargets(lang_son)
    one = progress.progress_of(lang_son, own, ["20/183/06184"], 2022, {"households": 50}, False)
    assert (family(one)["numerator"], family(one)["denominator"]) == (30, 50)
    assert family(one)["met"] is False
    merged = progress.progress_of(lang_son, own, list(COMMUNES), 2022, {"households": 60}, False)
    assert family(merged)["numerator"] == 42 and family(merged)["met"] is True
    # another province's paths answer nothing
    hanoi = TenantDatabase(db, "01")
    other = progress.progress_of(
        hanoi, progress.ProvinceTargets(hanoi), ["20/183/06184"], 2022, {}, False
    )
    assert family(other)["numerator"] == 0 and family(other)["share"] is None


def test_a_provinces_own_target_is_kept_once_and_only_for_it(db):
    lang_son = TenantDatabase(db, "20")
    own = progress.ProvinceTargets(lang_son)
    wanted = {"code": "QD387.FAMILY.2025", "share": 0.75, "mountain_share": None,
              "from_year": 2022, "to_year": 2025, "source": "KH 1/KH-UBND"}  # fmt: skip
    progress.set_province_target(own, wanted, NOW)
    progress.set_province_target(own, {**wanted, "share": 0.8}, NOW)
    assert db[progress.PROVINCE_TARGETS].count_documents({"tenant": "20"}) == 1
    rows = progress.progress_of(lang_son, own, ["20/183/06184"], 2022, {"households": 40}, False)
    assert family(rows)["target"]["share"] == 0.8
    assert family(rows)["target"]["overridden_by_province"] is True
    assert family(rows)["met"] is False  # 30 / 40 = 0.75 < 0.8
    with pytest.raises(Refused):
        progress.set_province_target(own, {**wanted, "share": 0.6}, NOW)
    assert progress.ProvinceTargets(lang_son).all()[0].share == 0.8  # unchanged
    hanoi = TenantDatabase(db, "01")
    assert progress.ProvinceTargets(hanoi).all() == []
