"""Every registration store is built for one province: handed the ids and keys of another
province's documents, it finds nothing and changes nothing (against the real server)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from khuyenhoc.storage import CrossTenantWrite, TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.registration.association.domain import (
    BranchKind,
    NewBranch,
    NewMember,
    members_document,
)
from services.registration.association.store import Branches
from services.registration.directory.hierarchy import unit_id
from services.registration.directory.store import DirectoryStore, PublicDirectory
from services.registration.enrolment.domain import Enrolment, household
from services.registration.enrolment.store import Registrations
from services.registration.lists.imports import Outcome
from services.registration.lists.store import ImportJobs
from services.registration.store import prepare

NOW = datetime(2024, 5, 1, tzinfo=UTC)
OTHER, OWN = "01", "20"  # Hà Nội's documents; Lạng Sơn's stores
COMMUNE = {
    "_id": unit_id(OTHER, "2024", "00004"),
    "scheme": "2024",
    "code": "00004",
    "name": "Phường Ba Đình",
    "level": "commune",
    "levels": ["province", "district", "commune", "branch"],
    "parent_code": "001",
    "path": "01/001/00004",
    "depth": 2,
    "valid_from": None,
}


@pytest.fixture
def older(config):
    """The database as an older version left it: the service has not started on it yet."""
    return service_database(config, "registration")


@pytest.fixture
def db(older):
    prepare(older)
    return older


def stores(db, tenant):
    tenant_db = TenantDatabase(db, tenant)
    return (
        DirectoryStore(tenant_db),
        Registrations(tenant_db),
        Branches(tenant_db),
        ImportJobs(tenant_db),
    )


def test_the_directory_of_one_province_neither_finds_nor_changes_another_provinces_units(db):
    theirs, _, _, _ = stores(db, OTHER)
    ours, _, _, _ = stores(db, OWN)
    assert theirs.upsert([COMMUNE]) == 1

    assert ours.get("00004") is None
    assert ours.by_id(COMMUNE["_id"]) is None
    assert ours.at_level("commune") == []
    ours.update({COMMUNE["_id"]: {"name": "Đổi tên", "valid_to": "2024-01-01"}})
    with pytest.raises(CrossTenantWrite):
        ours.upsert([{**COMMUNE, "tenant": OTHER, "name": "Ghi đè"}])

    unchanged = theirs.get("00004")
    assert (unchanged["name"], unchanged.get("valid_to")) == ("Phường Ba Đình", None)
    # the public directory reads every province, and has nothing to write with
    assert PublicDirectory(db).find_by_code("00004")["tenant"] == OTHER
    assert not any(hasattr(PublicDirectory, name) for name in ("upsert", "update", "add"))


def test_registrations_of_one_province_neither_find_nor_change_another_provinces(db):
    _, theirs, _, _ = stores(db, OTHER)
    _, ours, _, _ = stores(db, OWN)
    path = UnitPath.parse(COMMUNE["path"])
    subject = household(OTHER, "00004", "Nguyễn Văn An", "Tổ 1")
    enrolment = Enrolment(subject.subject_id, subject.kind, subject.title, 2024, path)
    theirs.add_subject(subject.as_document(path, NOW))
    theirs.add_enrolment(enrolment.as_document(NOW, subject.name), enrolment.registered_event(NOW))

    assert ours.get_subject(subject.subject_id) is None
    assert ours.get_enrolment(enrolment.id) is None
    assert ours.subject_details([subject.subject_id]) == {}
    assert ours.enrolments_named([enrolment.id]) == []
    assert ours.subjects_named([subject.subject_id]) == []
    assert [e.id for e in theirs.enrolments_named([enrolment.id])] == [enrolment.id]
    assert [s.id for s in theirs.subjects_named([subject.subject_id])] == [subject.subject_id]
    assert ours.list_enrolments(path, 2024, None, None, None, None, 10) == []
    assert not ours.withdraw(enrolment.id, enrolment.withdrawn_event(NOW, "x"), "x", NOW)
    assert not ours.reenrol(enrolment.id, enrolment.registered_event(NOW), {}, NOW)

    assert theirs.get_enrolment(enrolment.id).status == "ENROLLED"
    assert [e.id for e in theirs.list_enrolments(path, 2024, None, None, None, None, 10)] == [
        enrolment.id
    ]


def test_branches_of_one_province_neither_find_nor_change_another_provinces(db):
    _, _, theirs, _ = stores(db, OTHER)
    _, _, ours, _ = stores(db, OWN)
    code = "00004-001"
    branch = NewBranch(
        {**COMMUNE, "tenant": OTHER}, code, "Chi hội Tổ 1", BranchKind.RESIDENTIAL, date(2024, 1, 1)
    )
    unit = branch.as_unit(unit_id(OTHER, "2024", code))
    theirs.add(unit)
    theirs.set_members(members_document(unit, 2024, 12))
    member = NewMember(unit, "Trần Thị Bình", 2024, date(2024, 2, 1))
    assert theirs.add_membership(
        member.as_document(NOW), member.joined_event(NOW), members_document(unit, 2024, 0)
    )
    claim = f"{OTHER}:00004:chi hoi to 1"
    assert theirs.claim_name(claim, code) == code
    path = UnitPath.parse(COMMUNE["path"])

    assert ours.under(path) == []
    assert ours.member_count(path, 2024) == 0
    ours.change(unit["_id"], {"valid_to": "2024-06-30"})
    ours.release_name(claim)
    assert ours.next_number("00004") == 1  # its own counter, whatever the other's

    assert [u["valid_to"] for u in theirs.under(path)] == [None]
    assert theirs.member_count(path, 2024) == 12
    assert theirs.claim_name(claim, "00004-002") == code  # the claim is still theirs


def test_import_jobs_of_one_province_neither_find_nor_change_another_provinces(db):
    _, _, _, theirs = stores(db, OTHER)
    _, _, _, ours = stores(db, OWN)
    job = theirs.create(
        {
            "_id": "imp-x",
            "status": "RUNNING",
            "done": 0,
            "created": 0,
            "duplicates": 0,
            "failed": 0,
            "kind": "household",
            "lease_until": None,
        },
        b"noi dung",
    )
    theirs.progress(job, 3, 3, Outcome(2, 0, [(3, "Họ và tên", "Thiếu")]), NOW, timedelta(1))

    assert ours.get("imp-x") is None
    assert ours.errors("imp-x") == []
    with pytest.raises(LookupError):
        ours.content("imp-x")
    ours.finish({**job, "done": 3}, "FAILED")

    assert theirs.get("imp-x")["status"] == "RUNNING"
    assert theirs.content("imp-x") == b"noi dung"
    assert theirs.errors("imp-x") == [(3, "Họ và tên", "Thiếu")]


def test_documents_written_before_they_carried_a_tenant_are_stamped_at_start(older):
    """Branch counters and name claims, import files and errors of older versions had no
    tenant field; the tenant-bound stores find them once ``prepare`` has stamped them."""
    db = older
    db.sequences.insert_one({"_id": f"branch:{OWN}:06184", "n": 4})
    db.branch_names.insert_one({"_id": f"{OWN}:06184:chi hoi dong", "code": "06184-004"})
    db.import_jobs.insert_one({"_id": "imp-old", "tenant": OWN, "chunks": 1, "status": "DONE"})
    db.import_files.insert_one({"_id": "imp-old:0", "data": b"cu"})
    db.import_errors.insert_one(
        {"_id": "imp-old:2:0", "job": "imp-old", "row": 2, "column": "Chủ hộ", "reason": "Thiếu"}
    )
    prepare(db)
    prepare(db)  # idempotent
    assert db.migrations.find_one({"_id": "2026-11-tenant-field"}) is not None

    _, _, branches, jobs = stores(db, OWN)
    assert branches.next_number("06184") == 5
    assert branches.claim_name(f"{OWN}:06184:chi hoi dong", "06184-005") == "06184-004"
    assert jobs.content("imp-old") == b"cu"
    assert jobs.errors("imp-old") == [(2, "Chủ hộ", "Thiếu")]


def test_a_file_chunk_whose_restamping_was_cut_short_is_put_back_at_start(older):
    """A crash after the old chunk was deleted and before it was written again with its tenant
    leaves the spare copy; the next start puts the chunk back and stamps it."""
    db = older
    content = b"PK\x03\x04" + bytes(range(256)) * 40  # binary, like the .xlsx it stands for
    db.import_jobs.insert_one({"_id": "imp-cut", "tenant": OWN, "chunks": 1, "status": "DONE"})
    db.import_files.insert_one({"_id": "imp-cut:0#spare", "spare_of": "imp-cut:0", "data": content})
    prepare(db)

    _, _, _, jobs = stores(db, OWN)
    assert jobs.content("imp-cut") == content
    assert db.import_files.count_documents({"spare_of": {"$exists": True}}) == 0
    assert stores(db, OTHER)[3].get("imp-cut") is None
