"""A province's own criteria sets, managed at run time: upload (validated, kept as a draft with
the YAML as uploaded), dry-run validation, activation from a year, listing, and the sets in force
for a tenant without a restart.

- Versions: each upload of a set id is the next version of it (1, 2, ...). A set id equal to a
  shipped set's id is refused: a province's set has its own id and overrides a shipped one by
  selection (title, year, group, level; ``criteria_sets.select``).
- Activation: ``activate(set_id, version, effective_from_year)`` puts that version in force from
  that year on; years before keep the version active before (or, with none, the province's file
  set or the shipped set). Versions whose years are all taken over are *superseded*.
- Verdicts record ``set_id`` and ``set_version``; :func:`judged_under` finds that exact version
  again (even a superseded one), so activating a set never changes a verdict already given.
  Records without ``set_version`` (written before versions existed) were judged under a shipped
  or file set: version 1.
- The YAML files of ``CRITERIA_DIR/<tenant>/`` keep working as pre-activated version 1 of their
  set ids (an upload of such an id starts at version 2 and, activated from a year, takes over
  from that year).
- No restart: :class:`SetCache` keeps each tenant's active sets parsed and re-reads them only
  when the tenant's stamp (one document read by ``_id``) changed.

Pure: the store is a port (``ports.CriteriaSetStore``); the MongoDB adapter is
``store.CriteriaSets``, the unit tests' fake ``tests.fakes_scoring.FakeCriteriaSets``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import yaml

from services.scoring.criteria_sets import CriteriaSet, CriteriaSetError, parse_document, select
from services.scoring.domain import TITLE_LEVEL, Refused
from services.scoring.set_versions import Activation, ActiveSets, StoredSet

if TYPE_CHECKING:
    from services.scoring.ports import CriteriaSetStore

__all__ = ["Activation", "ActiveSets", "StoredSet"]  # the records, re-exported for callers

MAX_YAML_BYTES = 256 * 1024
MAX_SETS_PER_DOCUMENT = 8
MAX_VERSIONS = 200  # per set id
ATTEMPTS = 10
YEARS = (1990, 2100)
SET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
FILE_VERSION = 1  # the version of a set read from the shipped files or CRITERIA_DIR/<tenant>/

DRAFT, ACTIVE, SUPERSEDED = "draft", "active", "superseded"


@dataclass(frozen=True)
class VersionedSet(CriteriaSet):
    """A province's stored set as parsed, with its version."""

    version: int = FILE_VERSION


def version_of(criteria: CriteriaSet) -> int:
    return criteria.version if isinstance(criteria, VersionedSet) else FILE_VERSION


def versioned(criteria: CriteriaSet, version: int) -> VersionedSet:
    values = {f.name: getattr(criteria, f.name) for f in fields(CriteriaSet)}
    return VersionedSet(**values, version=version)


def parsed(record: StoredSet) -> VersionedSet:
    """A stored version as a set (its document parsed; ``position`` picks the set)."""
    return versioned(parse_document(yaml.safe_load(record.yaml))[record.position], record.version)


# --- reading a document --------------------------------------------------------------------------


def read_document(text: str, shipped: Sequence[CriteriaSet]) -> list[CriteriaSet]:
    """Parse and validate an uploaded YAML document (one set or a list of sets) with the same
    rules as the shipped sets; refusals carry a Vietnamese detail naming the YAML path."""
    if not isinstance(text, str) or not text.strip():
        raise Refused("yaml", "criteria_yaml_empty")
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise Refused("yaml", "criteria_yaml_too_large")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}." if mark is not None else ""
        raise Refused("yaml", "criteria_yaml_syntax", where) from None
    if isinstance(document, list) and len(document) > MAX_SETS_PER_DOCUMENT:
        raise Refused("yaml", "criteria_yaml_too_many_sets")
    try:
        sets = parse_document(document)
    except CriteriaSetError as exc:
        raise Refused("yaml", "criteria_set_invalid", vietnamese_error(str(exc))) from None
    shipped_ids = {s.id for s in shipped}
    seen: set[str] = set()
    for n, criteria in enumerate(sets):
        where = f"[{n}].id" if isinstance(document, list) else "id"
        if not SET_ID.match(criteria.id):
            raise Refused("yaml", "criteria_set_id_format", f"Tại {where}.")
        if criteria.id in shipped_ids:
            raise Refused("yaml", "criteria_set_id_shipped", f"Tại {where}: {criteria.id}.")
        if criteria.id in seen:
            raise Refused("yaml", "criteria_set_id_twice", f"Tại {where}: {criteria.id}.")
        seen.add(criteria.id)
    return sets


