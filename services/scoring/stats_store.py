"""Figures of many units in one call (the province page asks every sibling's at once).

A unit's figures are the sum of the counters at or below it (:func:`unit_counters` reads
``{year, path_N: code}``; on nx-27017 that query scans every counter, whatever compound index
exists). Here the counters of a subtree are found by a range on their ``unitpath`` (a
single-field index, which nx-27017 does use for a string range): from ``"20/183"`` up to
``"20/183/"`` followed by the highest character. Many units are read together through their
nearest common ancestor's subtree (their parent, for siblings), so a page of N communes costs
one read, not N. The exact predicate of a unit's roll-up (``path_N == code`` and the year) is
then applied to what was read, so the figures are those
:func:`services.scoring.service.unit_stats` answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from threading import Lock
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath, common_ancestor
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


def stats_many(db: TenantDatabase, paths: Iterable[str], year: int) -> dict[str, dict]:
    """Figures per title of each unit (``{path: {title: {figure: n}}}``), read in one query:
    the subtree of the units' nearest common ancestor (their parent, for siblings). Paths of
    another tenant answer no figures (``{}``), as ``stats`` does."""
    wanted = [UnitPath.parse(p) for p in dict.fromkeys(paths)][:MAX_PATHS]
    answer: dict[str, dict] = {str(p): {} for p in wanted}
    own = [p for p in wanted if p.tenant == db.tenant]
    if not own:
        return answer
    ancestor = common_ancestor(own)
    depths = {p.depth for p in own}
    projection = {
        "title": 1,
        "year": 1,
        **dict.fromkeys(FIGURES, 1),
        **{f"path_{d}": 1 for d in depths},
    }
    found = db[COUNTERS].find({**subtree_filter(ancestor), "year": year}, projection)
    by_code: dict[tuple[int, str], list[Mapping[str, Any]]] = {}
    for counter in found:
        if counter.get("year") != year:
            continue
        for depth in depths:
            code = counter.get(f"path_{depth}")
            if code is not None:
                by_code.setdefault((depth, code), []).append(counter)
    for path in own:  # the roll-up's own predicate: the year and the code at the unit's depth
        answer[str(path)] = title_totals(by_code.get((path.depth, path.code), []))
    return answer
