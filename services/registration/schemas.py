"""marshmallow schemas at registration's edge: what a client may send, in Vietnamese errors;
and the edge's side of the rules' refusals (their keys become field errors in wire names)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from khuyenhoc.text import clean
from khuyenhoc.validation import (
    Base64Bytes,
    EdgeSchema,
    FieldError,
    InvalidInput,
    answered,
    field_messages,
    tenant_field,
    wire_name,
)
from services.registration.association.domain import BranchKind
from services.registration.directory.hamlets import HamletKind
from services.registration.enrolment.domain import (
    IMPORTABLE_KINDS,
    LabourGroup,
    LearningUnitKind,
    Member,
    Subject,
    SubjectKind,
    registration_years,
)
from services.registration.enrolment.service import (
    RegisterCommand,
    RegistrationSettings,
    build_subject,
)
from services.registration.errors import Refused
from services.registration.messages import MESSAGES

_BASE: dict[str, Any] = dict(field_messages(MESSAGES))


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
    optional: dict[str, Any] = {} if required else {"load_default": None, "allow_none": True}
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
    name = _name(required=False, load_default=None)
    hamlet_code = fields.String(
        data_key="hamletCode",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}-T[0-9]{2,4}$", error=MESSAGES["hamlet_format"]),
    )
    households = _count()

    @post_load
    def to_command(self, data: dict[str, Any], **kwargs: Any) -> RegisterCommand:
        if not data.get("name") and not data.get("hamlet_code"):
            raise ValidationError(MESSAGES["blank"], "name")
        return super().to_command(data, **kwargs)


class RegisterLearningUnitSchema(RegisterSchema):
    """``registerLearningUnit``: Đơn vị học tập of a commune, a district or a province."""

    kind = SubjectKind.LEARNING_UNIT
    unit_field = "unit_code"
    unit_code = fields.String(
        data_key="unitCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^([0-9]{2}|[0-9]{3}|[0-9]{5})$", error=MESSAGES["unit_format"]),
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
        validate=validate.OneOf(("commune", "district", "province"), error=MESSAGES["unit_level"]),
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


class CorrectRegistrationSchema(EdgeSchema):
    """``updateRegistration``: corrected details of a registration; absent fields stay as they
    are; one its kind may not change is refused by name (``not_correctable``), not dropped."""

    tenant = tenant_field()
    enrolment_id = fields.String(
        data_key="enrolmentId",
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["enrolment_not_found"]),
    )
    address = _optional_name()
    head_birth_year = _birth_year("headBirthYear")
    members = fields.List(
        fields.Nested(MemberSchema, error_messages=_BASE),
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=30, error=MESSAGES["too_many_members"]),
    )
    phone = _phone()
    size = _count()
    learners = _count()
    households = _count()
    people = _count()

    @post_load
    def given(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {name: value for name, value in data.items() if value is not None}


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


def refusal(exc: Refused) -> InvalidInput:
    """A rule's refusal as the caller's field error, in Vietnamese (a file's problem comes
    with its own text, details filled in)."""
    text = exc.params.get("text")
    message = str(text) if text is not None else MESSAGES[exc.key]
    return InvalidInput([FieldError(wire_name(exc.field), exc.key, message)])


def answer(use_case: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a use case for an RPC caller: invalid input and refusals come back as
    ``{"errors": [{field, key, message}]}``, never as a remote exception."""
    answer_: dict[str, Any] = answered(use_case, (Refused, refusal))
    return answer_


def row_reader(
    kind: str, tenant: str, commune_code: str, year: int, settings: RegistrationSettings
) -> Callable[[dict[str, Any]], Subject]:
    """How an import reads one row: the same schema and rules as a single registration of
    ``kind`` in the commune for the year; problems come back as field errors."""
    schema = REGISTER_SCHEMAS[SubjectKind(kind)]()
    place: dict[str, Any] = {"tenant": tenant, "year": year}
    place["unitCode" if kind == SubjectKind.LEARNING_UNIT else "communeCode"] = commune_code

    def read(values: dict[str, Any]) -> Subject:
        command = MESSAGES.load(schema, values | place)
        try:
            return build_subject(command, settings)
        except Refused as exc:
            raise refusal(exc) from exc

    return read


# -- denominators and hamlets ------------------------------------------------------------------


def _check_denominator_year(year: int) -> None:
    if not 2000 <= year <= date.today().year + 1:
        raise ValidationError(MESSAGES["denominator_year_range"])