def validate(text: str, shipped: Sequence[CriteriaSet]) -> list[CriteriaSet]:
    """The dry run: the sets the document holds, or the refusal an upload would meet."""
    return read_document(text, shipped)


# --- use cases -----------------------------------------------------------------------------------


def upload(
    store: CriteriaSetStore,
    text: str,
    shipped: Sequence[CriteriaSet],
    file_sets: Sequence[CriteriaSet],
    by: str | None,
    now: datetime,
) -> list[StoredSet]:
    """Keep each set of the document as the next version of its id, as a draft."""
    sets = read_document(text, shipped)
    file_ids = {s.id for s in file_sets}
    stored = []
    for position, criteria in enumerate(sets):
        existing = store.versions(criteria.id, MAX_VERSIONS)
        floor = FILE_VERSION if criteria.id in file_ids else 0
        version = max([floor, *existing]) + 1
        for _ in range(ATTEMPTS):
            if version > MAX_VERSIONS:
                raise Refused("yaml", "criteria_set_too_many_versions")
            record = StoredSet(
                set_id=criteria.id,
                version=version,
                title=criteria.title,
                yaml=text,
                position=position,
                uploaded_by=by,
                uploaded_at=now.isoformat(),
            )
            if store.add(record):
                stored.append(record)
                break
            version += 1  # another upload took this number meanwhile
        else:
            raise Refused("yaml", "criteria_set_too_many_versions")
    return stored


def activate(
    store: CriteriaSetStore,
    set_id: str,
    version: int,
    from_year: int,
    by: str | None,
    now: datetime,
) -> StoredSet:
    """Put a stored version in force from ``from_year`` on: versions of the same id activated
    from that year or later are superseded, earlier ones keep the years before."""
    if not YEARS[0] <= from_year <= YEARS[1]:
        raise Refused("effective_from_year", "year_out_of_range")
    record = store.get(set_id, version)
    if record is None:
        raise Refused("version", "criteria_set_not_found")
    criteria = parsed(record)
    if criteria.valid_to is not None and from_year > criteria.valid_to:
        raise Refused("effective_from_year", "after_set_validity", f"({criteria.valid_to})")
    wanted = Activation(set_id, version, from_year)
    for _ in range(ATTEMPTS):
        current = store.active()
        if wanted in current.activations:
            return record  # already so: nothing changes
        kept = tuple(
            a for a in current.activations if a.set_id != set_id or a.from_year < from_year
        )
        if store.swap_active(current.stamp, ActiveSets(uuid.uuid4().hex, (*kept, wanted))):
            break
    else:
        raise Refused("version", "criteria_set_busy")
    record = replace(record, activated_by=by, activated_at=now.isoformat())  # the latest
    store.mark_activated(record)
    return record


def status(record: StoredSet, active: ActiveSets) -> str:
    if any((a.set_id, a.version) == (record.set_id, record.version) for a in active.activations):
        return ACTIVE
    return SUPERSEDED if record.activated_at else DRAFT


def listing(store: CriteriaSetStore) -> list[dict[str, Any]]:
    """The tenant's stored versions (newest first per set), each with its status and the years
    it is activated from; no YAML."""
    active = store.active()
    records = sorted(store.all(), key=lambda r: (r.set_id, -r.version))
    return [describe(r, active) for r in records]


def get(store: CriteriaSetStore, set_id: str, version: int) -> dict[str, Any] | None:
    record = store.get(set_id, version)
    return {**describe(record, store.active()), "yaml": record.yaml} if record else None


def describe(record: StoredSet, active: ActiveSets) -> dict[str, Any]:
    criteria = parsed(record)
    return {
        "set_id": record.set_id,
        "version": record.version,
        "title": record.title,
        "status": status(record, active),
        "effective_from_years": [
            a.from_year for a in active.versions_of(record.set_id) if a.version == record.version
        ],
        "valid_from": criteria.valid_from,
        "valid_to": criteria.valid_to,
        "group": criteria.group,
        "level": criteria.level,
        "provisional": criteria.provisional,
        "provisional_reason": criteria.provisional_reason,
        "uploaded_by": record.uploaded_by,
        "uploaded_at": record.uploaded_at,
        "activated_by": record.activated_by,
        "activated_at": record.activated_at,
    }


# --- the sets in force ---------------------------------------------------------------------------


