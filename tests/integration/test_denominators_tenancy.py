"""The denominators' and hamlets' stores are built for one province: another province's
entries, units and claims are not found and not changed (against the real server)."""

from datetime import date

import pytest

from khuyenhoc.storage import CrossTenantWrite, TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.registration.denominators.domain import entry_document, entry_id
from services.registration.denominators.store import Denominators
from services.registration.directory.hamlets import HamletKind, hamlet_document
from services.registration.directory.hamlets_store import Hamlets
from services.registration.store import prepare

COMMUNE = {"tenant": "01", "scheme": "2024", "code": "00004", "path": "01/001/00004"}


@pytest.fixture
def db(config):
    database = service_database(config, "registration")
    prepare(database)
    return database


def test_an_entry_of_another_province_is_neither_read_nor_overwritten(db):
    hanoi, lang_son = Denominators(TenantDatabase(db, "01")), Denominators(TenantDatabase(db, "20"))
    doc = entry_document(None, COMMUNE, 2024, {"population": 9000}, "Niên giám", date(2024, 1, 1))
    hanoi.put(doc)
    assert lang_son.get(entry_id("01", "01/001/00004", 2024)) is None
    assert lang_son.subtree(UnitPath.parse("01"), 2024) == {}
    with pytest.raises(CrossTenantWrite):
        lang_son.put({**doc, "population": 1})
    assert hanoi.get(doc["_id"])["population"] == 9000
    assert hanoi.subtree(UnitPath.parse("01/001"), 2024)["01/001/00004"]["population"] == 9000


def test_a_hamlet_of_another_province_is_not_changed(db):
    hanoi, lang_son = Hamlets(TenantDatabase(db, "01")), Hamlets(TenantDatabase(db, "20"))
    unit = hamlet_document(COMMUNE, "00004-T01", "Tổ dân phố 1", HamletKind.TO_DAN_PHO, None)
    hanoi.add(unit)
    lang_son.change(unit["_id"], {"name": "Đã đổi"})
    assert TenantDatabase(db, "01")["units"].find_one({"_id": unit["_id"]})["name"] == (
        "Tổ dân phố 1"
    )
