"""The columns of each kind of registration list: fields, headers as templates write them and
as real files spell them, allowed choices, and the example row of each template (read and
written by the shared toolkit, ``khuyenhoc.sheets``)."""

from __future__ import annotations

import dataclasses

from khuyenhoc.sheets import Column, Layout

SUBJECT_KINDS = ("household", "clan", "community", "learning_unit", "citizen")


def _text(field: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(field, (header, *aliases), required, "text")


def _typed(value: str, field: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(field, (header, *aliases), required, value)


def _choice(
    field: str, header: str, choices: dict[str, str], *aliases: str, required: bool = False
) -> Column:
    return Column(field, (header, *aliases), required, "choice", choices)


_ADDRESS_ALIASES = ("Thôn", "Tổ dân phố", "Khu phố", "Địa chỉ", "Thôn, bản", "Thôn/Xóm", "Xóm")

# In each choices dict the first label of a value is the one templates offer; the others are
# spellings seen in real files.
UNIT_KINDS = {
    "Cơ quan": "agency",
    "Cơ quan, đơn vị": "agency",
    "Trường học": "school",
    "Trường": "school",
    "Nhà trường": "school",
    "Doanh nghiệp": "enterprise",
    "Công ty": "enterprise",
    "Đơn vị lực lượng vũ trang": "armed_forces",
    "Lực lượng vũ trang": "armed_forces",
    "LLVT": "armed_forces",
    "Đơn vị LLVT": "armed_forces",
}
UNIT_LEVELS = {
    "Xã": "commune",
    "Cấp xã": "commune",
    "Phường": "commune",
    "Thị trấn": "commune",
    "Huyện": "district",
    "Cấp huyện": "district",
    "Quận": "district",
    "Thị xã": "district",
}
LABOUR_GROUPS = {
    "Nông dân và lao động nông thôn": "rural",
    "Nông dân": "rural",
    "Lao động nông thôn": "rural",
    "Công nhân và lao động khác": "worker",
    "Công nhân": "worker",
    "Lao động khác": "worker",
    "Trình độ cao đẳng trở lên, cán bộ, công chức, viên chức, doanh nhân": "professional",
    "Cán bộ, công chức, viên chức": "professional",
    "CBCCVC": "professional",
    "Doanh nhân": "professional",
    "Trình độ cao đẳng trở lên": "professional",
}

_COLUMNS: dict[str, tuple[Column, ...]] = {
    "household": (
        _text(
            "headName",
            "Họ và tên chủ hộ",
            "Chủ hộ",
            "Họ tên chủ hộ",
            "Họ và tên",
            "Họ tên",
            "Tên chủ hộ",
            required=True,
        ),
        _typed("year", "headBirthYear", "Năm sinh", "Năm sinh chủ hộ"),
        _text("address", "Thôn/Tổ dân phố", *_ADDRESS_ALIASES, required=True),
        _typed("phone", "phone", "Số điện thoại", "SĐT", "Điện thoại", "Số ĐT"),
        _typed("int", "size", "Số nhân khẩu", "Nhân khẩu", "Số người", "Số khẩu"),
        _typed("int", "learners", "Số người đang đi học", "Số người đi học"),
    ),
    "clan": (
        _text("clanName", "Tên dòng họ", "Dòng họ", "Họ", required=True),
        _text(
            "headName", "Trưởng tộc", "Trưởng họ", "Tộc trưởng", "Họ tên trưởng tộc", required=True
        ),
        _typed("int", "households", "Số hộ", "Số hộ gia đình"),
        _typed("int", "people", "Số nhân khẩu", "Nhân khẩu", "Số khẩu"),
        _text("address", "Thôn/Tổ dân phố", *_ADDRESS_ALIASES),
    ),
    "community": (
        _text(
            "name",
            "Tên thôn/Tổ dân phố",
            "Thôn",
            "Tổ dân phố",
            "Cộng đồng",
            "Thôn/Tổ dân phố",
            "Tên thôn",
            "Thôn, bản",
            "Khu phố",
            required=True,
        ),
        _typed("int", "households", "Số hộ", "Số hộ gia đình"),
    ),
    "learning_unit": (
        _text("name", "Tên đơn vị", "Đơn vị", "Tên cơ quan, đơn vị", required=True),
        _choice("unitKind", "Loại đơn vị", UNIT_KINDS, "Loại hình", required=True),
        _choice("level", "Cấp", UNIT_LEVELS, "Cấp quản lý"),
        _typed("int", "staff", "Số cán bộ, nhân viên", "Số CBNV", "Số người", "Số CB, NV"),
    ),
    "citizen": (
        _text("fullName", "Họ và tên", "Họ tên", "Họ và tên công dân", required=True),
        _typed("year", "birthYear", "Năm sinh", required=True),
        _typed(
            "digits",
            "nationalId",
            "Số CCCD",
            "CCCD",
            "Số căn cước",
            "Căn cước công dân",
            "CMND",
            "Số CMND/CCCD",
            "Số định danh cá nhân",
            required=True,
        ),
        _choice("labourGroup", "Nhóm lao động", LABOUR_GROUPS, "Đối tượng", required=True),
        _text("address", "Thôn/Tổ dân phố", *_ADDRESS_ALIASES),
        _typed("phone", "phone", "Số điện thoại", "SĐT", "Điện thoại", "Số ĐT"),
    ),
}

TITLES = {
    "household": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP",
    "clan": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG DÒNG HỌ HỌC TẬP",
    "community": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG CỘNG ĐỒNG HỌC TẬP CẤP THÔN, TỔ DÂN PHỐ",
    "learning_unit": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG ĐƠN VỊ HỌC TẬP",
    "citizen": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG CÔNG DÂN HỌC TẬP",
}
KIND_LABELS = {
    "household": "Gia đình học tập",
    "clan": "Dòng họ học tập",
    "community": "Cộng đồng học tập",
    "learning_unit": "Đơn vị học tập",
    "citizen": "Công dân học tập",
}
# One example row per kind, written in the template; it must read back without problems.
EXAMPLES: dict[str, dict[str, object]] = {
    "household": {
        "headName": "Nguyễn Văn An",
        "headBirthYear": 1978,
        "address": "Thôn Đông",
        "phone": "0912345678",
        "size": 4,
        "learners": 2,
    },
    "clan": {
        "clanName": "Họ Nguyễn",
        "headName": "Nguyễn Văn Bình",
        "households": 45,
        "people": 180,
        "address": "Thôn Đông",
    },
    "community": {"name": "Thôn Đông", "households": 215},
    "learning_unit": {
        "name": "Trường Tiểu học Kim Đồng",
        "unitKind": "Trường học",
        "level": "Xã",
        "staff": 32,
    },
    "citizen": {
        "fullName": "Trần Thị Mai",
        "birthYear": 1990,
        "nationalId": "001190012345",
        "labourGroup": "Nông dân và lao động nông thôn",
        "address": "Thôn Đông",
        "phone": "0987654321",
    },
}

# The columns with their examples, checked once (no header or label meaning two things).
COLUMNS: dict[str, tuple[Column, ...]] = {
    kind: tuple(dataclasses.replace(c, example=EXAMPLES[kind][c.field]) for c in columns)
    for kind, columns in _COLUMNS.items()
}
LAYOUTS = {kind: Layout(columns) for kind, columns in COLUMNS.items()}


def columns_of(kind: str) -> Layout:
    try:
        return LAYOUTS[kind]
    except KeyError:
        raise ValueError(f"unknown subject kind {kind!r}; one of {SUBJECT_KINDS}") from None


def header_of(kind: str, field: str) -> str:
    """The template header for a field, to name a column in messages and exports."""
    try:
        return columns_of(kind).header_of(field)
    except KeyError:
        raise KeyError(f"{kind} has no field {field!r}") from None
