"""Every scoring store is built for one tenant: handed an id or a key of another province, it
finds nothing and changes nothing (on the server the tests run on)."""

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import CrossTenantWrite, TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import store
from services.scoring.domain import NotScorable, Proposal, proposal_id, stage_change
from services.scoring.service import apply_enrolment_event
from tests.integration.helpers import registered_event

HA_NOI = "01/001/00004"  # tenant B's commune
PDF = b"%PDF-1.4 the minutes"


@pytest.fixture
def db(config):
    db = service_database(config, "scoring")
    store.prepare(db)
    return db


@pytest.fixture
def ha_noi(db):
    """Tenant B's assessment, counters, proposal and evidence file, as its own stores wrote them."""
    tenant = TenantDatabase(db, "01")
    event = Envelope.from_dict(registered_event("hh-9", HA_NOI))
    apply_enrolment_event(store.Assessments(tenant), event, "registered")
    proposal = Proposal(
        proposal_id("01", "00004", "FAMILY", 2024),
        "01",
        "00004",
        HA_NOI,
        "FAMILY",
        2024,
        [event.data["enrolmentId"]],
        "2025-01-02T00:00:00+00:00",
        "2025-01-12",
    )
    store.Proposals(tenant).save(proposal)
    chunks = store.EvidenceFiles(tenant).put("ev-1", PDF)
    return {"enrolment": event.data["enrolmentId"], "proposal": proposal.id, "chunks": chunks}


@pytest.fixture
def lang_son(db):
    return TenantDatabase(db, "20")


def test_assessments_of_another_tenant_are_neither_found_nor_changed(db, ha_noi, lang_son):
    assessments = store.Assessments(lang_son)
    enrolment = ha_noi["enrolment"]
    before = db.assessments.find_one({"_id": enrolment})
    assert assessments.get(enrolment) is None
    assert assessments.of_subject("hh-9") == []
    assert assessments.under_unit("00004", "FAMILY", 2024) == []
    assert assessments.unit_counters(UnitPath.parse(HA_NOI), 2024) == []
    assert assessments.unit_counters(UnitPath.parse("01"), 2024) == []

    def review(current):
        return stage_change(current, enrolment, "review", {"verdict": {}}, "c-1")

    with pytest.raises(NotScorable):  # the domain is told there is no such assessment
        assessments.commit(enrolment, "c-1", review)
    assert db.assessments.find_one({"_id": enrolment}) == before
    assert store.Assessments(TenantDatabase(db, "01")).get(enrolment) is not None


def test_a_learning_units_member_count_of_another_tenant_reads_as_none(db, lang_son):
    db.counters.insert_one({"_id": "01|members|lu-1|2024", "tenant": "01", "members_recognised": 4})
    assert store.Assessments(lang_son).members_recognised("lu-1", 2024) == 0
    assert store.Assessments(TenantDatabase(db, "01")).members_recognised("lu-1", 2024) == 4


def test_proposals_of_another_tenant_are_neither_found_nor_overwritten(db, ha_noi, lang_son):
    proposals = store.Proposals(lang_son)
    assert proposals.get(ha_noi["proposal"]) is None
    assert proposals.of_unit("00004", 2024) == {}
    theirs = store.Proposals(TenantDatabase(db, "01")).get(ha_noi["proposal"])
    with pytest.raises(CrossTenantWrite):
        proposals.save(theirs)
    assert store.Proposals(TenantDatabase(db, "01")).get(ha_noi["proposal"]) == theirs


def test_evidence_files_of_another_tenant_are_not_read_and_the_same_file_is_kept_apart(
    db, ha_noi, lang_son
):
    files = store.EvidenceFiles(lang_son)
    assert files.get("ev-1", ha_noi["chunks"]) is None
    assert files.put("ev-1", b"%PDF-1.4 another") == 1  # the same id: its own copy
    assert store.EvidenceFiles(TenantDatabase(db, "01")).get("ev-1", ha_noi["chunks"]) == PDF
    assert files.get("ev-1", 1) == b"%PDF-1.4 another"


