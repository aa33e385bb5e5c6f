"""A province's criteria sets on the server the tests run on: versions and activations are kept
per tenant (another province finds, lists and activates nothing of them), the stamp is one read
by ``_id``, and the operator's commands reach the same store."""

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from khuyenhoc.storage import TenantDatabase, service_database
from ops import cli
from services.scoring import set_registry, store
from services.scoring.criteria_sets import load_shipped, select
from services.scoring.domain import Refused

FAMILY = (Path(__file__).parents[1] / "data" / "criteria" / "20" / "family-adapted.yaml").read_text(
    encoding="utf-8"
)
NOW = datetime(2025, 3, 1, tzinfo=UTC)


def family(set_id="ls-family", pass_mark=80):
    text = FAMILY.replace("id: test-20-family-2021", f"id: {set_id}")
    return text.replace("pass_mark: 80", f"pass_mark: {pass_mark}")


@pytest.fixture
def db(config):
    db = service_database(config, "scoring")
    store.prepare(db)
    return db


def sets_of(db, tenant):
    return store.CriteriaSets(TenantDatabase(db, tenant))


def test_versions_and_activations_round_trip_by_id(db):
    lang_son = sets_of(db, "20")
    set_registry.upload(lang_son, family(), load_shipped(), [], "admin", NOW)
    set_registry.upload(lang_son, family(pass_mark=90), load_shipped(), [], "admin", NOW)
    assert lang_son.versions("ls-family", 50) == [1, 2]
    set_registry.activate(lang_son, "ls-family", 1, 2021, "admin", NOW)
    set_registry.activate(lang_son, "ls-family", 2, 2025, "admin", NOW)
    assert db.criteria_sets.find_one({"_id": "20:ls-family:2"})["yaml"] == family(pass_mark=90)
    listed = {d["version"]: d for d in set_registry.listing(lang_son)}
    assert (listed[1]["status"], listed[2]["effective_from_years"]) == ("active", [2025])
    assert listed[1]["activated_at"] == NOW.isoformat()
    sets = set_registry.SetCache().sets(("db", "20"), lang_son, [], load_shipped())
    assert select(sets, "FAMILY", 2024).pass_mark == 80
    assert select(sets, "FAMILY", 2026).pass_mark == 90


def test_another_tenant_finds_lists_and_activates_nothing(db):
    lang_son, ha_noi = sets_of(db, "20"), sets_of(db, "01")
    set_registry.upload(lang_son, family(), load_shipped(), [], "admin", NOW)
    set_registry.activate(lang_son, "ls-family", 1, 2024, "admin", NOW)
    before = list(db.criteria_sets.find({}, sort=[("_id", 1)]))
    assert ha_noi.get("ls-family", 1) is None
    assert ha_noi.get_many([("ls-family", 1)]) == []
    assert ha_noi.versions("ls-family", 50) == []
    assert ha_noi.active().activations == ()
    assert set_registry.listing(ha_noi) == []
    with pytest.raises(Refused):
        set_registry.activate(ha_noi, "ls-family", 1, 2024, "hanoi", NOW)
    assert not ha_noi.swap_active(lang_son.active().stamp, set_registry.ActiveSets("x", ()))
    assert list(db.criteria_sets.find({}, sort=[("_id", 1)])) == before
    # Hà Nội's own set of the same id is its own version 1, beside Lạng Sơn's
    set_registry.upload(ha_noi, family(), load_shipped(), [], "hanoi", NOW)
    assert [r.version for r in ha_noi.all()] == [1] and len(lang_son.all()) == 1


def test_the_stamp_is_one_read_by_id(db):
    """The cost of "no restart": every scoring request reads its tenant's stamp (measured and
    printed, not asserted)."""
    lang_son = sets_of(db, "20")
    set_registry.upload(lang_son, family(), load_shipped(), [], "admin", NOW)
    set_registry.activate(lang_son, "ls-family", 1, 2024, "admin", NOW)
    cache = set_registry.SetCache()
    cache.sets(("db", "20"), lang_son, [], load_shipped())
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        cache.sets(("db", "20"), lang_son, [], load_shipped())
    per_call = (time.perf_counter() - started) / rounds * 1000
    started = time.perf_counter()
    for _ in range(rounds):
        lang_son.active()
    stamp = (time.perf_counter() - started) / rounds * 1000
    print(f"\nsets in force, cached: {per_call:.2f} ms per call, of which the stamp {stamp:.2f} ms")
    assert select(cache.sets(("db", "20"), lang_son, [], load_shipped()), "FAMILY", 2024)


def test_the_operators_commands_validate_upload_activate_and_list(db, config, tmp_path, capsys):
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(family(set_id="cli-family"), encoding="utf-8")
    bad.write_text(family(set_id="qd448-family-2016"), encoding="utf-8")
    assert cli.main(["criteria", "validate", str(good)]) == 0
    assert cli.main(["criteria", "validate", str(bad)]) == 1
    assert "trùng với một bộ tiêu chí có sẵn" in capsys.readouterr().out
    upload = ["criteria", "upload", "20", str(good), "--config", str(config_file)]
    assert cli.main([*upload, "--activate", "--from-year", "2024"]) == 0
    assert cli.main(["criteria", "list", "20", "--config", str(config_file)]) == 0
    out = capsys.readouterr().out
    assert "cli-family  phiên bản 1  FAMILY  active  áp dụng từ năm: 2024" in out
    assert sets_of(db, "20").active().activations[0].set_id == "cli-family"
    assert cli.main(["criteria", "list", "01", "--config", str(config_file)]) == 0
    assert "Tỉnh 01: 0 phiên bản" in capsys.readouterr().out
