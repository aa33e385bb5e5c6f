"""Loading the directory of organisation units from the official lists, and the 2025
reorganisation that links each new commune to the communes it was formed from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import clean, search_key
from services.registration.association import service as association_service
from services.registration.association import store as association_store
from services.registration.directory import hamlets as hamlets_service
from services.registration.directory.hamlets_store import Hamlets
from services.registration.directory.hierarchy import SCHEME_LEVELS, unit_id
from services.registration.directory.reorganisation_source import (
    REORGANISATION_DATE,
    province_mergers,
)
from services.registration.directory.source import UnitRecord, province_codes, province_units
from services.registration.directory.store import DirectoryStore, DirectoryStores

BATCH = 200
SCHEME_START = {"2025": REORGANISATION_DATE.isoformat()}
LAST_DAY_BEFORE_REFORM = (REORGANISATION_DATE - timedelta(days=1)).isoformat()

Progress = Callable[[int], None]


def unit_document(tenant: str, record: UnitRecord, scheme: str) -> dict[str, Any]:
    path = UnitPath.parse(record.path)
    return {
        "_id": unit_id(tenant, scheme, record.code),
        "tenant": tenant,
        "scheme": scheme,
        "code": record.code,
        "name": record.name,
        "name_key": search_key(record.name),
        "level": record.level,
        "levels": list(SCHEME_LEVELS[scheme]),
        "parent_code": record.parent_code,
        "path": record.path,
        "depth": path.depth,
        "valid_from": SCHEME_START.get(scheme),
    }


def load_province(
    stores: DirectoryStores,
    province_code: str,
    scheme: str = "2024",
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Upsert every unit of the province (the province is its own tenant).

    Returns (units, newly created); running it again creates nothing.
    """
    records = province_units(province_code, scheme)
    tenant = records[0].code
    directory = stores(tenant)
    created = 0
    for batch in _batches((unit_document(tenant, r, scheme) for r in records), BATCH):
        created += directory.upsert(batch)
        if progress:
            progress(len(batch))
    return len(records), created


def load_all(
    stores: DirectoryStores, scheme: str, progress: Progress | None = None
) -> tuple[int, int]:
    """Every province of the scheme (63 before the reform, 34 after)."""
    units = created = 0
    for code, _name in province_codes(scheme):
        loaded, new = load_province(stores, code, scheme, progress)
        units, created = units + loaded, created + new
    return units, created


@dataclass(frozen=True)
class Reorganised:
    communes: int  # 2025 communes of the province
    predecessors: int  # pre-2025 communes linked to them
    unresolved: int  # predecessors whose pre-2025 unit is not in the directory (not loaded)
    branches: int = 0  # branches carried over to the new communes by this run
    hamlets: int = 0  # hamlets moved to the new communes by this run


def reorganise_province(stores: DirectoryStores, province_code: str) -> Reorganised:
    """Apply the official 1 July 2025 reorganisation to one province (idempotent): load its 2025
    units, link every new commune to its predecessors and every old unit to its successors, and
    close the old units on 30 June 2025. Figures recorded before stay on the old units. A split
    commune's figures go to its default successor only (``counts`` on the links); the branches
    open on 30 June 2025 under a commune move to the successor that carries its figures, and so
    do its hamlets (see :func:`hamlets.carry_over`: the same name twice in a new commune is told
    apart by the old commune's name). The old units may belong to other provinces (the 2025
    provinces merged old ones): each province's units are changed through that province's store."""
    load_province(stores, province_code, "2025")
    mergers = province_mergers(province_code)
    changes: dict[str, dict[str, dict[str, Any]]] = {}  # tenant -> unit id -> fields
    successors: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    linked = unresolved = 0
    carry: list[tuple[dict[str, Any], str, str]] = []  # (old commune, new tenant, new id)
    for merger in mergers:
        links = []
        new_id = unit_id(merger.province_code, "2025", merger.successor_code)
        for code in merger.predecessor_codes:
            old = _old_version(stores, merger.old_province_codes, code)
            if old is None:
                unresolved += 1
                continue
            linked += 1
            counting = merger.counts(code)
            links.append(
                _link(old, partial=code in merger.partial_predecessor_codes, counts=counting)
            )
            successors.setdefault(old["_id"], (old["tenant"], []))[1].append(
                {
                    "id": new_id,
                    "tenant": merger.province_code,
                    "code": merger.successor_code,
                    "name": merger.successor_name,
                    "counts": counting,
                }
            )
            if counting:
                carry.append((old, merger.province_code, new_id))
        changes.setdefault(merger.province_code, {})[new_id] = {"predecessors": links}
    for old_id, (old_tenant, targets) in successors.items():
        changes.setdefault(old_tenant, {})[old_id] = {
            # the successor carrying the figures first: it is where the branches went
            "successors": sorted(targets, key=lambda t: not t["counts"]),
            "valid_to": LAST_DAY_BEFORE_REFORM,
        }
    for old_level in ("province", "district"):  # the old tree above the communes ends as well
        for unit in stores(province_code).at_level(old_level):
            if unit["scheme"] == "2024":
                own = changes.setdefault(province_code, {})
                own.setdefault(unit["_id"], {})["valid_to"] = LAST_DAY_BEFORE_REFORM
    for tenant, fields in changes.items():
        stores(tenant).update(fields)
    branches = 0
    for old, new_tenant, new_id in carry:
        new = stores(new_tenant).by_id(new_id)
        if new is not None:
            branches += len(
                association_service.carry_over(
                    _branches(stores, old["tenant"]),
                    _branches(stores, new_tenant),
                    old,
                    new,
                    REORGANISATION_DATE,
                )
            )
    moving: dict[tuple[str, str], list[tuple[Hamlets, dict[str, Any]]]] = {}
    for old, new_tenant, new_id in carry:
        moving.setdefault((new_tenant, new_id), []).append((_hamlets(stores, old["tenant"]), old))
    hamlets = 0
    for (new_tenant, new_id), olds in moving.items():
        new = stores(new_tenant).by_id(new_id)
        if new is not None:
            hamlets += len(
                hamlets_service.carry_over(
                    _hamlets(stores, new_tenant), new, olds, REORGANISATION_DATE
                )
            )
    return Reorganised(len(mergers), linked, unresolved, branches, hamlets)


