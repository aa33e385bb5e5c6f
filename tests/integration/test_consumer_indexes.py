"""The hot finds of the consumers and workers use an index on nx-27017 (a compound index is
used only by its first field, often the tenant, so the selective field has its own): each plan
is pinned by ``explain`` against the real server."""

from __future__ import annotations

import pytest

from khuyenhoc.storage import service_database
from services.fund import store as fund_store
from services.notification import store as notification_store
from services.registration import store as registration_store

QUERIES = [
    ("notification", "messages", {"status": "PENDING", "next_at": {"$lte": 1.0}}, "idx_messages"),
    ("notification", "messages", {"tenant": "20", "event_id": "e-1"}, "idx_messages_event_id"),
    ("notification", "messages", {"tenant": "20", "path_2": "06184"}, "idx_messages_path_2"),
    ("notification", "inbox", {"partner_pending": 1}, "idx_inbox_partner_pending"),
    ("notification", "webhooks", {"tenant": "20"}, "idx_webhooks_tenant"),
    ("fund", "transactions", {"tenant": "20", "fund_id": "f-1"}, "idx_transactions_fund_id"),
    ("fund", "donations", {"tenant": "20", "fund_id": "f-1"}, "idx_donations_fund_id"),
    ("fund", "donors", {"tenant": "20", "unit_code": "06184", "year": 2024}, "idx_donors_unit"),
    ("fund", "counters", {"tenant": "20", "path_1": "183"}, "idx_counters_path_1"),
    ("registration", "units", {"tenant": "20", "parent_code": "183"}, "idx_units_parent_code"),
    ("registration", "members", {"tenant": "20", "year": 2024, "path_2": "0"}, "idx_members_path"),
]
PREPARE = {
    "notification": notification_store.prepare,
    "fund": fund_store.prepare,
    "registration": registration_store.prepare,
}


@pytest.mark.parametrize(("service", "collection", "query", "index"), QUERIES)
def test_the_hot_find_uses_its_index(config, service, collection, query, index):
    db = service_database(config, service)
    PREPARE[service](db)
    fields = {k: v for k, v in query.items() if not isinstance(v, dict)}
    db[collection].insert_many([{**fields, "_id": f"x{i}", "n": i} for i in range(3)])
    plan = str(db[collection].find(query).explain()["queryPlanner"]["winningPlan"])
    assert f"USING INDEX {index}" in plan, plan
