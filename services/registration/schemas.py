"""marshmallow schemas at registration's edge: what a client may send, in Vietnamese errors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from khuyenhoc.text import clean
from khuyenhoc.validation import (
    Base64Bytes,
    EdgeSchema,
    MessageCatalogue,
    field_messages,
    tenant_field,
)
from services.registration.association.domain import BranchKind
from services.registration.enrolment.domain import (
    IMPORTABLE_KINDS,
    LabourGroup,
    LearningUnitKind,
    Member,
    SubjectKind,
    registration_years,
)

MESSAGES = MessageCatalogue(
    {
        "blank": "Không được để trống.",
        "too_long": "Quá dài: tối đa 120 ký tự.",
        "commune_format": "Mã xã/phường/thị trấn phải gồm 5 chữ số.",
        "commune_not_found": "Không tìm thấy xã/phường/thị trấn này trong tỉnh đã chọn.",
        "year_range": "Năm đăng ký phải từ năm 2000 đến năm sau năm hiện tại.",
        "birth_year_range": "Năm sinh không hợp lệ.",
        "phone_format": "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678).",
        "too_many_members": "Một hộ gia đình có tối đa 30 thành viên.",
        "branch_format": "Mã chi hội không hợp lệ.",
        "count_range": "Số lượng phải từ 0 đến 1.000.000.",
        "unit_format": "Mã đơn vị phải gồm 3 chữ số (huyện) hoặc 5 chữ số (xã).",
        "unit_not_found": "Không tìm thấy đơn vị hành chính này trong tỉnh đã chọn.",
        "unit_kind": "Loại đơn vị phải là một trong: agency, school, enterprise, armed_forces.",
        "unit_level": "Cấp phải là commune (xã) hoặc district (huyện).",
        "national_id_format": "Số căn cước công dân phải gồm đúng 12 chữ số.",
        "labour_group": "Nhóm lao động phải là một trong: rural, worker, professional.",
        "age_out_of_bounds": "Tuổi không nằm trong khoảng tỉnh quy định cho Công dân học tập.",
        "enrolment_not_found": "Không tìm thấy đăng ký này.",
        "already_withdrawn": "Đăng ký này đã được rút trước đó.",
        "reason_too_long": "Lý do quá dài: tối đa 500 ký tự.",
        "import_kind": "Loại danh sách phải là household, clan, community, learning_unit "
        "hoặc citizen.",
        "file_too_large": "Tệp quá lớn: tối đa 50 MB.",
        "file_name": "Tên tệp phải kết thúc bằng .xlsx hoặc .csv.",
        "branch_not_found": "Không tìm thấy chi hội này trong tỉnh đã chọn.",
        "branch_kind": "Loại chi hội phải là một trong: residential, school, clan, agency, board.",
        "name_taken": "Xã này đã có một chi hội đang hoạt động với tên này.",
        "branch_closed": "Chi hội này đã giải thể.",
        "date_before_opening": "Ngày này sớm hơn ngày thành lập chi hội.",
        "member_count_range": "Số hội viên phải từ 0 đến 1.000.000.",
        "date_format": "Ngày phải có dạng YYYY-MM-DD.",
        "learning_unit_not_found": "Không tìm thấy đơn vị học tập này trong tỉnh đã chọn.",
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


def _birth_year(data_key: str, required: bool = False) -> fields.Integer:
    optional = {} if required else {"load_default": None, "allow_none": True}
    return fields.Integer(
        data_key=data_key,
        required=required,
        strict=True,
        error_messages=_BASE,
        validate=_check_birth_year,
        **optional,
    )


class MemberSchema(EdgeSchema):
    name = _name()
    relation = _name()
    birth_year = _birth_year("birthYear")
    learning = fields.Boolean(load_default=False, error_messages=_BASE)

    @post_load
    def to_member(self, data: dict[str, Any], **kwargs: Any) -> Member:
        return Member(**data)


@dataclass(frozen=True)
class RegisterCommand:
    """A validated registration: which kind of subject, where, its fields, for which year."""

    kind: SubjectKind
    tenant: str
    unit_code: str
    fields: dict[str, Any]
    year: int
    member_of: str | None = None  # a citizen's learning unit (its subject id) that year


def _optional_name(**kwargs: Any) -> Text:
    return Text(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=120, error=MESSAGES["too_long"]),
        **kwargs,
    )


def _count(**kwargs: Any) -> fields.Integer:
    return fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(0, 1_000_000, error=MESSAGES["count_range"]),
        **kwargs,
    )


def _phone() -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^(0|\+84)[0-9]{9,10}$", error=MESSAGES["phone_format"]),
    )


def _year() -> fields.Integer:
    return fields.Integer(
        required=True, strict=True, error_messages=_BASE, validate=_check_registration_year
    )


class RegisterSchema(EdgeSchema):
    """Fields every registration has; each kind adds its own and names itself in ``kind``."""

    kind: SubjectKind
    unit_field = "commune_code"

    tenant = tenant_field()
    year = _year()

    @post_load
    def to_command(self, data: dict[str, Any], **kwargs: Any) -> RegisterCommand:
        tenant, year = data.pop("tenant"), data.pop("year")
        unit_code = data.pop(self.unit_field)
        return RegisterCommand(self.kind, tenant, unit_code, data, year)


def _commune() -> fields.String:
    return fields.String(
        data_key="communeCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}$", error=MESSAGES["commune_format"]),
    )


class RegisterHouseholdSchema(RegisterSchema):
    """``registerHousehold``: Gia đình học tập."""

    kind = SubjectKind.HOUSEHOLD
    commune_code = _commune()
    head_name = _name(data_key="headName")
    head_birth_year = _birth_year("headBirthYear")
    address = _name()
    members = fields.List(
        fields.Nested(MemberSchema, error_messages=_BASE),
        load_default=list,
        error_messages=_BASE,
        validate=validate.Length(max=30, error=MESSAGES["too_many_members"]),
    )
    phone = _phone()
    size = _count()
    learners = _count()

    @post_load
    def to_command(self, data: dict[str, Any], **kwargs: Any) -> RegisterCommand:
        data["members"] = tuple(data["members"])
        return super().to_command(data, **kwargs)


class RegisterClanSchema(RegisterSchema):
    """``registerClan``: Dòng họ học tập."""

    kind = SubjectKind.CLAN
    commune_code = _commune()
    clan_name = _name(data_key="clanName")
    head_name = _name(data_key="headName")
    households = _count()
    people = _count()
    address = _optional_name()


class RegisterCommunitySchema(RegisterSchema):
    """``registerCommunity``: Cộng đồng học tập cấp thôn / tổ dân phố."""

    kind = SubjectKind.COMMUNITY
    commune_code = _commune()
    name = _name()
    households = _count()


class RegisterLearningUnitSchema(RegisterSchema):
    """``registerLearningUnit``: Đơn vị học tập of a commune or a district."""

    kind = SubjectKind.LEARNING_UNIT
    unit_field = "unit_code"
    unit_code = fields.String(
        data_key="unitCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^([0-9]{3}|[0-9]{5})$", error=MESSAGES["unit_format"]),
    )
    name = _name()
    unit_kind = fields.Enum(
        LearningUnitKind,
        by_value=True,
        data_key="unitKind",
        required=True,
        error_messages={**_BASE, "unknown": MESSAGES["unit_kind"]},
    )
    level = fields.String(
        load_default="commune",
        error_messages=_BASE,
        validate=validate.OneOf(("commune", "district"), error=MESSAGES["unit_level"]),
    )
    staff = _count()


class RegisterCitizenSchema(RegisterSchema):
    """``registerCitizen``: Công dân học tập; the national ID is checked, then only hashed."""

    kind = SubjectKind.CITIZEN
    commune_code = _commune()
    full_name = _name(data_key="fullName")
    birth_year = _birth_year("birthYear", required=True)
    national_id = fields.String(
        data_key="nationalId",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{12}$", error=MESSAGES["national_id_format"]),
    )
    labour_group = fields.Enum(
        LabourGroup,
        by_value=True,
        data_key="labourGroup",
        required=True,
        error_messages={**_BASE, "unknown": MESSAGES["labour_group"]},
    )
    address = _optional_name()
    phone = _phone()
    learning_unit_id = fields.String(
        data_key="learningUnitId",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^lu-[0-9a-f]{20}$", error=MESSAGES["learning_unit_not_found"]),
    )

    @post_load
    def to_command(self, data: dict[str, Any], **kwargs: Any) -> RegisterCommand:
        member_of = data.pop("learning_unit_id")
        command = super().to_command(data, **kwargs)
        return replace(command, member_of=member_of)


class RegisterCommuneCommunitySchema(RegisterSchema):
    """``registerCommuneCommunity``: the commune registers itself; its name is the directory's."""

    kind = SubjectKind.COMMUNE
    commune_code = _commune()


