"""The MongoDB subset the stores rely on, pinned against the server the tests run on
(nx-27017 by default, a real MongoDB with TEST_MONGO_URI). If one of these fails after an
upgrade, the stores' exactly-once and outbox guarantees no longer hold there."""

import unicodedata

import pytest
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from khuyenhoc.storage import migrate_once, service_database


@pytest.fixture
def db(config):
    return service_database(config, "compat")


def test_insert_with_existing_id_raises_duplicate_key(db):
    db.c.insert_one({"_id": "a"})
    with pytest.raises(DuplicateKeyError):
        db.c.insert_one({"_id": "a"})


def test_set_on_insert_upsert_keeps_the_first_document(db):
    first = db.c.update_one({"_id": "s"}, {"$setOnInsert": {"v": 1}}, upsert=True)
    second = db.c.update_one({"_id": "s"}, {"$setOnInsert": {"v": 2}}, upsert=True)
    assert first.upserted_id == "s" and second.upserted_id is None
    assert db.c.find_one({"_id": "s"})["v"] == 1


def test_outbox_keys_are_added_and_removed_one_by_one(db):
    db.c.insert_one(
        {"_id": "o", "outbox": {"e1": {"id": "e1"}}, "outbox_pending": 1, "outbox_rev": 1}
    )
    db.c.update_one(
        {"_id": "o"},
        {"$set": {"outbox.e2": {"id": "e2"}, "outbox_pending": 1}, "$inc": {"outbox_rev": 1}},
    )
    db.c.update_one({"_id": "o"}, {"$unset": {"outbox.e1": ""}})
    doc = db.c.find_one({"_id": "o"})
    assert doc["outbox"] == {"e2": {"id": "e2"}} and doc["outbox_rev"] == 2


def test_update_guarded_by_a_scalar_matches_only_when_equal(db):
    db.c.insert_one({"_id": "g", "rev": 3, "pending": 1})
    assert db.c.update_one({"_id": "g", "rev": 2}, {"$set": {"pending": 0}}).matched_count == 0
    assert db.c.update_one({"_id": "g", "rev": 3}, {"$set": {"pending": 0}}).matched_count == 1
    assert [d["_id"] for d in db.c.find({"pending": 0})] == ["g"]


