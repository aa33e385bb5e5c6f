"""Figures of many units in one call (the province page asks every sibling's at once).

A unit's figures are the sum of the counters at or below it (:func:`unit_counters` reads
``{year, path_N: code}``; on nx-27017 that query scans every counter, whatever compound index
exists). Here the counters of a subtree are found by a range on their ``unitpath`` (a
single-field index, which nx-27017 does use for a string range): ``"20/183"`` up to
``"20/183/\uffff"``. Siblings are read together through their parent's subtree, so a page of
N communes costs one read per parent, not one per commune. The exact predicate of a unit's
roll-up (``path_N == code`` and the year) is then applied to what was read, so the figures are
those :func:`services.scoring.service.unit_stats` answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from threading import Lock
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES
from services.scoring.domain.figures import title_totals

COUNTERS = "counters"  # services.scoring.store.COUNTERS (not imported: another module's rewrite)
UNITPATH_INDEX = "by_unitpath"
MAX_PATHS = 2000  # one call's paths (a province has a few hundred communes)
UPPER = "/\uffff"

_indexed: set[tuple[str, str]] = set()
_indexed_lock = Lock()


def ensure_index(db: Database) -> None:
    """The counters' single-field ``unitpath`` index, created once per database and process
    (``create_index`` is idempotent; later calls cost nothing)."""
    key = (str(id(db.client)), db.name)
    if key in _indexed:
        return
    with _indexed_lock:
        if key not in _indexed:
            db[COUNTERS].create_index([("unitpath", ASCENDING)], name=UNITPATH_INDEX)
            _indexed.add(key)


def subtree_filter(path: UnitPath) -> dict[str, Any]:
    """Counters whose ``unitpath`` is the unit's or below it (and a few neighbours whose code
    extends the unit's, e.g. ``20/183-x``: dropped by :func:`rolls_up_to`)."""
    text = str(path)
    return {"unitpath": {"$gte": text, "$lte": text + UPPER}}


def rolls_up_to(counter: Mapping[str, Any], path: UnitPath, year: int) -> bool:
    """The roll-up's own predicate (``Assessments.unit_counters``): the year and the code at
    the unit's depth."""
    return counter.get("year") == year and counter.get(f"path_{path.depth}") == path.code


def stats_many(db: TenantDatabase, paths: Iterable[str], year: int) -> dict[str, dict]:
    """Figures per title of each unit (``{path: {title: {figure: n}}}``), read in one query per
    group of siblings (one per unit without a sibling among ``paths``). Paths of another
    tenant answer no figures (``{}``), as ``stats`` does."""
    counters = db[COUNTERS]
    wanted = [UnitPath.parse(p) for p in dict.fromkeys(paths)][:MAX_PATHS]
    answer: dict[str, dict] = {str(p): {} for p in wanted}
    own = [p for p in wanted if p.tenant == db.tenant]
    groups: dict[tuple[str, ...], list[UnitPath]] = {}
    for path in own:
        groups.setdefault(path.codes[:-1] if path.depth else path.codes, []).append(path)
    projection = {"title": 1, "year": 1, "unitpath": 1, **dict.fromkeys(FIGURES, 1)}
    for parent_codes, members in groups.items():
        read_from = members[0] if len(members) == 1 else UnitPath(parent_codes)
        depths = {p.depth for p in members} | {read_from.depth}
        fields = {f"path_{d}": 1 for d in depths}
        found = list(
            counters.find({**subtree_filter(read_from), "year": year}, projection | fields)
        )
        for path in members:
            answer[str(path)] = title_totals(c for c in found if rolls_up_to(c, path, year))
    return answer
