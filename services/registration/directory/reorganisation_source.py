"""Which pre-2025 communes became which 2025 commune in the reform of 1 July 2025.

Registrations, addresses and directory nodes created before the reform carry old commune codes;
this module says where each of them went, so the old organisation can be folded into the new one.

The mapping is the old->new conversion table shipped by ``vietnamadminunits`` 1.0.4 in
``vietnamadminunits/data/converter_2025.json`` (the package's ``convert_address`` runs on it; the
SQLite ``dataset.db`` has no mapping table). It is keyed by the package's name keys, not codes:

* ``DICT_PROVINCE_WARD_NO_DIVIDED``: new province key -> new ward key -> list of
  ``"<old province key>_<old district key>_<old ward key>"`` - old communes that went *wholly*
  into that new commune;
* ``DICT_PROVINCE_WARD_DIVIDED``: new province key -> old key -> list of new wards
  (``newWardKey``, ``isDefaultNewWard``, centroid, area) - old communes *split* between several
  new communes, so each of those received only a part (``partial_predecessor_codes``). Exactly
  one of them is the default new ward (``default_partial_codes``): it alone carries the old
  commune's figures, so a split commune is counted once (see :meth:`Merger.counts`).

Keys are resolved to official codes through the same keys in ``dataset.db``
(``admin_units_legacy``: provinceKey/districtKey/wardKey -> wardCode; ``admin_units``:
provinceKey/wardKey -> wardCode), where they are unique. In 1.0.4 every key resolves; a key that
does not makes loading fail, since silently dropping a commune would misfile its registrations.

The five island districts that had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
became special zones (đặc khu) whole: their predecessor is the district itself, so its 3-digit
district code stands where a commune code would be.

The data is passed on as published, including a few splits that are evidently artifacts of the
package matching communes by name: e.g. Bình Gia's Xã Hồng Phong (06079) is listed as partly
going into Xã Đồng Đăng, 30+ km away, because Cao Lộc also had a Xã Hồng Phong (06205) that did.
About 8 of the 1,033 partial links show this pattern; treat a partial link as "possibly", not
"certainly", a part of that commune.

Like ``directory_source``, the package is never imported (slow); files are read once and cached.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from services.registration.directory.source import (
    UnknownProvince,
    _dataset_path,
    _query,
    province_codes,
    province_units,
)

__all__ = [
    "REORGANISATION_DATE",
    "Merger",
    "UnknownProvince",
    "province_mergers",
    "successors_of",
]

REORGANISATION_DATE = datetime.date(2025, 7, 1)

_CONVERTER_FILE = "converter_2025.json"


@dataclass(frozen=True)
class Merger:
    """One 2025 commune and the pre-2025 communes it was formed from."""

    successor_code: str  # the 2025 commune code
    successor_name: str  # its full official name, NFC ("Xã Đồng Đăng")
    predecessor_codes: tuple[str, ...]  # pre-2025 communes that wholly or partly became it, sorted
    province_code: str  # the 2025 province code of the successor
    old_province_codes: tuple[str, ...]  # pre-2025 province codes of the predecessors, sorted
    # Predecessors that were split and of which only a part went here (subset, sorted).
    partial_predecessor_codes: tuple[str, ...] = ()
    # Partial predecessors whose figures this commune carries: the converter's default new ward
    # (``isDefaultNewWard``) of a split commune takes the old commune's figures, once.
    default_partial_codes: tuple[str, ...] = ()

    def counts(self, predecessor_code: str) -> bool:
        """Whether this commune carries the predecessor's figures: every whole predecessor,
        and a split one only where this commune is its default successor."""
        return (
            predecessor_code not in self.partial_predecessor_codes
            or predecessor_code in self.default_partial_codes
        )


def province_mergers(province_code: str) -> list[Merger]:
    """Every 2025 commune of a 2025 province with its predecessors, ordered by successor code."""
    text = str(province_code).strip()
    code = text.zfill(2) if text.isdigit() else text
    mergers = _load()[0].get(code)
    if mergers is None:
        raise UnknownProvince(f"no 2025 province with code {province_code!r}")
    return list(mergers)


def successors_of(old_commune_code: str) -> list[str]:
    """2025 commune codes an old commune went into, sorted; several if it was split.

    Empty if the code is not a pre-2025 commune (or commune-less island district).
    """
    return list(_load()[1].get(str(old_commune_code).strip(), ()))


def _converter_data() -> dict:
    # The JSON sits next to dataset.db in the package's data directory.
    path = _dataset_path().parent / _CONVERTER_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def _old_units() -> dict[str, tuple[str, str]]:
    """Legacy key "province_district_ward" -> (unit code, old province code)."""
    rows = _query(
        "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode"
        " FROM admin_units_legacy"
    )
    return {
        # Island districts have no ward: key ends in "_" and the district code stands in.
        f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": (
            r["wardCode"] or r["districtCode"],
            r["provinceCode"],
        )
        for r in rows
    }


def _new_units() -> dict[tuple[str, str], str]:
    """(2025 province key, ward key) -> 2025 commune code."""
    rows = _query("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    return {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in rows}


@cache
def _load() -> tuple[dict[str, tuple[Merger, ...]], dict[str, tuple[str, ...]]]:
    """Resolve the key-based mapping to codes (cached).

    Returns (2025 province code -> its mergers, old code -> its successor codes).
    """
    data = _converter_data()
    old_units, new_units = _old_units(), _new_units()
    predecessors: defaultdict[str, set[str]] = defaultdict(set)
    partial: defaultdict[str, set[str]] = defaultdict(set)
    default: defaultdict[str, set[str]] = defaultdict(set)
    old_provinces: dict[str, str] = {}
    unresolved: list[str] = []

    def link(new_key: tuple[str, str], old_key: str, whole: bool, is_default: bool = False) -> None:
        new_code, old = new_units.get(new_key), old_units.get(old_key)
        if new_code is None or old is None:
            unresolved.append(f"{old_key} -> {'_'.join(new_key)}")
            return
        predecessors[new_code].add(old[0])
        old_provinces[old[0]] = old[1]
        if not whole:
            partial[new_code].add(old[0])
            if is_default:
                default[new_code].add(old[0])

    for province_key, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                link((province_key, ward_key), old_key, whole=True)
    for province_key, split in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in split.items():
            for part in parts:
                link(
                    (province_key, part["newWardKey"]),
                    old_key,
                    whole=False,
                    is_default=bool(part.get("isDefaultNewWard")),
                )
    if unresolved:
        raise RuntimeError(
            f"{len(unresolved)} entries of {_CONVERTER_FILE} match no unit in the dataset, "
            f"e.g. {unresolved[:3]}"
        )

    # Walk the 2025 directory so every commune is listed, named as the directory names it.
    by_province: dict[str, tuple[Merger, ...]] = {}
    successors: defaultdict[str, list[str]] = defaultdict(list)
    for province, _name in province_codes("2025"):
        mergers = []
        for unit in province_units(province, "2025"):
            if unit.level != "commune":
                continue
            olds = tuple(sorted(predecessors.get(unit.code, ())))
            mergers.append(
                Merger(
                    successor_code=unit.code,
                    successor_name=unit.name,
                    predecessor_codes=olds,
                    province_code=province,
                    old_province_codes=tuple(sorted({old_provinces[o] for o in olds})),
                    partial_predecessor_codes=tuple(sorted(partial.get(unit.code, ()))),
                    default_partial_codes=tuple(sorted(default.get(unit.code, ()))),
                )
            )
            for old in olds:
                successors[old].append(unit.code)
        by_province[province] = tuple(sorted(mergers, key=lambda m: m.successor_code))
    return by_province, {old: tuple(sorted(new)) for old, new in successors.items()}
