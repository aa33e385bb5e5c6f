"""Operator commands of registration (``khuyenhoc directory load 20``)."""

from __future__ import annotations

import argparse
from typing import Any

from tqdm import tqdm

from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from services.registration import store
from services.registration.directory import load_province
from services.registration.directory_source import SCHEMES, province_units


def load_directory(
    config: dict[str, Any], province: str, scheme: str, show_progress: bool = True
) -> tuple[int, int]:
    """Load one province's units into registration's database; safe to repeat."""
    db = service_database(config, "registration")
    store.prepare(db)
    total = len(province_units(province, scheme))
    with tqdm(
        total=total, unit="đơn vị", desc=f"Tỉnh {province}", disable=not show_progress
    ) as bar:
        return load_province(store.Directory(db), province, scheme, progress=bar.update)


def add_commands(subparsers: Any) -> None:
    directory = subparsers.add_parser("directory", help="the directory of organisation units")
    actions = directory.add_subparsers(dest="action", required=True)
    load = actions.add_parser("load", help="load a province's official units (idempotent)")
    load.add_argument("province", help="province code, e.g. 20 for Lạng Sơn")
    load.add_argument(
        "--scheme",
        choices=SCHEMES,
        default=None,
        help="2024: province/district/commune; 2025: after the reorganisation",
    )
    load.add_argument("--config", default=None, help="YAML config (default deploy/config.yaml)")
    load.set_defaults(handler=_load)


def _load(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    scheme = args.scheme or str(config.get("DIRECTORY_SCHEME", "2024"))
    units, created = load_directory(config, args.province, scheme)
    print(f"Đã nạp {units} đơn vị hành chính ({created} mới) của tỉnh {args.province}.")
    return 0