class ReorganisationError(ValueError):
    """The change cannot be recorded as asked (unknown unit, units of different levels)."""


def record_change(
    directory: DirectoryStore,
    on: date,
    from_codes: list[str],
    into: list[tuple[str, str]],
    carrier: str | None = None,
    branches: association_store.Branches | None = None,
    hamlets: Hamlets | None = None,
) -> list[dict[str, Any]]:
    """Record that the units ``from_codes`` became the units ``into`` ((code, name) pairs) on
    ``on``: several into one is a merger, one into several a split. The old units end the day
    before; each new unit begins on ``on`` under the same parent and links to its predecessors,
    so its figures for earlier years are theirs. In a split the figures (and the branches) go
    to one new unit only: ``carrier``, by default the first listed; the branches open under a
    commune the day before move to it (``branches``: the province's, default its store's).
    Idempotent."""
    tenant = directory.tenant
    day_before = on - timedelta(days=1)
    found = [directory.get(code, day_before) for code in from_codes]
    missing = [code for code, old in zip(from_codes, found, strict=True) if old is None]
    olds = [old for old in found if old is not None]
    if missing or not into:
        raise ReorganisationError(
            f"unknown units {missing} in tenant {tenant}"
            if missing
            else "a change needs at least one resulting unit"
        )
    if len({(o["level"], o["parent_code"], o["scheme"]) for o in olds}) != 1:
        raise ReorganisationError("only units of one level under one parent can be merged")
    first = olds[0]
    parent_path = UnitPath.parse(first["path"]).codes[:-1]
    since = on.isoformat()
    carrier = carrier or into[0][0]
    if carrier not in {code for code, _ in into}:
        raise ReorganisationError(f"the unit carrying the figures, {carrier}, is not a result")
    news = []
    for code, name in into:
        path = UnitPath((*parent_path, code))
        news.append(
            {
                **first,
                "_id": unit_id(tenant, first["scheme"], code, since),
                "code": code,
                "name": clean(name),
                "name_key": search_key(name),
                "path": str(path),
                "depth": path.depth,
                "valid_from": since,
                "valid_to": None,
                "successors": [],
                "predecessors": [
                    _link(old, partial=len(into) > 1, counts=code == carrier) for old in olds
                ],
            }
        )
    directory.upsert(news)
    targets = [
        {
            "id": n["_id"],
            "tenant": tenant,
            "code": n["code"],
            "name": n["name"],
            "counts": n["code"] == carrier,
        }
        for n in news
    ]
    targets.sort(key=lambda t: not t["counts"])
    directory.update(
        {old["_id"]: {"valid_to": day_before.isoformat(), "successors": targets} for old in olds}
    )
    if first["level"] == "commune":
        branches = branches or association_store.Branches(directory.db)
        heir = next(n for n in news if n["code"] == carrier)
        for old in olds:
            association_service.carry_over(branches, branches, old, heir, on)
        hamlets = hamlets or Hamlets(directory.db)
        hamlets_service.carry_over(hamlets, heir, [(hamlets, old) for old in olds], on)
    return news


def _link(unit: dict[str, Any], partial: bool, counts: bool) -> dict[str, Any]:
    """A link to a predecessor: ``partial`` when only a part of it came here ("một phần"),
    ``counts`` when its figures are carried here (exactly one successor of a split unit)."""
    return {
        "id": unit["_id"],
        "tenant": unit["tenant"],
        "code": unit["code"],
        "name": unit.get("name"),
        "path": unit["path"],
        "partial": partial,
        "counts": counts,
    }


def _branches(stores: DirectoryStores, tenant: str) -> association_store.Branches:
    return association_store.Branches(stores(tenant).db)


def _hamlets(stores: DirectoryStores, tenant: str) -> Hamlets:
    return Hamlets(stores(tenant).db)


def _old_version(
    stores: DirectoryStores, old_provinces: Iterable[str], code: str
) -> dict[str, Any] | None:
    for province in old_provinces:
        found = stores(province).version("2024", code)
        if found is not None:
            return found
    return None


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
