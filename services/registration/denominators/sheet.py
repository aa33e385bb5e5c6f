"""Denominators from a spreadsheet: one row per unit and year, Vietnamese headers, the same
rules as an officer's entry (``setDenominators``) row by row. A file with any problem changes
nothing: every row is checked first, then all are written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import Column, Layout, write_workbook
from khuyenhoc.tenancy import UnitPath
from services.registration.denominators.domain import FIGURES, entry_document, entry_id
from services.registration.denominators.service import entry_unit
from services.registration.errors import Refused
from services.registration.lists.checked_sheet import Wording, checked_rows, within

if TYPE_CHECKING:
    from services.registration.denominators.store import Denominators
    from services.registration.directory.store import DirectoryStore

TITLE = "SỐ LIỆU DÂN SỐ, HỘ GIA ĐÌNH VÀ CÁC ĐƠN VỊ (MẪU SỐ CỦA CÁC CHỈ TIÊU)"
NOTE = (
    "Mỗi dòng là số liệu của một đơn vị trong một năm. Ô để trống giữ nguyên số liệu đã có. "
    "Cột Nguồn số liệu là bắt buộc. Tệp có lỗi thì không dòng nào được ghi."
)


def _int(field: str, header: str, *aliases: str, example: int) -> Column:
    return Column(field, (header, *aliases), False, "int", example=example)


COLUMNS = Layout(
    (
        Column(
            "unitCode",
            ("Mã đơn vị", "Mã ĐVHC", "Mã xã", "Mã"),
            True,
            "text",
            filled=True,
            example="06184",
        ),
        Column("year", ("Năm", "Năm số liệu"), True, "year", filled=True, example=2024),
        _int("population", "Dân số", "Dân số (người)", "Số dân", "Số nhân khẩu", example=12345),
        _int("households", "Số hộ gia đình", "Số hộ", "Hộ gia đình", example=3200),
        _int("adults", "Số người lớn", "Người lớn", example=8000),
        _int("clans", "Số dòng họ", "Dòng họ", example=25),
        _int(
            "hamlets",
            "Số thôn, tổ dân phố",
            "Số thôn",
            "Số tổ dân phố",
            "Thôn, tổ dân phố",
            example=12,
        ),
        _int(
            "units",
            "Số cơ quan, trường học, doanh nghiệp",
            "Số cơ quan, đơn vị",
            "Số đơn vị",
            example=18,
        ),
        _int(
            "staff",
            "Số cán bộ, công chức, viên chức, người lao động",
            "Số cán bộ",
            "Số CBCCVC",
            example=420,
        ),
        Column(
            "mountain",
            ("Vùng miền núi", "Miền núi", "Vùng đặc biệt khó khăn"),
            False,
            "bool",
            example="Không",
        ),
        Column(
            "source",
            ("Nguồn số liệu", "Nguồn"),
            True,
            "text",
            filled=True,
            example="Niên giám thống kê tỉnh 2024",
        ),
        Column(
            "asOf", ("Ngày số liệu", "Ngày", "Tính đến ngày"), False, "date", example="31/12/2024"
        ),
    )
)


def template() -> bytes:
    return write_workbook(TITLE, COLUMNS, notes=[NOTE], example=True, guide=TITLE)


RowSchema = Callable[[dict[str, Any]], dict[str, Any]]
"""The edge's validation of one row (the ``setDenominators`` schema), passed in."""


def import_sheet(
    directory: DirectoryStore,
    store: Denominators,
    read_row: RowSchema,
    wording: Wording,
    file_name: str,
    content: bytes,
    scope: UnitPath,
    today: date | None = None,
) -> tuple[int, list[str]]:
    """Read and check every row; with no problem, write them all and answer (rows, []);
    else write nothing and answer (0, Vietnamese problems "Dòng n, cột …: …")."""
    today = today or date.today()

    def check(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        data = read_row({**values, "tenant": directory.tenant})
        unit = entry_unit(directory, data["unit_code"], data["year"])
        if not within(scope, unit["path"]):
            raise Refused("unit_code", "unit_not_found")
        return data, unit

    accepted, problems = checked_rows(
        COLUMNS, file_name, content, check, wording, {"unit_code": "unitCode", "as_of": "asOf"}
    )
    if problems:
        return 0, problems
    documents: dict[str, dict[str, Any]] = {}
    for data, unit in accepted:  # a later row of the same unit and year updates the earlier
        key = entry_id(directory.tenant, unit["path"], data["year"])
        existing = documents.get(key) or store.get(key)
        figures = {f: data.get(f) for f in FIGURES}
        documents[key] = entry_document(
            existing,
            unit,
            data["year"],
            figures,
            data["source"],
            data.get("as_of") or today,
            data.get("mountain"),
        )
    store.put_many(list(documents.values()))
    return len(documents), []
