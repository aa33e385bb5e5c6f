"""Progress against the programme targets, and a province's own targets: the use cases behind
scoring's ``progress_of`` and ``set_province_target`` RPCs, the edge schema of the latter and
the store of the province's targets (one document per tenant and target code, keyed by
``_id``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from marshmallow import fields, validate

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.validation import EdgeSchema, field_messages, tenant_field
from services.scoring import stats_store, targets
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain.progress import ProvinceTarget, Target, check_override, progress
from services.scoring.messages import MESSAGES

PROVINCE_TARGETS = "province_targets"
_BASE: dict[str, Any] = field_messages(MESSAGES)


class ProvinceTargetSchema(EdgeSchema):
    """``setProvinceTarget``: a province's own share (and mountain-area share) for a national
    target's code, for some years, with the province's text that sets it."""

    tenant = tenant_field()
    code = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=100, error=MESSAGES["target_unknown"]),
    )
    share = fields.Float(required=True, error_messages=_BASE, allow_nan=False)
    mountain_share = fields.Float(
        data_key="mountainShare",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        allow_nan=False,
    )
    from_year = fields.Integer(
        data_key="fromYear", required=True, strict=True, error_messages=_BASE
    )
    to_year = fields.Integer(data_key="toYear", required=True, strict=True, error_messages=_BASE)
    source = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=1000, error=MESSAGES["target_source_required"]),
    )
    by = fields.String(load_default=None, allow_none=True, error_messages=_BASE)


class ProvinceTargets:
    """One tenant's own targets: ``<tenant>:target:<code>`` (setting it again replaces it)."""

    def __init__(self, db: TenantDatabase) -> None:
        self.targets = db[PROVINCE_TARGETS]
        self.tenant = self.targets.tenant

    def _id(self, code: str) -> str:
        return f"{self.tenant}:target:{code}"

    def put(self, own: ProvinceTarget, by: str | None, at: datetime) -> None:
        document = {
            "_id": self._id(own.code),
            "code": own.code,
            "share": own.share,
            "mountain_share": own.mountain_share,
            "from_year": own.from_year,
            "to_year": own.to_year,
            "source": own.source,
            "by": by,
            "at": at,
        }
        self.targets.replace_one({"_id": self._id(own.code)}, document, upsert=True)

    def all(self) -> list[ProvinceTarget]:
        codes = [self._id(t.code) for t in targets.load_shipped()]
        found = self.targets.find({"_id": {"$in": codes}})
        return [
            ProvinceTarget(
                code=doc["code"],
                share=float(doc["share"]),
                mountain_share=None if doc.get("mountain_share") is None else doc["mountain_share"],
                from_year=int(doc["from_year"]),
                to_year=int(doc["to_year"]),
                source=doc["source"],
            )
            for doc in found
        ]


def set_province_target(store: ProvinceTargets, data: Mapping[str, Any], now: datetime) -> dict:
    """Keep a province's own target after checking it is not below the national one."""
    own = ProvinceTarget(
        code=data["code"],
        share=float(data["share"]),
        mountain_share=data.get("mountain_share"),
        from_year=data["from_year"],
        to_year=data["to_year"],
        source=data["source"].strip(),
    )
    check_override(targets.by_code(own.code), own)
    store.put(own, data.get("by"), now)
    return province_target_answer(own)


def province_target_answer(own: ProvinceTarget) -> dict[str, Any]:
    return {
        "code": own.code,
        "share": own.share,
        "mountain_share": own.mountain_share,
        "from_year": own.from_year,
        "to_year": own.to_year,
        "source": own.source,
    }


def summed_figures(per_path: Mapping[str, Mapping[str, Mapping[str, int]]]) -> dict:
    """Figures per title summed over the paths holding a unit's figures."""
    total: dict[str, dict[str, int]] = {}
    for figures in per_path.values():
        for title, counts in figures.items():
            into = total.setdefault(title, {})
            for name, value in counts.items():
                into[name] = into.get(name, 0) + int(value or 0)
    return total


def progress_of(
    db: TenantDatabase,
    store: ProvinceTargets,
    paths: Iterable[str],
    year: int,
    denominators: Mapping[str, Any],
    mountain: bool,
    shipped: list[Target] | None = None,
) -> list[dict[str, Any]]:
    """Each target applying to ``year``: numerator from the counters of ``paths`` (the unit's,
    or its predecessors' for a year before it existed), the denominator from ``denominators``
    (registration's figures entered for the unit), the share and whether it is met."""
    figures = summed_figures(stats_store.stats_many(db, list(paths), year))
    return progress(
        shipped if shipped is not None else targets.load_shipped(),
        store.all(),
        year,
        figures,
        denominators or {},
        bool(mountain),
    )


def rating_levels(
    sets: Sequence[CriteriaSet], title: str, years: Iterable[int], level: str | None = "commune"
) -> list[dict[str, Any]]:
    """What each level number means for ``title`` in each year, from the set in force (the
    province's own first): TT 44/2014 rates the commune community Trung bình / Khá / Tốt as
    levels 1 / 2 / 3 until 2023, TT 25/2023 Khá / Tốt as levels 1 / 2 from 2024."""
    answer = []
    for year in years:
        found = select(sets, title, year, level=level)
        answer.append(
            {
                "year": year,
                "set_id": found.id if found else None,
                "decision": found.decision.number if found else None,
                "levels": [
                    {"level": lv.level, "name": lv.name, "rating": lv.rating}
                    for lv in (found.levels if found else ())
                ],
            }
        )
    return answer
