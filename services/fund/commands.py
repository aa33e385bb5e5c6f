"""Operator commands of the fund: ``khuyenhoc fund reconcile 20`` checks that every fund's
balance equals the sum of its ledger entries (exit status 1 when one does not)."""

from __future__ import annotations

import argparse
from typing import Any

from khuyenhoc.config import load_config
from khuyenhoc.storage import TenantDatabase, service_database
from services.fund import answers, service, store
from services.fund.messages import format_dong


def reconcile(config: dict[str, Any], tenant: str) -> dict[str, Any]:
    db = service_database(config, "fund")
    store.prepare(db)
    found = service.reconcile(store.FundStore(TenantDatabase(db, tenant)))
    reconciliation: dict[str, Any] = answers.ReconciliationAnswer().dump(found)
    return reconciliation


def add_commands(subparsers: Any) -> None:
    fund = subparsers.add_parser("fund", help="the Quỹ Khuyến học")
    actions = fund.add_subparsers(dest="action", required=True)
    check = actions.add_parser(
        "reconcile", help="check every fund's balance against the sum of its entries"
    )
    check.add_argument("tenant", help="province code, e.g. 20")
    check.add_argument("--config", default=None, help="YAML config (default deploy/config.yaml)")
    check.set_defaults(handler=_reconcile)


def _reconcile(args: argparse.Namespace) -> int:
    found = reconcile(load_config(args.config), args.tenant)
    for d in found["discrepancies"]:
        print(
            f"LỆCH  quỹ {d['fundId']}: số dư lưu {format_dong(d['stored'])} đồng, "
            f"tổng bút toán {format_dong(d['computed'])} đồng"
        )
    status = "khớp" if not found["discrepancies"] and found["balanced"] else "KHÔNG khớp"
    print(
        f"Tỉnh {args.tenant}: {found['funds']} quỹ, {found['transactions']} giao dịch, "
        f"nợ = có: {'có' if found['balanced'] else 'KHÔNG'}; số dư {status}."
    )
    return 0 if status == "khớp" else 1
