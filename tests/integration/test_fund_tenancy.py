"""Tenancy of every fund store, against the real server: a ``FundStore`` of one province, handed
ids, codes and paths of another province's fund, finds nothing and changes nothing; the one
cross-tenant class (``AllTenantsSettlement``) settles each province's plans in that province."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from khuyenhoc.storage import CrossTenantWrite, TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.fund import domain, service, store

NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)
LANG_SON = {
    "code": "06184",
    "path": "20/183/06184",
    "name": "Thị trấn Đồng Đăng",
    "level": "commune",
}
HA_NOI = {"code": "00001", "path": "01/001/00001", "name": "Phường Phúc Xá", "level": "commune"}


@pytest.fixture
def db(config):
    db = service_database(config, "fund")
    store.prepare(db)
    return db


def _funds(db, tenant):
    return store.FundStore(TenantDatabase(db, tenant))


def _donate(funds, unit, key):
    tenant = UnitPath.parse(unit["path"]).tenant
    data = {
        "tenant": tenant,
        "unit": unit,
        "idempotency_key": key,
        "donor": {"name": "Lê Văn Hảo", "kind": "person", "anonymous": False},
        "amount": 1_000_000,
        "received_on": date(2024, 10, 2),
    }
    return service.record_donation(funds, data, now=NOW).record


def _proposal(funds, unit):
    data = {
        "tenant": UnitPath.parse(unit["path"]).tenant,
        "unit": unit,
        "amount": 100,
        "purpose": "award",
        "beneficiary": {"kind": "student", "name": "Nguyễn Văn An"},
        "by": "officer",
    }
    return service.propose_disbursement(funds, data, now=NOW)


def _everything(db):
    return {
        name: sorted(map(repr, db[name].find({})))
        for name in (store.FUNDS, store.TRANSACTIONS, store.DONATIONS, store.DISBURSEMENTS)
        + (store.FEES, store.COUNTERS, store.DONORS)
    }


def test_a_fund_store_finds_nothing_of_another_province(db):
    ha_noi, lang_son = _funds(db, "01"), _funds(db, "20")
    gift = _donate(ha_noi, HA_NOI, "tenancy-0001")
    proposal = _proposal(ha_noi, HA_NOI)
    fund = domain.fund_id("01", "00001")
    assert ha_noi.get(fund) is not None  # the other province's store sees it

    assert lang_son.get(fund) is None
    assert lang_son.all_funds() == []
    assert lang_son.entry(gift.id) is None
    assert lang_son.entries_of(fund) == []
    assert lang_son.all_entries() == []
    assert lang_son.donation(gift.id) is None
    assert lang_son.disbursement(proposal.id) is None
    assert lang_son.donations_page(fund, None, 10) == []
    assert lang_son.donations_in(fund, "2024-01-01", "2024-12-31") == []
    assert lang_son.counters_under(UnitPath.parse("01")) == []
    assert lang_son.donors_of("00001", 2024) == []
    assert lang_son.pending_entries() == []
    assert lang_son.pending_plan(gift.id) is None
    # and so every use case reading through it
    assert service.receipt(lang_son, gift.id) is None
    assert service.contact(lang_son, gift.id) is None
    assert service.proposal(lang_son, proposal.id) is None
    assert service.entry(lang_son, gift.id) is None
    assert service.stats(lang_son, UnitPath.parse("01"), 2024, 2024)["donations_total"] == 0
    assert service.honour_roll(lang_son, "00001", 2024) == []
    assert service.reconcile(lang_son).funds == 0


def test_a_fund_store_changes_nothing_of_another_province(db):
    ha_noi, lang_son = _funds(db, "01"), _funds(db, "20")
    gift = _donate(ha_noi, HA_NOI, "tenancy-0002")
    proposal = _proposal(ha_noi, HA_NOI)
    fund = domain.fund_id("01", "00001")
    before = _everything(db)

    with pytest.raises(LookupError):  # the other province's fund is not there to post to
        lang_son.post(fund, "x-1", lambda state: pytest.fail("planned on another's fund"))
    with pytest.raises(CrossTenantWrite):
        lang_son.ensure(HA_NOI, NOW.isoformat())
    with pytest.raises(CrossTenantWrite):
        lang_son.insert_proposal(replace(proposal, id="p-x"))
    lang_son.settle(fund, gift.id, {"documents": [], "transactions": []})
    record = {
        "documents": [
            {"collection": store.DISBURSEMENTS, "id": proposal.id, "set": {"status": "X"}}
        ],
        "counters": [
            {
                "collection": store.COUNTERS,
                "id": "01|01/001/00001|2024",
                "increments": {"donations_total": 1},
                "identity": {"tenant": "20"},
            }
        ],
    }
    lang_son.settle(fund, "x-2", record)
    assert store.AllTenantsSettlement(db).settle_pending(grace=0) == 0
    assert _everything(db) == before  # the other province's counter id collides: not counted
    assert ha_noi.disbursement(proposal.id).status == "PROPOSED"
    assert ha_noi.get(fund)["balance"] == 1_000_000


def test_the_sweep_settles_each_provinces_plans_in_that_province(db):
    for tenant, unit in (("01", HA_NOI), ("20", LANG_SON)):
        funds = _funds(db, tenant)
        state = funds.ensure(unit, NOW.isoformat())
        data = {
            "tenant": tenant,
            "unit": unit,
            "idempotency_key": f"sweep-{tenant}-0001",
            "donor": {"name": "An", "kind": "person", "anonymous": False},
            "amount": 10,
            "kind": "cash",
            "channel": "cash",
            "purpose": "general",
            "received_on": date(2024, 1, 5),
            "content": "?",
        }
        posting = domain.plan_donation(state, data, NOW, date(2024, 12, 20))
        assert funds._commit(state, posting, {**posting.record(), "at": 0.0})
    assert store.AllTenantsSettlement(db).settle_pending() == 2
    for tenant in ("01", "20"):
        funds = _funds(db, tenant)
        assert [t.tenant for t in funds.all_entries()] == [tenant]
        assert service.reconcile(funds).discrepancies == []