def test_marker_guarded_upsert_applies_once(db):
    def apply(marker):
        try:
            db.c.update_one(
                {"_id": "k", f"applied.{marker}": {"$exists": False}},
                {
                    "$inc": {"n": 1},
                    "$set": {f"applied.{marker}": 1},
                    "$setOnInsert": {"tenant": "20"},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    assert [apply("x"), apply("y"), apply("x")] == [True, True, False]
    doc = db.c.find_one({"_id": "k"})
    assert doc["n"] == 2 and doc["tenant"] == "20"


def test_money_sums_past_32_bits_stay_exact(db):
    """Counters that started small keep adding exactly past 2^31 đồng (promoted to int64)."""
    db.c.insert_one({"_id": "sum", "total": 2_000_000_000})
    for _ in range(3):
        db.c.update_one({"_id": "sum"}, {"$inc": {"total": 2_000_000_000}})
    db.c.update_one({"_id": "sum"}, {"$inc": {"total": -1}})
    assert db.c.find_one({"_id": "sum"})["total"] == 7_999_999_999


def test_int64_money_round_trips_exactly(db):
    amount = 45_000_000_000_123  # tens of billions of đồng and beyond float precision
    db.c.insert_one({"_id": "m", "amount": amount})
    assert db.c.find_one({"_id": "m"})["amount"] == amount


def test_vietnamese_text_round_trips_in_nfc(db):
    name = unicodedata.normalize("NFC", "Thị trấn Đồng Đăng")
    db.c.insert_one({"_id": "t", "name": name})
    assert db.c.find_one({"_id": "t"})["name"] == name


def test_indexed_find_by_depth_field(db):
    db.c.create_index([("tenant", ASCENDING), ("year", ASCENDING), ("path_1", ASCENDING)])
    db.c.insert_many(
        [
            {
                "_id": f"u{i}",
                "tenant": "20",
                "year": 2024,
                "path_1": "183" if i % 2 else "184",
                "n": i,
            }
            for i in range(10)
        ]
    )
    found = db.c.find({"tenant": "20", "year": 2024, "path_1": "183"}, {"n": 1})
    assert sorted(d["n"] for d in found) == [1, 3, 5, 7, 9]


def test_epoch_seconds_written_by_update_compare_as_numbers(db):
    """Leases are epoch seconds: a datetime set by $set comes back as text on nx-27017."""
    db.c.insert_one({"_id": "l", "lease": None})
    db.c.update_one({"_id": "l"}, {"$set": {"lease": 1_795_000_000.5}})
    assert db.c.find_one({"_id": "l"})["lease"] == 1_795_000_000.5
    guard = {"_id": "l", "lease": 1_795_000_000.5}
    assert db.c.update_one(guard, {"$set": {"lease": None}}).matched_count == 1


def test_binary_round_trips_and_ids_are_found_in_bulk(db):
    chunk = bytes(range(256)) * 600
    db.c.insert_many([{"_id": f"f:{n}", "data": chunk} for n in range(3)])
    found = {d["_id"]: d["data"] for d in db.c.find({"_id": {"$in": ["f:0", "f:2", "f:9"]}})}
    assert found == {"f:0": chunk, "f:2": chunk}


def test_an_import_job_is_claimed_once_resumed_after_its_lease_and_failed_after_retries(config):
    """The job lease on the real store: one worker at a time, resumable, bounded retries."""
    from datetime import UTC, datetime, timedelta

    from khuyenhoc.storage import TenantDatabase
    from services.registration.lists.store import MAX_ATTEMPTS, AllTenantsImportQueue, ImportJobs
    from services.registration.store import prepare

    db = service_database(config, "registration")
    prepare(db)
    jobs, queue = ImportJobs(TenantDatabase(db, "20")), AllTenantsImportQueue(db)
    now = datetime.now(UTC)
    jobs.create({"_id": "imp-1", "status": "PENDING", "lease_until": None, "created_at": now}, b"x")
    lease = timedelta(minutes=2)
    assert queue.claim(now, lease)["_id"] == "imp-1"
    assert queue.claim(now, lease) is None  # leased to the first worker
    later = now + lease + timedelta(seconds=1)
    for _ in range(MAX_ATTEMPTS - 1):  # each worker died; the lease ran out; another resumes
        assert queue.claim(later, lease)["_id"] == "imp-1"
        later += lease + timedelta(seconds=1)
    assert queue.claim(later, lease) is None
    assert jobs.get("imp-1")["status"] == "FAILED"


def test_increment_once_counts_each_change_once_and_forgets_settled_ones(db):
    from khuyenhoc.storage import forget_change, increment_once

    for change in ("x", "y", "x"):  # "x" again: a retry after a crash
        increment_once(db.c, "k", change, {"n": 1, "m": 2}, {"tenant": "20"})
    doc = db.c.find_one({"_id": "k"})
    assert (doc["n"], doc["m"], doc["tenant"]) == (2, 4, "20")
    forget_change(db.c, "k", "x")
    assert db.c.find_one({"_id": "k"})["applied"] == {"y": 1}


def test_balance_guarded_decrement_never_overdraws_under_concurrency(db):
    """The fund's payment guard: ``balance >= amount`` in the filter of the same update."""
    import eventlet

    db.c.insert_one({"_id": "fund", "balance": 1_000, "version": 0})

    def pay(_):
        return db.c.update_one(
            {"_id": "fund", "balance": {"$gte": 300}}, {"$inc": {"balance": -300}}
        ).modified_count

    assert sum(eventlet.GreenPool(10).imap(pay, range(10))) == 3
    assert db.c.find_one({"_id": "fund"})["balance"] == 100
    big = 5_000_000_000_000
    db.c.insert_one({"_id": "rich", "balance": big})
    assert (
        db.c.update_one(
            {"_id": "rich", "balance": {"$gte": big + 1}}, {"$inc": {"balance": -1}}
        ).matched_count
        == 0
    )
    assert (
        db.c.update_one(
            {"_id": "rich", "balance": {"$gte": big}}, {"$inc": {"balance": -big}}
        ).matched_count
        == 1
    )


def test_version_guarded_write_lets_exactly_one_racer_win(db):
    """The fund's commit point: every racer read version 0; exactly one write lands."""
    import eventlet

    db.c.insert_one({"_id": "v", "version": 0, "receipts": {}})

    def write(n):
        return db.c.update_one(
            {"_id": "v", "version": 0},
            {"$set": {"receipts.y2024": n, f"pending.p{n}": {"n": n}}, "$inc": {"version": 1}},
        ).modified_count

    assert sum(eventlet.GreenPool(10).imap(write, range(10))) == 1
    doc = db.c.find_one({"_id": "v"})
    assert doc["version"] == 1 and len(doc["pending"]) == 1
    assert doc["receipts"] == {"y2024": next(iter(doc["pending"].values()))["n"]}


def test_string_ranges_sort_and_limit_for_cursor_pages(db):
    """The fund's record order ``YYYYMMDD|number``. (nx-27017: a range bound that starts like
    an ISO date and goes on, e.g. "2024-01-02|x", matches nothing, hence no hyphens.)"""
    db.c.create_index([("fund_id", ASCENDING), ("sort_key", ASCENDING)])
    for day in ("2024-01-02", "2024-03-04", "2024-12-31", "2025-01-01"):
        key = f"{day.replace('-', '')}|06184-2024-000001"
        db.c.insert_one({"_id": day, "fund_id": "f", "sort_key": key, "date": day})
    db.c.insert_one(
        {"_id": "other", "fund_id": "g", "sort_key": "20240601|x", "date": "2024-06-01"}
    )
    page = {"fund_id": "f", "sort_key": {"$gt": "20240102|~", "$lt": "20241231|~"}}
    found = db.c.find(page).sort("sort_key", ASCENDING).limit(5)
    assert [d["_id"] for d in found] == ["2024-03-04", "2024-12-31"]
    first = db.c.find({"fund_id": "f"}).sort("sort_key", ASCENDING).limit(2)
    assert [d["_id"] for d in first] == ["2024-01-02", "2024-03-04"]
    # plain ISO days compare as text (the ledger's "entries up to the statement's last day")
    until = [d["_id"] for d in db.c.find({"fund_id": "f", "date": {"$lte": "2024-12-31"}})]
    assert sorted(until) == ["2024-01-02", "2024-03-04", "2024-12-31"]


def test_a_pending_plan_is_claimed_by_exactly_one_sweeper(db):
    """The fund's sweep claims an old plan by moving ``pending.<id>.at`` (a float) on."""
    import eventlet

    db.c.insert_one({"_id": "f", "pending": {"d-1/out": {"at": 12.5, "n": 1}}})

    def claim(n):
        return db.c.update_one(
            {"_id": "f", "pending.d-1/out.at": 12.5},
            {"$set": {"pending.d-1/out.at": 100.0 + n}},
        ).modified_count

    assert sum(eventlet.GreenPool(8).imap(claim, range(8))) == 1
    assert db.c.find_one({"_id": "f"})["pending"]["d-1/out"]["n"] == 1


def test_increment_many_once_applies_each_counter_once_in_one_round_trip(db):
    from khuyenhoc.storage import forget_change_many, increment_many_once

    def counters(*ids):
        return [{"id": i, "increments": {"n": 1}, "identity": {"tenant": "20"}} for i in ids]

    increment_many_once(db.c, "x", counters("a", "b"))
    increment_many_once(db.c, "x", counters("a", "b", "c"))  # a retry reaching one more counter
    increment_many_once(db.c, "y", counters("a"))
    assert {d["_id"]: d["n"] for d in db.c.find()} == {"a": 2, "b": 1, "c": 1}
    forget_change_many(db.c, ["a", "b", "c"], "x")
    assert {d["_id"]: sorted(d.get("applied") or {}) for d in db.c.find()} == {
        "a": ["y"],
        "b": [],
        "c": [],
    }


def test_a_start_up_migration_runs_until_it_has_once_finished(db):
    runs = []

    def crash(db):
        runs.append("crashed")
        raise RuntimeError("killed mid-migration")

    with pytest.raises(RuntimeError):
        migrate_once(db, "m1", crash)
    assert migrate_once(db, "m1", lambda db: runs.append("finished")) is True
    assert migrate_once(db, "m1", lambda db: runs.append("again")) is False
    assert runs == ["crashed", "finished"]
