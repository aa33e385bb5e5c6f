"""The officers' paper record: a unit's registrations for a year as an .xlsx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from services.registration.lists.writing import export_rows

if TYPE_CHECKING:
    from services.registration.store import Registrations

COLUMNS = (
    ("number", "STT"),
    ("name", "Họ tên / Tên"),
    ("kind", "Loại"),
    ("title", "Danh hiệu"),
    ("address", "Thôn/Tổ dân phố"),
    ("status", "Trạng thái"),
    ("enrolment", "Mã đăng ký"),
)
KIND_LABELS = {
    "household": "Hộ gia đình",
    "clan": "Dòng họ",
    "community": "Thôn/Tổ dân phố",
    "learning_unit": "Đơn vị",
    "citizen": "Công dân",
}
TITLE_LABELS = {
    "FAMILY": "Gia đình học tập",
    "CLAN": "Dòng họ học tập",
    "COMMUNITY": "Cộng đồng học tập",
    "UNIT": "Đơn vị học tập",
    "CITIZEN": "Công dân học tập",
    "COMMUNE_COMMUNITY": "Cộng đồng học tập cấp xã",
}
STATUS_LABELS = {"ENROLLED": "Đã đăng ký", "WITHDRAWN": "Đã rút đăng ký"}
PAGE = 1000


def registrations_workbook(registrations: Registrations, path: UnitPath, year: int) -> bytes:
    title = f"DANH SÁCH ĐĂNG KÝ DANH HIỆU HỌC TẬP NĂM {year} — ĐƠN VỊ {path.code}"
    return export_rows(title, COLUMNS, _rows(registrations, path, year))


def _rows(registrations: Registrations, path: UnitPath, year: int) -> Iterator[list[Any]]:
    number, after = 0, None
    while True:
        page = registrations.list_enrolments(path, year, None, None, None, after, PAGE)
        if not page:
            return
        details = registrations.subject_details([e["subject_id"] for e in page])
        for enrolment in page:
            number += 1
            subject = details.get(enrolment["subject_id"], {})
            yield [
                number,
                enrolment.get("name"),
                KIND_LABELS.get(enrolment["subject_kind"]),
                TITLE_LABELS.get(enrolment["title"]),
                subject.get("address"),
                STATUS_LABELS.get(enrolment["status"], enrolment["status"]),
                enrolment["_id"],
            ]
        after = page[-1]["_id"]
