"""A commune's (or a district's, a province's) hamlets from a spreadsheet: commune code, name,
kind. Every row is checked first (the commune in the caller's subtree, a name); a file with any
problem creates nothing; then each row is created like ``createHamlet`` (the same name again
finds the existing hamlet)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import Column, Layout, write_workbook
from khuyenhoc.tenancy import UnitPath
from services.registration.directory.hamlets import HAMLET_KIND_NAMES, create_hamlet, hamlet_key
from services.registration.errors import Refused
from services.registration.lists.checked_sheet import Wording, checked_rows, within

if TYPE_CHECKING:
    from services.registration.directory.hamlets_store import Hamlets
    from services.registration.directory.store import DirectoryStore

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

    def check(values: dict[str, Any]) -> dict[str, Any]:
        data = read_row({**values, "tenant": directory.tenant})
        commune = directory.get(data["commune_code"], today)
        if commune is None or commune.get("level") != "commune":
            raise Refused("commune_code", "commune_not_found")
        if not within(scope, commune["path"]):
            raise Refused("commune_code", "commune_not_found")
        if not hamlet_key(data["name"]):
            raise Refused("name", "blank")
        return data

    accepted, problems = checked_rows(
        COLUMNS, file_name, content, check, wording, {"commune_code": "communeCode"}
    )
    if problems:
        return 0, 0, problems
    created = existing = 0
    for data in accepted:
        _, new = create_hamlet(
            directory, hamlets, data["commune_code"], data["name"], data.get("kind"), on=today
        )
        created, existing = created + int(new), existing + int(not new)
    return created, existing, []
