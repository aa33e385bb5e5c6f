"""A fund process that dies between committing a donation and settling it: the next process
counts the donation in every figure at start-up, not five minutes later."""

from datetime import date

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from services.fund import store
from services.fund.entrypoint import FundService
from tests.conftest import wait_until
from tests.integration.helpers import load_demo_directory

UNIT = {"code": "06184", "path": "20/183/06184", "name": "Thị trấn Đồng Đăng", "level": "commune"}


def test_a_donation_committed_by_a_dead_process_counts_as_soon_as_the_fund_restarts(
    container_factory, config, monkeypatch
):
    load_demo_directory(config)
    first = container_factory(FundService, config)
    first.start()

    def dies_before_settling(self, ident, posting_id, record):
        raise RuntimeError("killed between the commit and the settling")

    donation = {
        "tenant": "20",
        "unit": UNIT,
        "idempotencyKey": "restart-000001",
        "donor": {"name": "Nguyễn Văn Hảo", "kind": "person", "anonymous": False},
        "amount": 250000,
        "receivedOn": date(2024, 10, 2).isoformat(),
    }
    with ClusterRpcProxy(config, timeout=20) as cluster:
        monkeypatch.setattr(store.FundStore, "settle", dies_before_settling)
        with pytest.raises(RemoteError, match="killed between"):  # the process "died"
            cluster.fund.record_donation(donation)
        monkeypatch.undo()
        first.stop()
        second = container_factory(FundService, config)
        second.start()
        figures = wait_until(
            lambda: (f := cluster.fund.stats("20", "20", 2024, 2024))["donations_count"] and f,
            timeout=15,
            what="the donation in the figures",
        )
    assert (figures["donations_count"], figures["donations_total"]) == (1, 250000)
