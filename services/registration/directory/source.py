"""Vietnam's official administrative units, as the seed of a province's organisation directory.

The data is the SQLite dataset shipped inside the ``vietnamadminunits`` package
(``vietnamadminunits/data/dataset.db``), read directly:

* scheme ``"2024"``: table ``admin_units_legacy`` - the pre-reform three-level list (63 provinces,
  districts, communes) in the state it had just before the 1 July 2025 reform;
* scheme ``"2025"``: table ``admin_units`` - the two-level list in force from 1 July 2025
  (34 provinces, communes directly under the province).

Both carry the official GSO codes (province 2 digits, district 3, commune 5).
``vietnam-provinces`` is not used for 2025: its codes come from the government's *draft* code
list and differ from the final ones for 114 of the 3,321 communes (e.g. Hà Nội's Phường Cửa Nam:
draft 00073, final 00082).

The package itself is never imported: ``import vietnamadminunits`` loads ~3.5 MB of JSON and
compiles large regexes (about half a second) for its address parser, which is not needed here.
The database is opened read-only, parsed once per scheme and cached, so calls do no further I/O.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEMES = ("2024", "2025")

_PACKAGE = "vietnamadminunits"
_DATASET = Path("data") / "dataset.db"

# Canonical spelling of each unit-type prefix; the dataset sometimes capitalises them
# ("Thành Phố Bắc Kạn", "Thị Trấn Ái Tử"), which must not leak into stored names.
_TYPE_PREFIXES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Huyện",
    "Phường",
    "Quận",
    "Tỉnh",
    "Xã",
)
_SPACES = re.compile(r"\s+")

# A unit's name as the dataset gives it: (full name, unit type, short name).
_RawName = tuple[str | None, str | None, str | None]


@dataclass(frozen=True)
class UnitRecord:
    """One administrative unit, ready to become a node of the organisation directory."""

    code: str  # official code, zero-padded string
    name: str  # full official name with its type, e.g. "Thị trấn Đồng Đăng"; NFC
    level: str  # "province" | "district" | "commune"
    parent_code: str | None
    path: str  # codes from the province down, joined by "/": "20/183/06184"


class UnknownProvince(LookupError):
    """The province code (or the scheme) is not in the official list."""


def province_units(province_code: str, scheme: str = "2024") -> list[UnitRecord]:
    """Every unit of one province: the province, its districts, then its communes, each by code.

    Parents always precede their children, so the list can be inserted in order.
    """
    code = _normalise_code(province_code)
    units = _load(_check_scheme(scheme)).get(code)
    if units is None:
        raise UnknownProvince(f"no province with code {province_code!r} in scheme {scheme!r}")
    return list(units)


def province_codes(scheme: str = "2024") -> list[tuple[str, str]]:
    """(code, name) of every province in the scheme, ordered by code."""
    return [(code, units[0].name) for code, units in _load(_check_scheme(scheme)).items()]


def _check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise UnknownProvince(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    return scheme


def _normalise_code(code: str) -> str:
    """Accept " 20" or "2" as well as "20": codes are compared as two-digit strings."""
    text = str(code).strip()
    return text.zfill(2) if text.isdigit() else text


def _clean_name(name: str | None, unit_type: str | None, short: str | None) -> str:
    """NFC, single-spaced, with a canonically spelt type prefix.

    The full name is preferred over type + short name: the short names carry disambiguation
    suffixes ("Kỳ Anh (Huyện)") and a few type columns contradict the official name.
    """
    text = name or f"{unit_type or ''} {short or ''}"
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    folded = text.casefold()
    for prefix in _TYPE_PREFIXES:
        if folded.startswith(prefix.casefold() + " "):
            return prefix + text[len(prefix) :]
    return text


def _dataset_path() -> Path:
    """Locate the package's database without importing the (slow) package."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {_PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _DATASET


def _query(sql: str) -> list[sqlite3.Row]:
    # immutable=1: the file lives in site-packages; never take locks or create journals there.
    uri = _dataset_path().resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@cache
def _load(scheme: str) -> dict[str, tuple[UnitRecord, ...]]:
    """Parse one scheme into province code -> its units in directory order (cached)."""
    units: dict[str, UnitRecord] = {}  # every unit by code; codes are unique across levels

    def add(code: str, raw: _RawName, level: str, parent: UnitRecord | None) -> UnitRecord:
        # Each row repeats its province and district: clean a name only the first time it is seen.
        if code not in units:
            path = f"{parent.path}/{code}" if parent else code
            parent_code = parent.code if parent else None
            units[code] = UnitRecord(code, _clean_name(*raw), level, parent_code, path)
        return units[code]

    three_level = scheme == "2024"
    columns = "provinceCode, province, wardCode, ward, wardType, wardShort"
    if three_level:
        columns += ", districtCode, district, districtType, districtShort"
    table = "admin_units_legacy" if three_level else "admin_units"
    for row in _query(f"SELECT {columns} FROM {table}"):
        parent = add(row["provinceCode"], (row["province"], None, None), "province", None)
        if three_level:
            raw = (row["district"], row["districtType"], row["districtShort"])
            parent = add(row["districtCode"], raw, "district", parent)
        if row["wardCode"]:  # island districts (Bạch Long Vĩ, Cồn Cỏ, ...) have no communes
            raw = (row["ward"], row["wardType"], row["wardShort"])
            add(row["wardCode"], raw, "commune", parent)

    # Directory order: province, then districts, then communes, each level sorted by code.
    rank = {"province": 0, "district": 1, "commune": 2}
    grouped: dict[str, list[UnitRecord]] = {}
    for unit in sorted(units.values(), key=lambda u: (u.path[:2], rank[u.level], u.code)):
        grouped.setdefault(unit.path[:2], []).append(unit)
    return {code: tuple(members) for code, members in grouped.items()}
