"""The fund's use cases against the real Mongo-compatible server (no gateway): exactly-once
donations, gap-free receipt numbers under concurrency, no overdraft when approvals race,
reversals, transfers, fees, roll-ups and reconciliation."""

from datetime import UTC, date, datetime

import eventlet
import pytest

from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.fund import service, store
from services.fund.ledger import LedgerError
from services.fund.records import Reconciliation

COMMUNE = {
    "code": "06184",
    "path": "20/183/06184",
    "name": "Thị trấn Đồng Đăng",
    "level": "commune",
}
SIBLING = {"code": "06187", "path": "20/183/06187", "name": "Xã Phú Xá", "level": "commune"}
OTHER_DISTRICT = {
    "code": "05971",
    "path": "20/178/05971",
    "name": "Phường Hoàng Văn Thụ",
    "level": "commune",
}
DISTRICT = {"code": "183", "path": "20/183", "name": "Huyện Cao Lộc", "level": "district"}
BRANCH = {
    "code": "06184-001",
    "path": "20/183/06184/06184-001",
    "name": "Chi hội Khối 1",
    "level": "branch",
}
NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def funds(config):
    db = service_database(config, "fund")
    store.prepare(db)
    return store.FundStore(TenantDatabase(db, "20"))


def other_province(funds):
    return store.FundStore(TenantDatabase(funds.db.db, "01"))


def sweep(funds, **options):
    return store.AllTenantsSettlement(funds.db.db).settle_pending(**options)


def donate(funds, key, amount, unit=COMMUNE, name="Nguyễn Văn Hảo", on=date(2024, 10, 2), **more):
    data = {
        "tenant": "20",
        "unit": unit,
        "idempotency_key": key,
        "donor": {"name": name, "kind": "person", "anonymous": False, "email": None, "phone": None},
        "amount": amount,
        "received_on": on,
        **more,
    }
    return service.record_donation(funds, data, now=NOW)


def propose(funds, amount, unit=COMMUNE, by="officer"):
    return service.propose_disbursement(
        funds,
        {
            "tenant": "20",
            "unit": unit,
            "amount": amount,
            "purpose": "award",
            "beneficiary": {
                "kind": "student",
                "name": "Nguyễn Văn An",
                "school": "THCS Đồng Đăng",
                "grade": "8",
            },
            "by": by,
        },
        now=NOW,
    )


def approve(funds, ident, by="chair"):
    return service.approve_disbursement(
        funds, {"tenant": "20", "disbursement_id": ident, "by": by}, now=NOW
    )


def balance(funds, unit=COMMUNE):
    return service.fund_view(funds, unit).balance


def test_a_retried_donation_counts_once_and_a_changed_one_is_refused(funds):
    first = donate(funds, "key-00000001", 5_000_000_000)
    again = donate(funds, "key-00000001", 5_000_000_000)
    assert first.created and not again.created
    assert again.record.receipt_number == first.record.receipt_number
    assert first.record.receipt_number == "06184-2024-000001"
    assert balance(funds) == 5_000_000_000
    with pytest.raises(LedgerError) as refused:
        donate(funds, "key-00000001", 4_000_000_000)
    assert refused.value.key == "idempotency_conflict"
    assert balance(funds) == 5_000_000_000
    figures = service.stats(funds, UnitPath.parse("20"), 2024, 2024)
    assert (figures["donations_total"], figures["donations_count"]) == (5_000_000_000, 1)


def test_receipt_numbers_have_no_gaps_under_concurrency(funds):
    pool = eventlet.GreenPool(20)
    results = list(pool.imap(lambda n: donate(funds, f"concurrent-{n:04d}", 1000 + n), range(40)))
    numbers = sorted(int(r.record.receipt_number.rsplit("-", 1)[1]) for r in results)
    assert numbers == list(range(1, 41))
    assert balance(funds) == sum(1000 + n for n in range(40))
    # a new year starts again at 1
    assert (
        donate(funds, "next-year-0001", 5, on=date(2023, 5, 1)).record.receipt_number
        == "06184-2023-000001"
    )
    assert service.reconcile(funds).discrepancies == []


def test_concurrent_approvals_cannot_overdraw(funds):
    donate(funds, "gift-0000001", 1_000_000)
    proposals = [propose(funds, 700_000).id for _ in range(4)]
    outcomes = []

    def try_approve(ident):
        try:
            approve(funds, ident)
            outcomes.append("paid")
        except LedgerError as exc:
            outcomes.append(exc.key)

    pool = eventlet.GreenPool(4)
    list(pool.imap(try_approve, proposals))
    assert sorted(outcomes) == ["insufficient_funds"] * 3 + ["paid"]
    assert balance(funds) == 300_000
    assert service.reconcile(funds).discrepancies == []