REGISTER_SCHEMAS: dict[SubjectKind, type[RegisterSchema]] = {
    schema.kind: schema
    for schema in (
        RegisterHouseholdSchema,
        RegisterClanSchema,
        RegisterCommunitySchema,
        RegisterLearningUnitSchema,
        RegisterCitizenSchema,
        RegisterCommuneCommunitySchema,
    )
}


class WithdrawSchema(EdgeSchema):
    tenant = tenant_field()
    enrolment_id = fields.String(
        data_key="enrolmentId",
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["enrolment_not_found"]),
    )
    reason = Text(
        load_default="",
        error_messages=_BASE,
        validate=validate.Length(max=500, error=MESSAGES["reason_too_long"]),
    )


def _branch_code(**kwargs: Any) -> fields.String:
    return fields.String(
        **kwargs,
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}-[0-9]{3}$", error=MESSAGES["branch_format"]),
    )


def _day(**kwargs: Any) -> fields.Date:
    return fields.Date(error_messages={**_BASE, "invalid": MESSAGES["date_format"]}, **kwargs)


class CreateBranchSchema(EdgeSchema):
    tenant = tenant_field()
    commune_code = _commune()
    name = _name()
    kind = fields.Enum(
        BranchKind,
        by_value=True,
        required=True,
        error_messages={**_BASE, "unknown": MESSAGES["branch_kind"]},
    )
    opened_on = _day(data_key="openedOn", load_default=None)


