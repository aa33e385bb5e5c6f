"""marshmallow schemas at registration's edge: what a client may send, in Vietnamese errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from khuyenhoc.text import clean
from khuyenhoc.validation import MessageCatalogue, field_messages
from services.registration.branches import BranchKind
from services.registration.domain import Household, Member, registration_years

MESSAGES = MessageCatalogue(
    {
        "blank": "Không được để trống.",
        "too_long": "Quá dài: tối đa 120 ký tự.",
        "tenant_format": "Mã tỉnh phải gồm 2 chữ số.",
        "commune_format": "Mã xã/phường/thị trấn phải gồm 5 chữ số.",
        "commune_not_found": "Không tìm thấy xã/phường/thị trấn này trong tỉnh đã chọn.",
        "year_range": "Năm đăng ký phải từ năm 2000 đến năm sau năm hiện tại.",
        "birth_year_range": "Năm sinh không hợp lệ.",
        "phone_format": "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678).",
        "too_many_members": "Một hộ gia đình có tối đa 30 thành viên.",
        "branch_format": "Mã chi hội không hợp lệ.",
        "branch_not_found": "Không tìm thấy chi hội này trong tỉnh đã chọn.",
        "branch_kind": "Loại chi hội phải là một trong: residential, school, clan, agency, board.",
        "name_taken": "Xã này đã có một chi hội đang hoạt động với tên này.",
        "branch_closed": "Chi hội này đã giải thể.",
        "date_before_opening": "Ngày này sớm hơn ngày thành lập chi hội.",
        "member_count_range": "Số hội viên phải từ 0 đến 1.000.000.",
        "date_format": "Ngày phải có dạng YYYY-MM-DD.",
    }
)
_BASE = field_messages(MESSAGES)


class Text(fields.String):
    """A string stored in NFC with whitespace tidied, so equal names compare equal."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return clean(super()._deserialize(value, attr, data, **kwargs))


def _name(required: bool = True, **kwargs: Any) -> Text:
    return Text(
        required=required,
        error_messages=_BASE,
        validate=[
            validate.Length(min=1, error=MESSAGES["blank"]),
            validate.Length(max=120, error=MESSAGES["too_long"]),
        ],
        **kwargs,
    )


def _check_registration_year(year: int) -> None:
    if year not in registration_years(date.today()):
        raise ValidationError(MESSAGES["year_range"])


def _check_birth_year(year: int | None) -> None:
    if year is not None and not 1900 <= year <= date.today().year:
        raise ValidationError(MESSAGES["birth_year_range"])


class EdgeSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": MESSAGES["unknown_field"], "type": MESSAGES["invalid_input"]}


class MemberSchema(EdgeSchema):
    name = _name()
    relation = _name()
    birth_year = fields.Integer(
        data_key="birthYear",
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages=_BASE,
        validate=_check_birth_year,
    )
    learning = fields.Boolean(load_default=False, error_messages=_BASE)

    @post_load
    def to_member(self, data: dict[str, Any], **kwargs: Any) -> Member:
        return Member(**data)


class RegisterHouseholdSchema(EdgeSchema):
    """``registerHousehold`` input; the commune's existence is the service layer's check."""

    tenant = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{2}$", error=MESSAGES["tenant_format"]),
    )
    commune_code = fields.String(
        data_key="communeCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}$", error=MESSAGES["commune_format"]),
    )
    head_name = _name(data_key="headName")
    address = _name()
    members = fields.List(
        fields.Nested(MemberSchema, error_messages=_BASE),
        load_default=list,
        error_messages=_BASE,
        validate=validate.Length(max=30, error=MESSAGES["too_many_members"]),
    )
    phone = fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^(0|\+84)[0-9]{9,10}$", error=MESSAGES["phone_format"]),
    )
    year = fields.Integer(
        required=True, strict=True, error_messages=_BASE, validate=_check_registration_year
    )

    @post_load
    def to_command(self, data: dict[str, Any], **kwargs: Any) -> tuple[Household, int]:
        year = data.pop("year")
        data["members"] = tuple(data["members"])
        return Household(**data), year


def _tenant() -> fields.String:
    return fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{2}$", error=MESSAGES["tenant_format"]),
    )


def _branch_code() -> fields.String:
    return fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}-[0-9]{3}$", error=MESSAGES["branch_format"]),
    )


def _day(**kwargs: Any) -> fields.Date:
    return fields.Date(error_messages={**_BASE, "invalid": MESSAGES["date_format"]}, **kwargs)


class CreateBranchSchema(EdgeSchema):
    tenant = _tenant()
    commune_code = fields.String(
        data_key="communeCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}$", error=MESSAGES["commune_format"]),
    )
    name = _name()
    kind = fields.Enum(
        BranchKind,
        by_value=True,
        required=True,
        error_messages={**_BASE, "unknown": MESSAGES["branch_kind"]},
    )
    opened_on = _day(data_key="openedOn", load_default=None)


class RenameBranchSchema(EdgeSchema):
    tenant = _tenant()
    code = _branch_code()
    name = _name()
    on = _day(load_default=None)


class CloseBranchSchema(EdgeSchema):
    tenant = _tenant()
    code = _branch_code()
    on = _day(required=True)


class BranchMembersSchema(EdgeSchema):
    tenant = _tenant()
    code = _branch_code()
    year = fields.Integer(
        required=True, strict=True, error_messages=_BASE, validate=_check_registration_year
    )
    count = fields.Integer(
        required=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(0, 1_000_000, error=MESSAGES["member_count_range"]),
    )