def test_the_proposer_cannot_approve_and_an_approval_twice_pays_once(funds):
    donate(funds, "gift-0000002", 1_000_000)
    ident = propose(funds, 400_000, by="officer").id
    with pytest.raises(LedgerError) as own:
        approve(funds, ident, by="officer")
    assert own.value.key == "own_proposal"
    approve(funds, ident)
    assert not approve(funds, ident).created
    assert balance(funds) == 600_000


def test_a_reversal_restores_and_one_that_would_overdraw_is_refused(funds):
    gift = donate(funds, "gift-0000003", 1_000_000).record
    paid = propose(funds, 800_000).id
    approve(funds, paid)
    with pytest.raises(LedgerError) as refused:  # taking the gift back would go below zero
        service.reverse_entry(
            funds, {"tenant": "20", "entry_id": gift.id, "reason": "Nhập nhầm"}, now=NOW
        )
    assert refused.value.key == "insufficient_funds"
    service.reverse_entry(
        funds, {"tenant": "20", "entry_id": paid, "reason": "Chi nhầm người"}, now=NOW
    )
    assert balance(funds) == 1_000_000
    with pytest.raises(LedgerError) as twice:
        service.reverse_entry(funds, {"tenant": "20", "entry_id": paid, "reason": "x"}, now=NOW)
    assert twice.value.key == "already_reversed"
    service.reverse_entry(funds, {"tenant": "20", "entry_id": gift.id, "reason": "Nhầm"}, now=NOW)
    assert balance(funds) == 0
    figures = service.stats(funds, UnitPath.parse("20/183/06184"), 2024, 2024)
    assert figures["donations_total"] == 0 and figures["disbursed_total"] == 0
    assert figures["awards_count"] == 0 and figures["balance"] == 0
    assert service.honour_roll(funds, "20", 2024) == []
    assert service.reconcile(funds) == Reconciliation(
        funds=1, transactions=4, balanced=True, discrepancies=[]
    )


def test_transfers_fees_and_roll_ups(funds):
    donate(funds, "gift-0000004", 3_000_000)
    donate(funds, "gift-0000005", 2_000_000, unit=SIBLING, name="Công ty ABC")
    donate(funds, "gift-0000006", 7_000_000, unit=OTHER_DISTRICT, name="Công ty ABC")
    transfer = service.record_transfer(
        funds,
        {
            "tenant": "20",
            "source": COMMUNE,
            "target": DISTRICT,
            "idempotency_key": "transfer-0001",
            "amount": 1_000_000,
        },
        now=NOW,
    ).record
    again = {"tenant": "20", "source": COMMUNE, "target": DISTRICT, "amount": 1_000_000}
    assert not service.record_transfer(
        funds, {**again, "idempotency_key": "transfer-0001"}, now=NOW
    ).created
    with pytest.raises(LedgerError) as changed:
        service.record_transfer(
            funds, {**again, "idempotency_key": "transfer-0001", "amount": 5}, now=NOW
        )
    assert changed.value.key == "idempotency_conflict"
    fee = {"tenant": "20", "unit": BRANCH, "member_id": "mb-1", "year": 2024, "amount": 50_000}
    service.record_fee(funds, fee, now=NOW)
    assert not service.record_fee(funds, fee, now=NOW).created
    with pytest.raises(LedgerError):
        service.record_fee(funds, {**fee, "amount": 60_000}, now=NOW)
    assert (balance(funds), balance(funds, DISTRICT), balance(funds, BRANCH)) == (
        2_000_000,
        1_000_000,
        50_000,
    )
    communes = [
        service.stats(funds, UnitPath.parse(u["path"]), 2024, 2024)
        for u in (COMMUNE, SIBLING, OTHER_DISTRICT)
    ]
    province = service.stats(funds, UnitPath.parse("20"), 2024, 2024)
    for name in ("donations_total", "donations_count", "disbursed_total", "awards_count"):
        assert province[name] == sum(c[name] for c in communes)
    assert province["balance"] == 12_000_000 + 50_000
    assert service.stats(funds, UnitPath.parse("20"), 2025, 2025)["balance"] == 12_050_000
    assert service.stats(funds, UnitPath.parse("20"), 2020, 2023)["balance"] == 0
    roll = service.honour_roll(funds, "20", 2024)
    assert [(r.name, r.total) for r in roll] == [
        ("Công ty ABC", 9_000_000),
        ("Nguyễn Văn Hảo", 3_000_000),
    ]
    service.reverse_entry(
        funds, {"tenant": "20", "entry_id": transfer.id, "reason": "Sai"}, now=NOW
    )
    assert (balance(funds), balance(funds, DISTRICT)) == (3_000_000, 0)
    assert service.reconcile(funds).discrepancies == []