class RenameBranchSchema(EdgeSchema):
    tenant = tenant_field()
    code = _branch_code()
    name = _name()
    on = _day(load_default=None)


class CloseBranchSchema(EdgeSchema):
    tenant = tenant_field()
    code = _branch_code()
    on = _day(required=True)


class BranchMembersSchema(EdgeSchema):
    tenant = tenant_field()
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


class AddMemberSchema(EdgeSchema):
    """``addMember``: a hội viên of a branch for a year."""

    tenant = tenant_field()
    code = _branch_code(data_key="branchCode")
    full_name = _name(data_key="fullName")
    birth_year = _birth_year("birthYear")
    year = _year()
    joined_on = _day(data_key="joinedOn", load_default=None)


class StartImportSchema(EdgeSchema):
    """``startImport``: a commune's list, as the officer's file (base64 over the wire)."""

    tenant = tenant_field()
    commune_code = _commune()
    kind = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.OneOf([k.value for k in IMPORTABLE_KINDS], error=MESSAGES["import_kind"]),
    )
    year = _year()
    file_name = fields.String(
        data_key="fileName",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"(?i)^[^/\\]{1,200}\.(xlsx|csv)$", error=MESSAGES["file_name"]),
    )
    content = Base64Bytes(required=True, error_messages=_BASE)
