"""The household list against the real server: a page is a range on one list key, pinned by
the server's plan; pages cover the list once in a stable order, whatever the filters, the
depth asked or a withdrawal; another province's enrolments stay out."""

from datetime import UTC, datetime

import pytest

from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import Title
from services.registration.enrolment.domain import Enrolment, SubjectKind, household
from services.registration.enrolment.store import ENROLMENTS, Registrations
from services.registration.store import add_list_keys, prepare

NOW = datetime(2025, 5, 1, tzinfo=UTC)
YEAR = 2025
COMMUNES = ("20/183/06184", "20/183/06187", "20/190/06250")


@pytest.fixture
def db(config):
    found = service_database(config, "registration")
    prepare(found)
    return found


def enrol(registrations, path, number, title=Title.FAMILY, name=None):
    unit = UnitPath.parse(path)
    subject = household(unit.tenant, unit.code, name or f"Hộ số {number}", f"Thôn {number}")
    enrolment = Enrolment(subject.subject_id, SubjectKind.HOUSEHOLD, title, YEAR, unit)
    registrations.add_subject(subject.as_document(unit, NOW))
    registrations.add_enrolment(
        enrolment.as_document(NOW, subject.name), enrolment.registered_event(NOW)
    )
    return enrolment


@pytest.fixture
def listed(db):
    """Lạng Sơn: 3 communes in 2 districts, two titles; Hà Nội: one commune of its own."""
    ours = Registrations(TenantDatabase(db, "20"))
    theirs = Registrations(TenantDatabase(db, "01"))
    made = []
    for number in range(30):
        path = COMMUNES[number % 3]
        title = Title.FAMILY if number % 4 else Title.CLAN
        made.append(enrol(ours, path, number, title, "Nguyễn Văn Tư" if number == 17 else None))
    for number in range(5):
        enrol(theirs, "01/001/00004", 100 + number)
    return ours, theirs, made


def every_page(registrations, path, first=7, **filters):
    """All items, page by page, and the pages' sizes."""
    items, sizes, after = [], [], None
    for _ in range(100):
        page, after = registrations.list_page(
            UnitPath.parse(path),
            YEAR,
            filters.get("title"),
            filters.get("status"),
            filters.get("search"),
            after,
            first,
        )
        items.extend(page)
        sizes.append(len(page))
        if after is None:
            return items, sizes
    raise AssertionError("the cursor never ended")


def ids_under(made, prefix, title=None):
    return sorted(
        e.id
        for e in made
        if (str(e.unit_path) + "/").startswith(prefix + "/") and (title is None or e.title == title)
    )


@pytest.mark.parametrize("path", ["20", "20/183", "20/183/06184"])
def test_pages_cover_the_units_list_once_in_a_stable_order(listed, path):
    ours, _, made = listed
    items, sizes = every_page(ours, path)
    assert sorted(e.id for e in items) == ids_under(made, path)
    assert len({e.id for e in items}) == len(items)
    order = [(e.status, e.title, e.id) for e in items]
    assert order == sorted(order)
    assert all(size == 7 for size in sizes[:-1])


def test_a_page_is_a_range_on_the_units_list_key(db, listed):
    """nx-27017 answers the page from the single-field list key index (no scan)."""
    query = {"tenant": "20", "lk_1": {"$gte": "20|183|2025|", "$lt": "20|183|2025}"}}
    plan = db[ENROLMENTS].find(query).sort("lk_1", 1).limit(51).explain()
    detail = " ".join(step["detail"] for step in plan["queryPlanner"]["winningPlan"])
    assert "USING INDEX" in detail and "lk_1" in detail, detail
    assert not detail.startswith(f"SCAN {ENROLMENTS}"), detail


def test_filters_by_title_and_status_and_a_withdrawal_moves_the_enrolment(listed):
    ours, _, made = listed
    clans = ids_under(made, "20", Title.CLAN)
    assert sorted(e.id for e in every_page(ours, "20", 3, title="CLAN")[0]) == clans
    gone = next(e for e in made if e.title == Title.CLAN)
    assert ours.withdraw(gone.id, gone.withdrawn_event(NOW, "chuyển đi"), "chuyển đi", NOW)

    enrolled = every_page(ours, "20", 4, status="ENROLLED")[0]
    withdrawn = every_page(ours, "20", 4, status="WITHDRAWN")[0]
    assert [e.id for e in withdrawn] == [gone.id]
    assert gone.id not in {e.id for e in enrolled} and len(enrolled) == len(made) - 1
    # a title without a status: its enrolled ones, then its withdrawn ones
    both = every_page(ours, "20", 2, title="CLAN")[0]
    assert [e.id for e in both][-1] == gone.id and sorted(e.id for e in both) == clans

    assert ours.reenrol(gone.id, gone.registered_event(NOW), {}, NOW)
    assert every_page(ours, "20", 4, status="WITHDRAWN")[0] == []
    assert gone.id in {e.id for e in every_page(ours, "20", 4, status="ENROLLED")[0]}


def test_a_name_search_finds_across_pages(listed):
    ours, _, made = listed
    found = every_page(ours, "20", 2, search="nguyen van tu")[0]
    assert [e.name for e in found] == ["Nguyễn Văn Tư"]
    assert every_page(ours, "20/183", 2, search="nguyen van tu")[0] == []  # it is in 20/190


def test_another_provinces_list_stays_its_own(listed):
    ours, theirs, _ = listed
    assert every_page(ours, "01", 50)[0] == []
    assert len(every_page(theirs, "01", 2)[0]) == 5
    assert every_page(theirs, "20", 50)[0] == []


def test_enrolments_written_before_the_keys_get_them_once(db, listed):
    ours, _, made = listed
    old = made[0]
    db[ENROLMENTS].update_one(
        {"_id": old.id}, {"$unset": {f"lk_{depth}": "" for depth in range(4)}}
    )
    assert old.id not in {e.id for e in every_page(ours, "20")[0]}
    assert add_list_keys(db) == 1
    assert old.id in {e.id for e in every_page(ours, "20")[0]}
    assert add_list_keys(db) == 0


def test_a_name_search_reads_a_bounded_number_per_page(listed, monkeypatch):
    """Each page reads at most SEARCH_SCAN enrolments: a rare name takes several short pages,
    each with a cursor to go on from, and is still found once."""
    from services.registration.enrolment import store

    monkeypatch.setattr(store, "SEARCH_BATCH", 4)
    monkeypatch.setattr(store, "SEARCH_SCAN", 8)
    ours, _, _ = listed
    found, sizes = every_page(ours, "20", 2, search="nguyen van tu")
    assert [e.name for e in found] == ["Nguyễn Văn Tư"]
    assert len(sizes) >= 30 // 8 and 0 in sizes
