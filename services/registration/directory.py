"""Loading the directory of organisation units from the official lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.registration.directory_source import UnitRecord, province_units
from services.registration.store import Directory, unit_id

BATCH = 100


def unit_document(tenant: str, record: UnitRecord, scheme: str) -> dict[str, Any]:
    path = UnitPath.parse(record.path)
    return {
        "_id": unit_id(tenant, record.code),
        "tenant": tenant,
        "code": record.code,
        "name": record.name,
        "name_key": search_key(record.name),
        "level": record.level,
        "parent_code": record.parent_code,
        "path": record.path,
        "depth": path.depth,
        "scheme": scheme,
    }


def load_province(
    directory: Directory,
    province_code: str,
    scheme: str = "2024",
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Upsert every unit of the province (the province is its own tenant).

    Returns (units, newly created); running it again creates nothing.
    """
    records = province_units(province_code, scheme)
    tenant = records[0].code
    created = 0
    for batch in _batches((unit_document(tenant, r, scheme) for r in records), BATCH):
        created += directory.upsert(batch)
        if progress:
            progress(len(batch))
    return len(records), created


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
