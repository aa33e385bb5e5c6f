"""The one place tenant isolation is enforced for documents (``TenantCollection``), pinned
against the server the tests run on: a store built for tenant A, handed anything of tenant B,
finds, changes and deletes nothing."""

import pytest

from khuyenhoc.storage import CrossTenantWrite, TenantDatabase, service_database


@pytest.fixture
def raw(config):
    db = service_database(config, "tenancy")
    db.docs.drop()
    db.docs.insert_many(
        [
            {"_id": "a1", "tenant": "20", "unit": "06184", "v": 1},
            {"_id": "a2", "tenant": "20", "unit": "06187", "v": 2},
            {"_id": "b1", "tenant": "01", "unit": "00001", "v": 3},
        ]
    )
    return db


@pytest.fixture
def lang_son(raw):
    return TenantDatabase(raw, "20")["docs"]


def test_reads_by_id_never_return_another_tenants_document(lang_son):
    assert lang_son.find_one({"_id": "a1"})["v"] == 1
    assert lang_son.find_one({"_id": "b1"}) is None
    assert [d["_id"] for d in lang_son.find({"_id": {"$in": ["a1", "b1", "a2"]}})] == ["a1", "a2"]
    assert [d["_id"] for d in lang_son.find({}).sort("_id", 1)] == ["a1", "a2"]
    assert lang_son.count_documents({}) == 2


def test_an_id_list_with_an_inclusion_projection_still_hides_the_tenant_it_checked(lang_son):
    found = list(lang_son.find({"_id": {"$in": ["a1", "b1"]}}, {"v": 1}))
    assert found == [{"_id": "a1", "v": 1}]


def test_asking_for_another_tenant_by_name_finds_nothing(lang_son):
    assert lang_son.find_one({"tenant": "01"}) is None
    assert list(lang_son.find({"tenant": "01"})) == []


def test_writes_never_reach_another_tenants_document(lang_son, raw):
    assert lang_son.update_one({"_id": "b1"}, {"$set": {"v": 99}}).matched_count == 0
    assert lang_son.delete_one({"_id": "b1"}).deleted_count == 0
    assert lang_son.update_many({}, {"$inc": {"v": 10}}).modified_count == 2
    assert raw.docs.find_one({"_id": "b1"})["v"] == 3


def test_an_upsert_creates_a_document_of_this_tenant_only(lang_son, raw):
    lang_son.update_one({"_id": "a3"}, {"$setOnInsert": {"v": 4}}, upsert=True)
    assert raw.docs.find_one({"_id": "a3"})["tenant"] == "20"
    lang_son.update_each([({"_id": "a4"}, {"$set": {"v": 5}}, True)])
    assert raw.docs.find_one({"_id": "a4"})["tenant"] == "20"


def test_writing_a_document_of_another_tenant_is_refused(lang_son, raw):
    with pytest.raises(CrossTenantWrite):
        lang_son.insert_one({"_id": "x", "tenant": "01"})
    with pytest.raises(CrossTenantWrite):
        lang_son.update_one({"_id": "a1"}, {"$set": {"tenant": "01"}})
    assert raw.docs.find_one({"_id": "x"}) is None
    assert lang_son.insert_one({"_id": "y"}).inserted_id == "y"
    assert raw.docs.find_one({"_id": "y"})["tenant"] == "20"


def test_a_caller_of_no_province_sees_nothing_and_writes_nothing(raw):
    nobody = TenantDatabase(raw, "")["docs"]
    assert nobody.find_one({"_id": "a1"}) is None
    assert list(nobody.find({})) == []
    assert list(nobody.find({"_id": {"$in": ["a1", "b1"]}})) == []
    assert nobody.count_documents({}) == 0
    assert nobody.delete_many({}).deleted_count == 0
    with pytest.raises(CrossTenantWrite):
        nobody.insert_one({"_id": "z"})
    with pytest.raises(CrossTenantWrite):
        nobody.update_one({"_id": "z"}, {"$set": {"v": 1}}, upsert=True)
    assert raw.docs.count_documents({}) == 3