def test_the_sweep_settles_each_change_through_a_store_of_its_own_tenant(db, ha_noi):
    """The one store across tenants: it finds pending changes everywhere, and what it settles
    stays in the tenant of the assessment (counters stamped with that tenant)."""
    enrolment = ha_noi["enrolment"]
    tenant = store.Assessments(TenantDatabase(db, "01"))
    current = tenant.get(enrolment)
    recognition = {"level": 1, "decision_number": "1/QĐ", "valid_until": None}
    assert tenant._write(current, stage_change(current, enrolment, "recognition", recognition, "x"))
    assert store.AllTenantsPendingChanges(db).settle_stale(older_than=-1) == 1
    counter = db.counters.find_one({"_id": "01|00004|2024|FAMILY"})
    assert counter["tenant"] == "01" and counter["recognised"] == 1
    assert db.counters.count_documents({"tenant": "20"}) == 0


def test_evidence_chunks_from_before_tenancy_are_adopted_by_the_tenants_naming_them(db):
    db.evidence_files.insert_many(
        [{"_id": "ev-1:0", "data": PDF}, {"_id": "ev-orphan:0", "data": b"%PDF-1.4 x"}]
    )
    db.assessments.insert_many(
        [
            {"_id": "a", "tenant": "20", "evidence": {"ev-1": {"chunks": 1}}},
            {"_id": "b", "tenant": "01", "evidence": {"ev-1": {"chunks": 1}}},
            {"_id": "c", "tenant": "01"},
        ]
    )
    legacy = store.AllTenantsLegacyEvidenceChunks(db)
    assert legacy.adopt() == 2
    for tenant in ("20", "01"):
        assert store.EvidenceFiles(TenantDatabase(db, tenant)).get("ev-1", 1) == PDF
    assert db.evidence_files.find_one({"_id": "ev-1:0"}) is None
    assert db.evidence_files.find_one({"_id": "ev-orphan:0"}) is not None  # nobody names it
    assert legacy.adopt() == 0


def test_decisions_of_another_tenant_are_neither_found_nor_overwritten(db, ha_noi, lang_son):
    from services.scoring.domain import DecisionDocument  # noqa: PLC0415 - this test's own

    theirs = DecisionDocument(
        id=f"01:{ha_noi['proposal']}",
        tenant="01",
        proposal_id=ha_noi["proposal"],
        number="7/QĐ-UBND",
        date="2025-01-12",
        signer="Nguyễn Văn A",
        signer_position="Chủ tịch UBND phường",
        authority="UBND phường Phúc Xá",
        unit_code="00004",
        unitpath=HA_NOI,
        title="FAMILY",
        year=2024,
        subjects=[{"enrolment_id": ha_noi["enrolment"], "level": None}],
    )
    store.Decisions(TenantDatabase(db, "01")).save(theirs)
    decisions = store.Decisions(lang_son)
    assert decisions.get(theirs.id) is None
    assert decisions.many([theirs.id]) == []
    with pytest.raises(CrossTenantWrite):
        decisions.save(theirs)
    assert store.Decisions(TenantDatabase(db, "01")).get(theirs.id) == theirs
    assert store.Decisions(TenantDatabase(db, "01")).many([theirs.id, "nope"]) == [theirs]


def test_certificates_read_and_write_only_their_own_tenants_lookups(db, ha_noi, lang_son):
    """Certificates read assessments many at a time and keep lookup documents by ``_id``: a
    store of another tenant finds neither, and writing the same lookup twice writes it once."""
    enrolment = ha_noi["enrolment"]
    theirs = TenantDatabase(db, "01")
    assert [a.id for a in store.Assessments(theirs).many([enrolment, "nobody"])] == [enrolment]
    assert store.Assessments(lang_son).many([enrolment]) == []
    lookup = {"_id": "01:cert:01-AAAAAAAAAAAAAAAA", "enrolment_id": enrolment, "number": "1/QĐ-001"}
    lookups = store.CertificateLookups(theirs)
    assert lookups.ensure([lookup]) == 1
    assert lookups.ensure([lookup]) == 0
    assert lookups.get(lookup["_id"])["enrolment_id"] == enrolment
    assert store.CertificateLookups(lang_son).get(lookup["_id"]) is None
    with pytest.raises(CrossTenantWrite):
        store.CertificateLookups(lang_son).ensure([{**lookup, "tenant": "01"}])
    assert db.certificate_lookups.count_documents({}) == 1