def _window(criteria: CriteriaSet, first: int | None, last: int | None) -> CriteriaSet | None:
    """The set restricted to the years [first, last] (None: no bound); None when empty."""
    start = max(criteria.valid_from, first) if first is not None else criteria.valid_from
    ends = [y for y in (criteria.valid_to, last) if y is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return replace(criteria, valid_from=start, valid_to=end)


def in_force(
    active: ActiveSets,
    stored: Mapping[tuple[str, int], CriteriaSet],
    file_sets: Sequence[CriteriaSet],
) -> list[CriteriaSet]:
    """The province's own sets for selection: its activated versions, each for the years from
    its activation to the next one's, then its file sets for the years before any activation
    of their id. (Shipped sets go after these: ``select`` prefers earlier ones.)"""
    own: list[CriteriaSet] = []
    first_from: dict[str, int] = {}
    for set_id in sorted({a.set_id for a in active.activations}):
        chain = active.versions_of(set_id)
        first_from[set_id] = chain[0].from_year
        for n, activation in enumerate(chain):
            last = chain[n + 1].from_year - 1 if n + 1 < len(chain) else None
            base = stored.get((set_id, activation.version))
            windowed = _window(base, activation.from_year, last) if base else None
            if windowed is not None:
                own.append(windowed)
    for criteria in file_sets:
        cut = first_from.get(criteria.id)
        windowed = _window(criteria, None, cut - 1) if cut is not None else criteria
        if windowed is not None:
            own.append(windowed)
    return own


class TenantSets(list[CriteriaSet]):
    """A tenant's sets in selection order (own, then shipped) that also finds any stored
    version a verdict was judged under, active or not (``judged_under``)."""

    def __init__(
        self,
        sets: Iterable[CriteriaSet],
        fetch: Callable[[str, int], CriteriaSet | None] | None = None,
    ) -> None:
        super().__init__(sets)
        self.fetch = fetch


def judged_under(sets: Sequence[CriteriaSet], judged: Mapping[str, Any]) -> CriteriaSet | None:
    """The exact set a stage record (or a verdict) was judged under: its ``set_id`` at its
    ``set_version`` (none recorded: version 1, a shipped or file set)."""
    set_id = judged.get("set_id")
    version = judged.get("set_version") or FILE_VERSION
    found = next((s for s in sets if s.id == set_id and version_of(s) == version), None)
    if found is None and isinstance(sets, TenantSets) and sets.fetch and set_id:
        found = sets.fetch(str(set_id), int(version))
    return found


class SetCache:
    """Per process: each tenant's active sets, parsed once, read again only when the tenant's
    stamp changed. Keyed by the caller's key (database and tenant), so two databases of one
    process (tests) never share an entry."""

    def __init__(self) -> None:
        self._active: dict[Any, tuple[str, list[CriteriaSet]]] = {}
        self._parsed: dict[Any, CriteriaSet | None] = {}

    def sets(
        self,
        key: Any,
        store: CriteriaSetStore,
        file_sets: Sequence[CriteriaSet],
        shipped: Sequence[CriteriaSet],
    ) -> TenantSets:
        active = store.active()  # one read by _id: the cost of "no restart"
        cached = self._active.get(key)
        if cached is None or cached[0] != active.stamp:
            wanted = sorted({(a.set_id, a.version) for a in active.activations})
            records = store.get_many(wanted)
            stored = {(r.set_id, r.version): self._parse(key, r) for r in records}
            parsed = {k: v for k, v in stored.items() if v is not None}
            cached = (active.stamp, in_force(active, parsed, file_sets))
            self._active[key] = cached

        def fetch(set_id: str, version: int) -> CriteriaSet | None:
            if (key, set_id, version) not in self._parsed:
                record = store.get(set_id, version)
                return self._parse(key, record) if record else None
            return self._parsed[(key, set_id, version)]

        return TenantSets([*cached[1], *shipped], fetch)

    def _parse(self, key: Any, record: StoredSet) -> CriteriaSet | None:
        ident = (key, record.set_id, record.version)
        if ident not in self._parsed:
            try:
                self._parsed[ident] = parsed(record)
            except (CriteriaSetError, yaml.YAMLError, IndexError):
                self._parsed[ident] = None  # stored before a rule tightened: skip it
        return self._parsed[ident]


def figures_provisional(sets: Sequence[CriteriaSet], title: str, year: int) -> dict[str, Any]:
    """Whether a title's figures for a year rest on a provisional set: the sets selection would
    use for it (one per group the sets in force name), from the sets alone."""
    level = TITLE_LEVEL.get(title)
    groups = {s.group for s in sets if s.title == title and s.in_force(year)}
    used: list[CriteriaSet] = []
    for group in sorted(groups, key=lambda g: g or ""):
        chosen = select(sets, title, year, group=group, level=level)
        if chosen is not None and all(chosen is not u for u in used):
            used.append(chosen)
    provisional = [s for s in used if s.provisional]
    reasons = list(dict.fromkeys(s.provisional_reason for s in provisional if s.provisional_reason))
    return {
        "provisional": bool(provisional),
        "provisional_reason": " ".join(reasons) or None,
        "set_ids": [s.id for s in used],
    }


# --- CriteriaSetError (English, for developers) in Vietnamese, for a province's officer ----------

_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    (r"is required when provisional is true.*", "bắt buộc khi provisional là true (ghi rõ lý do)"),
    (r"is required", "bắt buộc phải có"),
    (r"must be a mapping", "phải là một nhóm trường dạng khóa: giá trị"),
    (r"must be a non-empty string or null", "phải là chuỗi ký tự không rỗng hoặc null"),
    (r"must be a non-empty string", "phải là chuỗi ký tự không rỗng"),
    (r"must be a positive integer or null", "phải là số nguyên dương hoặc null"),
    (r"must be a positive integer", "phải là số nguyên dương"),
    (r"must be a non-negative integer or null", "phải là số nguyên không âm hoặc null"),
    (r"must be a non-negative integer", "phải là số nguyên không âm"),
    (r"must be true or false", "phải là true hoặc false"),
    (r"must be a date.*", "phải là ngày dạng YYYY-MM-DD hoặc null"),
    (r"must be a non-empty list", "phải là danh sách không rỗng"),
    (r"must be a list", "phải là danh sách"),
    (
        r"must be (\d+): levels are numbered.*",
        r"phải là \1: các mức độ đánh số 1, 2, … theo thứ tự",
    ),
    (r"must not fall as the level rises", "không được giảm khi mức độ tăng"),
    (
        r"must give a target \(or null\) for each level (.*)",
        r"phải có mức yêu cầu (hoặc null) cho từng mức độ \1",
    ),
    (r"must be a share between 0 and 1, or null", "phải là tỉ lệ từ 0 đến 1, hoặc null"),
    (
        r"a higher level cannot have a lower target",
        "mức độ cao hơn không được có mức yêu cầu thấp hơn",
    ),
    (r"must be one of the set's levels (.*)", r"phải là một trong các mức độ của bộ tiêu chí \1"),
    (r"must be one of (.*)", r"phải là một trong \1"),
    (
        r"points indicators count towards every level.*",
        "chỉ số chấm điểm tính cho mọi mức độ: phải là 1",
    ),
    (r"must not exceed max_points \((\d+)\)", r"không được vượt quá max_points (\1)"),
    (r"must not exceed total_points \((\d+)\)", r"không được vượt quá total_points (\1)"),
    (r"must not exceed (\d+)", r"không được vượt quá \1"),
    (r"is (\d+) but its indicators add up to (\d+)", r"là \1 nhưng điểm các chỉ số cộng lại là \2"),
    (r"is (\d+) but the criteria add up to (\d+)", r"là \1 nhưng điểm các tiêu chí cộng lại là \2"),
    (r"duplicate id (.*)", r"mã \1 bị trùng"),
    (
        r"only a set with points indicators has pass marks per level",
        "chỉ bộ tiêu chí có chỉ số chấm điểm mới có điểm đạt theo mức độ",
    ),
    (
        r"only a set with points indicators has points",
        "chỉ bộ tiêu chí có chỉ số chấm điểm mới có điểm",
    ),
    (r"must not be before valid_from \((\d+)\)", r"không được trước valid_from (\1)"),
    (r"only a provisional set has one", "chỉ bộ tiêu chí tạm thời (provisional: true) mới có"),
)
_PATH = re.compile(r"^((?:[^:\s]*\[\d+\]: )?)([^:\s]+): (.*)$", re.DOTALL)


def vietnamese_error(message: str) -> str:
    """``criteria[0].indicators[1].max_points: must be a positive integer or null`` →
    ``Tại criteria[0].indicators[1].max_points: phải là số nguyên dương hoặc null.``"""
    found = _PATH.match(message)
    if not found:
        return "Nội dung không đúng cấu trúc bộ tiêu chí."
    prefix, path, problem = found.groups()
    path = f"{prefix.rstrip(': ')}.{path}" if prefix else path
    path = path.lstrip(".")
    for pattern, wording in _TRANSLATIONS:
        matched = re.fullmatch(pattern, problem.strip(), re.DOTALL)
        if matched:
            return f"Tại {path}: {matched.expand(wording)}."
    return f"Tại {path}: giá trị không hợp lệ."