def test_a_movement_left_half_done_is_finished_by_the_sweep(funds):
    """A crash between the fund's write and the settling: the books already balance, a retry
    answers from the plan, and the sweep (once the plan is old) books the rest exactly once."""
    from services.fund import domain

    state = funds.ensure(COMMUNE, NOW.isoformat())
    data = {
        "tenant": "20",
        "unit": COMMUNE,
        "idempotency_key": "crash-000001",
        "donor": {"name": "An", "kind": "person", "anonymous": True},
        "amount": 10,
        "kind": "cash",
        "channel": "cash",
        "purpose": "general",
        "received_on": date(2024, 1, 5),
    }
    posting = domain.plan_donation(state, {**data, "content": "?"}, NOW, date(2024, 12, 20))
    record = {**posting.record(), "at": 0.0}
    assert funds._commit(state, posting, record)  # ... and the process dies here
    assert service.reconcile(funds).discrepancies == []
    # its event may already be out: the thank-you finds the receipt and the donor in the plan
    assert service.receipt(funds, posting.id).donation.receipt_number == "06184-2024-000001"
    assert service.contact(funds, posting.id)["name"] == "An"
    assert service.contact(other_province(funds), posting.id) is None
    assert sweep(funds) == 1  # old enough: settled
    assert sweep(funds) == 0
    figures = service.stats(funds, UnitPath.parse("20"), 2024, 2024)
    assert (figures["donations_count"], figures["donations_total"]) == (1, 10)
    assert service.honour_roll(funds, "183", 2024)[0].name == "Nhà hảo tâm ẩn danh"
    assert service.reconcile(funds).discrepancies == []


def test_a_young_plan_is_left_to_its_request_and_a_retry_answers_from_it(funds):
    from services.fund import domain

    state = funds.ensure(COMMUNE, NOW.isoformat())
    data = {
        "tenant": "20",
        "unit": COMMUNE,
        "idempotency_key": "young-000001",
        "donor": {"name": "An", "kind": "person", "anonymous": False, "email": None, "phone": None},
        "amount": 10,
        "received_on": date(2024, 10, 2),
    }
    full = {**data, "kind": "cash", "channel": "cash", "purpose": "general"}
    content = domain.content_hash({k: v for k, v in full.items() if k != "idempotency_key"})
    posting = domain.plan_donation(state, {**full, "content": content}, NOW, date(2024, 12, 20))
    import time

    assert funds._commit(state, posting, {**posting.record(), "at": time.time()})
    assert sweep(funds) == 0  # its request is still settling it
    retry = service.record_donation(funds, data, now=NOW)
    assert not retry.created
    assert retry.record.receipt_number == "06184-2024-000001"
    assert sweep(funds, grace=0) == 1


def test_the_reconcile_command_reports_a_tampered_balance(funds, config):
    from services.fund import commands

    donate(funds, "tamper-00001", 1_000)
    assert commands.reconcile(config, "20")["discrepancies"] == []
    funds.funds.update_one({"_id": "20:06184"}, {"$inc": {"balance": 1}})
    found = commands.reconcile(config, "20")
    assert found["discrepancies"] == [{"fundId": "20:06184", "stored": 1_001, "computed": 1_000}]


def test_a_donors_contact_is_given_for_the_thank_you_in_its_province_only(funds):
    donor = {
        "name": "Trần Thị Hảo",
        "kind": "person",
        "anonymous": True,
        "email": "hao@example.vn",
        "phone": "0912345678",
    }
    ident = donate(funds, "contact-0001", 1_000_000, donor=donor).record.id
    assert service.contact(funds, ident) == {
        "name": "Trần Thị Hảo",  # a private thank-you may name an anonymous donor
        "email": "hao@example.vn",
        "phone": "0912345678",
        "unit_name": "Thị trấn Đồng Đăng",
    }
    assert service.contact(other_province(funds), ident) is None  # another province's donation
    assert service.contact(funds, "d-unknown") is None
    assert service.receipt(other_province(funds), ident) is None


