"""Operator commands of registration: ``khuyenhoc directory load 20`` (or ``all``) and
``khuyenhoc directory reorganise 20``."""

from __future__ import annotations

import argparse
import base64
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from khuyenhoc.config import load_config, tenants
from khuyenhoc.storage import service_database
from services.registration import store
from services.registration.directory.service import (
    ReorganisationError,
    load_all,
    load_province,
    record_change,
    reorganise_province,
)
from services.registration.directory.source import SCHEMES, province_codes, province_units
from services.registration.directory.store import DirectoryStores, directory_stores


def _directories(config: dict[str, Any]) -> DirectoryStores:
    """Each province's directory (loading and reorganising span provinces, one at a time)."""
    db = service_database(config, "registration")
    store.prepare(db)
    return directory_stores(db)


def load_directory(
    config: dict[str, Any], province: str, scheme: str, show_progress: bool = True
) -> tuple[int, int]:
    """Load one province's units (or ``all`` provinces) into registration's database; safe to
    repeat."""
    directories = _directories(config)
    if province == "all":
        total = sum(len(province_units(code, scheme)) for code, _ in province_codes(scheme))
    else:
        total = len(province_units(province, scheme))
    label = "Cả nước" if province == "all" else f"Tỉnh {province}"
    with tqdm(total=total, unit="đơn vị", desc=label, disable=not show_progress) as bar:
        if province == "all":
            return load_all(directories, scheme, progress=bar.update)
        return load_province(directories, province, scheme, progress=bar.update)


def add_commands(subparsers: Any) -> None:
    directory = subparsers.add_parser("directory", help="the directory of organisation units")
    actions = directory.add_subparsers(dest="action", required=True)
    load = actions.add_parser("load", help="load official units (idempotent)")
    load.add_argument("province", help="province code, e.g. 20 for Lạng Sơn, or 'all'")
    load.add_argument(
        "--scheme",
        choices=SCHEMES,
        default=None,
        help="2024: province/district/commune; 2025: after the 1 July 2025 reorganisation",
    )
    load.add_argument("--config", default=None, help="YAML config (default deploy/config.yaml)")
    load.set_defaults(handler=_load)
    reorganise = actions.add_parser(
        "reorganise", help="apply the official 1 July 2025 mergers to a province (idempotent)"
    )
    reorganise.add_argument("province", help="the 2025 province code")
    reorganise.add_argument("--config", default=None)
    reorganise.set_defaults(handler=_reorganise)
    change = actions.add_parser(
        "change",
        help="record a local merger or split on a date (idempotent)",
        description="e.g. khuyenhoc directory change 20 --on 2023-01-01 --from 06184 06187 "
        '--into "06184=Thị trấn Đồng Đăng"',
    )
    change.add_argument("tenant", help="province code")
    change.add_argument("--on", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    change.add_argument(
        "--from", dest="from_codes", nargs="+", required=True, help="codes of the units that ended"
    )
    change.add_argument(
        "--into", nargs="+", required=True, metavar="CODE=NAME", help="the units they became"
    )
    change.add_argument(
        "--carrier",
        default=None,
        help="in a split: the new unit carrying the old one's figures and branches "
        "(default: the first of --into)",
    )
    change.add_argument("--config", default=None)
    change.set_defaults(handler=_change)


KIND_ALIASES = {
    "households": "household",
    "clans": "clan",
    "communities": "community",
    "units": "learning_unit",
    "citizens": "citizen",
}


def add_import_command(subparsers: Any) -> None:
    command = subparsers.add_parser(
        "import",
        help="import a commune's list (.xlsx or .csv) through the running platform",
        description="e.g. khuyenhoc import households danh-sach.xlsx --commune 06184 --year 2024",
    )
    command.add_argument("kind", choices=sorted(KIND_ALIASES))
    command.add_argument("file", help="the .xlsx or .csv file")
    command.add_argument("--commune", required=True, help="commune code, e.g. 06184")
    command.add_argument("--year", required=True, type=int)
    command.add_argument("--tenant", default=None, help="province code (default: the only one)")
    command.add_argument("--config", default=None)
    command.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    # the broker's client only for this command: the directory commands run without nameko
    from nameko.standalone.rpc import ClusterRpcProxy  # noqa: PLC0415 - only `import` needs it

    config = load_config(args.config)
    tenant = args.tenant or next(iter(sorted(tenants(config))), None)
    path = Path(args.file)
    payload = {
        "tenant": tenant,
        "communeCode": args.commune,
        "kind": KIND_ALIASES[args.kind],
        "year": args.year,
        "fileName": path.name,
        "content": base64.b64encode(path.read_bytes()).decode("ascii"),
    }
    with ClusterRpcProxy({"AMQP_URI": config["AMQP_URI"]}, timeout=120) as cluster:
        answer = cluster.registration.start_import(payload)
        if "errors" in answer:
            for error in answer["errors"]:
                print(f"{error['field']}: {error['message']}", file=sys.stderr)
            return 1
        job = answer["job"]
        if not answer["created"]:
            print("Tệp này đã được nhập trước đó; hiển thị lượt nhập cũ.")
        with tqdm(total=job["total"], unit="dòng", desc=path.name) as bar:
            while True:
                bar.total = max(bar.total or 0, job["done"])
                bar.update(job["done"] - bar.n)
                if job["status"] in ("DONE", "FAILED"):
                    break
                time.sleep(0.5)
                job = cluster.registration.import_job(tenant, job["_id"])
    print(
        f"Xong: {job['created']} đăng ký mới, {job['duplicates']} đã có, {job['failed']} dòng lỗi."
    )
    if job["failed"]:
        print(f"Báo cáo lỗi: /files/imports/{job['_id']}/errors.xlsx (trên cổng GraphQL)")
    return 0 if job["status"] == "DONE" else 1


def _load(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    scheme = args.scheme or str(config.get("DIRECTORY_SCHEME", "2024"))
    started = time.perf_counter()
    units, created = load_directory(config, args.province, scheme)
    print(
        f"Đã nạp {units} đơn vị hành chính ({created} mới), danh mục {scheme}, "
        f"trong {time.perf_counter() - started:.1f} giây."
    )
    return 0


def _reorganise(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    done = reorganise_province(_directories(config), args.province)
    print(
        f"Tỉnh {args.province}: {done.communes} xã/phường mới, nối với {done.predecessors} "
        f"đơn vị cũ ({done.unresolved} đơn vị cũ chưa có trong danh mục); "
        f"{done.branches} chi hội chuyển sang xã/phường mới; "
        f"{done.hamlets} thôn, tổ dân phố chuyển sang xã/phường mới."
    )
    return 0


def _change(args: argparse.Namespace) -> int:
    into = [tuple(item.split("=", 1)) for item in args.into]
    if any(len(pair) != 2 or not pair[1].strip() for pair in into):
        print("error: --into takes CODE=NAME pairs", file=sys.stderr)
        return 2
    try:
        news = record_change(
            _directories(load_config(args.config))(args.tenant),
            args.on,
            args.from_codes,
            into,
            args.carrier,
        )
    except ReorganisationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Đã ghi nhận: {', '.join(args.from_codes)} → "
        f"{', '.join(n['code'] for n in news)} từ ngày {args.on.isoformat()}."
    )
    return 0
