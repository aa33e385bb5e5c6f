"""Operator commands of a province's criteria sets (the same use cases as the GraphQL
mutations, on scoring's database; running scoring processes pick an activation up at their
next request)::

    khuyenhoc criteria validate FILE
    khuyenhoc criteria upload TENANT FILE [--activate --from-year YEAR]
    khuyenhoc criteria list TENANT
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from khuyenhoc.config import load_config
from khuyenhoc.storage import TenantDatabase, service_database
from services.scoring import set_registry, store
from services.scoring.criteria_sets import CriteriaSet, load_file, load_shipped
from services.scoring.domain import Refused
from services.scoring.messages import invalid_input

OPERATOR = "khuyenhoc criteria (CLI)"


def _file_sets(config: dict[str, Any], tenant: str) -> list[CriteriaSet]:
    folder = Path(str(config.get("CRITERIA_DIR") or "")) / tenant
    if not config.get("CRITERIA_DIR") or not folder.is_dir():
        return []
    return [s for path in sorted(folder.glob("*.yaml")) for s in load_file(path)]


def _sets_store(config: dict[str, Any], tenant: str) -> store.CriteriaSets:
    db = service_database(config, "scoring")
    store.prepare(db)
    return store.CriteriaSets(TenantDatabase(db, tenant))


def upload(
    config: dict[str, Any],
    tenant: str,
    text: str,
    activate_from: int | None = None,
    by: str = OPERATOR,
) -> list[dict[str, Any]]:
    """Store the document's sets as new versions, and activate them from a year if asked."""
    sets = _sets_store(config, tenant)
    now = datetime.now(UTC)
    stored = set_registry.upload(sets, text, load_shipped(), _file_sets(config, tenant), by, now)
    if activate_from is not None:
        for record in stored:
            set_registry.activate(sets, record.set_id, record.version, activate_from, by, now)
    active = sets.active()
    return [set_registry.describe(record, active) for record in stored]


def listing(config: dict[str, Any], tenant: str) -> list[dict[str, Any]]:
    return set_registry.listing(_sets_store(config, tenant))


def add_commands(subparsers: Any) -> None:
    criteria = subparsers.add_parser("criteria", help="a province's own criteria sets")
    actions = criteria.add_subparsers(dest="action", required=True)
    check = actions.add_parser("validate", help="check a YAML file of sets, store nothing")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=_validate)
    send = actions.add_parser("upload", help="store a YAML file's sets as new versions")
    send.add_argument("tenant", help="province code, e.g. 20")
    send.add_argument("file", type=Path)
    send.add_argument("--activate", action="store_true", help="put them in force too")
    send.add_argument("--from-year", type=int, default=None, help="in force from this year on")
    send.add_argument("--config", default=None, help="YAML config (default deploy/config.yaml)")
    send.set_defaults(handler=_upload)
    show = actions.add_parser("list", help="the province's versions and their status")
    show.add_argument("tenant", help="province code, e.g. 20")
    show.add_argument("--config", default=None, help="YAML config (default deploy/config.yaml)")
    show.set_defaults(handler=_list)


def _refused(refused: Refused) -> int:
    for error in invalid_input(refused).errors:
        print(f"LỖI  {error.message}")
    return 1


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        print(f"LỖI  Không đọc được tệp {path} (cần tệp văn bản UTF-8).")
        return None


def _line(found: dict[str, Any]) -> str:
    years = ", ".join(str(y) for y in found["effective_from_years"]) or "—"
    provisional = " (tạm thời)" if found["provisional"] else ""
    return (
        f"{found['set_id']}  phiên bản {found['version']}  {found['title']}  "
        f"{found['status']}  áp dụng từ năm: {years}{provisional}"
    )


def _validate(args: argparse.Namespace) -> int:
    text = _read(args.file)
    if text is None:
        return 1
    try:
        sets = set_registry.validate(text, load_shipped())
    except Refused as refused:
        return _refused(refused)
    for found in sets:
        to = found.valid_to or "…"
        print(f"HỢP LỆ  {found.id}  {found.title}  {found.valid_from}–{to}")
    return 0


def _upload(args: argparse.Namespace) -> int:
    if not re.fullmatch(r"[0-9]{2}", args.tenant):
        print("LỖI  Mã tỉnh gồm 2 chữ số.")
        return 2
    if args.activate != (args.from_year is not None):
        print("LỖI  --activate đi cùng --from-year NĂM.")
        return 2
    text = _read(args.file)
    if text is None:
        return 1
    try:
        stored = upload(load_config(args.config), args.tenant, text, args.from_year)
    except Refused as refused:
        return _refused(refused)
    for found in stored:
        print(_line(found))
    return 0


def _list(args: argparse.Namespace) -> int:
    found = listing(load_config(args.config), args.tenant)
    for item in found:
        print(_line(item))
    print(f"Tỉnh {args.tenant}: {len(found)} phiên bản bộ tiêu chí riêng.")
    return 0