def _figure(data_key: str) -> fields.Integer:
    return fields.Integer(
        data_key=data_key,
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(0, 200_000_000, error=MESSAGES["figure_range"]),
    )


class SetDenominatorsSchema(EdgeSchema):
    """``setDenominators``: a unit's figures for a year with their source and date; figures
    left out keep their stored values."""

    tenant = tenant_field()
    unit_code = fields.String(
        data_key="unitCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(
            r"^([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{5}-T[0-9]{2,4})$",
            error=MESSAGES["denominator_unit_format"],
        ),
    )
    year = fields.Integer(
        required=True, strict=True, error_messages=_BASE, validate=_check_denominator_year
    )
    population = _figure("population")
    households = _figure("households")
    adults = _figure("adults")
    clans = _figure("clans")
    hamlets = _figure("hamlets")
    units = _figure("units")
    staff = _figure("staff")
    mountain = fields.Boolean(load_default=None, allow_none=True, error_messages=_BASE)
    source = Text(
        required=True,
        error_messages={**_BASE, "required": MESSAGES["source_blank"]},
        validate=[
            validate.Length(min=1, error=MESSAGES["source_blank"]),
            validate.Length(max=300, error=MESSAGES["too_long"]),
        ],
    )
    as_of = _day(data_key="asOf", load_default=None)

    @post_load
    def check_some(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        figures = ("population", "households", "adults", "clans", "hamlets", "units", "staff")
        if all(data.get(f) is None for f in figures) and data.get("mountain") is None:
            raise ValidationError(MESSAGES["no_figures"], "population")
        return data


def _hamlet_code(**kwargs: Any) -> fields.String:
    return fields.String(
        **kwargs,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}-T[0-9]{2,4}$", error=MESSAGES["hamlet_format"]),
    )


def _hamlet_kind(**kwargs: Any) -> fields.Enum:
    return fields.Enum(
        HamletKind,
        by_value=True,
        error_messages={**_BASE, "unknown": MESSAGES["hamlet_kind"]},
        **kwargs,
    )


class CreateHamletSchema(EdgeSchema):
    tenant = tenant_field()
    commune_code = _commune()
    name = _name()
    kind = _hamlet_kind(load_default=None, allow_none=True)
    opened_on = _day(data_key="openedOn", load_default=None)


class RenameHamletSchema(EdgeSchema):
    tenant = tenant_field()
    code = _hamlet_code(required=True)
    name = _name()
    on = _day(load_default=None)


class CloseHamletSchema(EdgeSchema):
    tenant = tenant_field()
    code = _hamlet_code(required=True)
    on = _day(required=True)


class ImportDenominatorsSchema(EdgeSchema):
    """``importDenominators``: a sheet of units' figures; ``scope`` is the caller's unit path
    (rows of units outside it are refused), set by the gateway."""

    tenant = tenant_field()
    scope = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{2}(/[A-Za-z0-9_-]{1,32})*$"),
    )
    file_name = fields.String(
        data_key="fileName",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"(?i)^[^/\\]{1,200}\.(xlsx|csv)$", error=MESSAGES["file_name"]),
    )
    content = Base64Bytes(required=True, error_messages=_BASE)


def denominators_row_reader() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """How a sheet's row is read: the ``setDenominators`` schema."""
    schema = SetDenominatorsSchema()
    return lambda values: MESSAGES.load(schema, values)


class ImportHamletsSchema(ImportDenominatorsSchema):
    """``importHamlets``: a sheet of hamlets (commune code, name, kind)."""


def hamlets_row_reader() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """How a hamlets sheet's row is read: the ``createHamlet`` schema."""
    schema = CreateHamletSchema()
    return lambda values: MESSAGES.load(schema, values)


class AttachBranchHamletSchema(EdgeSchema):
    """``setBranchHamlet``: a residential branch names its hamlet."""

    tenant = tenant_field()
    branch_code = _branch_code(data_key="branchCode")
    hamlet_code = _hamlet_code(data_key="hamletCode", required=True)


class MoveBranchSchema(EdgeSchema):
    """``moveBranch``: a branch re-attached to another commune from a day."""

    tenant = tenant_field()
    code = _branch_code()
    to_unit_code = fields.String(
        data_key="toUnitCode",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{5}$", error=MESSAGES["commune_format"]),
    )
    on = _day(required=True)