def test_the_scope_answers_are_the_stored_documents(funds):
    """``disbursement`` and ``entry`` answer a record in its stored names (the gateway checks
    scope on them): typed records at the store boundary must not change those answers."""
    from services.fund import answers

    donate(funds, "stored-00001", 1_000_000)
    proposal = propose(funds, 300_000)
    raw = funds.db["disbursements"].find_one({"_id": proposal.id})
    assert service.proposal(funds, proposal.id).document() == raw
    approve(funds, proposal.id)
    raw = funds.db["disbursements"].find_one({"_id": proposal.id})
    assert service.proposal(funds, proposal.id).document() == raw
    entry = service.entry(funds, proposal.id)
    assert answers.StoredEntryAnswer().dump(entry) == funds.transactions.find_one(
        {"_id": proposal.id}
    )
    service.reverse_entry(funds, {"tenant": "20", "entry_id": proposal.id, "reason": "x"}, now=NOW)
    raw = funds.db["disbursements"].find_one({"_id": proposal.id})
    assert raw["status"] == "REVERSED"
    assert service.proposal(funds, proposal.id).document() == raw
    undo = service.entry(funds, f"{proposal.id}/reversal")
    assert answers.StoredEntryAnswer().dump(undo) == funds.transactions.find_one(
        {"_id": f"{proposal.id}/reversal"}
    )


def test_a_young_plan_whose_settler_is_gone_is_settled_at_once(funds):
    """After a kill -9 between the commit and the settling the donation counts as soon as the
    sweep sees its settler gone, not ``SETTLE_GRACE`` later; a live settler's plan waits."""
    import time

    from services.fund import domain
    from services.fund.settlers import is_gone

    def planned(key, settler):
        state = funds.ensure(COMMUNE, NOW.isoformat())
        data = {
            "tenant": "20",
            "unit": COMMUNE,
            "idempotency_key": key,
            "donor": {"name": "An", "kind": "person", "anonymous": True},
            "amount": 10,
            "kind": "cash",
            "channel": "cash",
            "purpose": "general",
            "received_on": date(2024, 1, 5),
        }
        posting = domain.plan_donation(state, {**data, "content": key}, NOW, date(2024, 12, 20))
        assert funds._commit(state, posting, {**posting.record(), "at": time.time(), "by": settler})

    live = {"elsewhere/1/alive"}
    planned("gone-000001", "elsewhere/1/killed")
    planned("live-000001", "elsewhere/1/alive")
    assert sweep(funds, gone=lambda by: is_gone(by, live)) == 1  # the dead one's only
    figures = service.stats(funds, UnitPath.parse("20"), 2024, 2024)
    assert figures["donations_count"] == 1
    assert sweep(funds, gone=lambda by: is_gone(by, set())) == 1  # its settler died too
    assert service.stats(funds, UnitPath.parse("20"), 2024, 2024)["donations_count"] == 2
    assert service.reconcile(funds).discrepancies == []
    assert not is_gone(None, set())  # a plan from before settlers were named: the grace


def test_a_plan_whose_request_failed_while_settling_is_settled_by_the_next_sweep(
    funds, monkeypatch
):
    """The database went away between the commit and the settling (a live process, its settler
    alive): the request fails, its retry answers from the plan, and the next sweep of this
    process finishes it at once instead of ``SETTLE_GRACE`` later — counted once."""
    from khuyenhoc.storage import StoreUnavailable
    from services.fund import store as fund_store

    data = {
        "tenant": "20",
        "unit": COMMUNE,
        "idempotency_key": "fails-000001",
        "donor": {"name": "An", "kind": "person", "anonymous": True},
        "amount": 10,
        "received_on": date(2024, 1, 5),
    }
    real_settle = fund_store.FundStore.settle

    def unreachable(self, *args):
        raise StoreUnavailable("the database went away")

    monkeypatch.setattr(fund_store.FundStore, "settle", unreachable)
    with pytest.raises(StoreUnavailable):
        service.record_donation(funds, data, now=NOW)
    monkeypatch.setattr(fund_store.FundStore, "settle", real_settle)
    assert not service.record_donation(funds, data, now=NOW).created  # the retry
    assert service.stats(funds, UnitPath.parse("20"), 2024, 2024)["donations_count"] == 0
    assert sweep(funds) == 1  # no grace: its request is gone
    assert sweep(funds, grace=0) == 0
    assert service.stats(funds, UnitPath.parse("20"), 2024, 2024)["donations_count"] == 1
    assert service.reconcile(funds).discrepancies == []
