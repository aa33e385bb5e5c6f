"""A commune's (or a district's, a province's) hamlets from a spreadsheet: commune code, name,
kind. Every row is checked first (the commune in the caller's subtree, a name); a file with any
problem creates nothing; then each row is created like ``createHamlet`` (the same name again
finds the existing hamlet)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import Column, Layout, SpreadsheetError, read_all, reason_text, write_workbook
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.directory.hamlets import HAMLET_KIND_NAMES, create_hamlet, hamlet_key
from services.registration.errors import Refused

if TYPE_CHECKING:
    from services.registration.directory.hamlets_store import Hamlets
    from services.registration.directory.store import DirectoryStore

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 200
TITLE = "DANH SÁCH THÔN, BẢN, ẤP, TỔ DÂN PHỐ, KHU PHỐ"
NOTE = "Mỗi dòng là một thôn, tổ dân phố. Tệp có lỗi thì không dòng nào được ghi."

KINDS = {label: value for value, label in HAMLET_KIND_NAMES.items()} | {
    "Xóm": "thon",
    "TDP": "to_dan_pho",
    "Khu dân cư": "khu_pho",
}
COLUMNS = Layout(
    (
        Column(
            "communeCode",
            ("Mã xã", "Mã xã/phường", "Mã phường", "Mã đơn vị"),
            True,
            "text",
            filled=True,
            example="06184",
        ),
        Column(
            "name",
            ("Tên thôn, tổ dân phố", "Tên thôn", "Thôn, tổ dân phố", "Tên"),
            True,
            "text",
            filled=True,
            example="Thôn Đông",
        ),
        Column("kind", ("Loại", "Loại thôn"), False, "choice", KINDS, example="Thôn"),
    )
)

RowSchema = Callable[[dict[str, Any]], dict[str, Any]]
Wording = Callable[[Refused], InvalidInput]


def template() -> bytes:
    return write_workbook(TITLE, COLUMNS, notes=[NOTE], example=True, guide=TITLE)


def import_sheet(
    directory: DirectoryStore,
    hamlets: Hamlets,
    read_row: RowSchema,
    wording: Wording,
    file_name: str,
    content: bytes,
    scope: UnitPath,
    today: date | None = None,
) -> tuple[int, int, list[str]]:
    """(hamlets created, found already, []) or (0, 0, Vietnamese problems) with nothing made."""
    today = today or date.today()
    if len(content) > MAX_BYTES:
        raise Refused("content", "file_too_large")
    try:
        headers, rows = read_all(
            content, file_name, COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES
        )
    except SpreadsheetError as exc:
        raise Refused("content", exc.key, text=str(exc)) from exc
    problems: list[str] = []
    accepted: list[dict[str, Any]] = []
    for row in rows:
        if len(problems) >= MAX_ERRORS:
            break
        if row.problems:
            problems += [f"Dòng {row.number}, cột {h}: {reason_text(r)}" for h, r in row.problems]
            continue
        values = {k: v for k, v in row.values.items() if v is not None}
        try:
            data = read_row({**values, "tenant": directory.tenant})
            commune = directory.get(data["commune_code"], today)
            if commune is None or commune.get("level") != "commune" or not _within(scope, commune):
                raise Refused("commune_code", "commune_not_found")
            if not hamlet_key(data["name"]):
                raise Refused("name", "blank")
        except InvalidInput as exc:
            problems += [_problem(row.number, headers, e.field, e.message) for e in exc.errors]
            continue
        except Refused as exc:
            problems += [
                _problem(row.number, headers, e.field, e.message) for e in wording(exc).errors
            ]
            continue
        accepted.append(data)
    if problems:
        return 0, 0, problems[:MAX_ERRORS]
    created = existing = 0
    for data in accepted:
        _, new = create_hamlet(
            directory, hamlets, data["commune_code"], data["name"], data.get("kind"), on=today
        )
        created, existing = created + int(new), existing + int(not new)
    return created, existing, []


def _within(scope: UnitPath, unit: Mapping[str, Any]) -> bool:
    text, path = str(scope), str(unit["path"])
    return path == text or path.startswith(text + "/")


def _problem(number: int, headers: Mapping[str, str], field: str, message: str) -> str:
    wire = {"commune_code": "communeCode"}.get(field, field)
    column = COLUMNS.by_field.get(wire)
    header = headers.get(wire) or (column.header if column is not None else wire)
    return f"Dòng {number}, cột {header}: {message}"
