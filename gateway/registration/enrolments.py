"""Mutations of registration: every kind of subject enrols for its learning title; an
enrolment is withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene

from gateway.access import REGISTRARS, authenticated, visible
from gateway.messages import message
from gateway.mutations import Write, in_subtree, mutation, record, send, unit_for_year
from gateway.vocabulary import Title
from gateway.wire import field_error, key


class MemberInput(graphene.InputObjectType):
    """A member of a household (thành viên hộ gia đình)."""

    name = graphene.String(required=True, description="The member's name (họ tên)")
    relation = graphene.String(required=True, description="Quan hệ với chủ hộ")
    birth_year = graphene.Int(description="Year of birth (năm sinh)")
    learning = graphene.Boolean(description="Đang đi học / đang học tập")


class _Place:
    tenant = graphene.String(description="Province code; defaults to the caller's")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )


class RegisterHouseholdInput(_Place, graphene.InputObjectType):
    """Registers a household (hộ gia đình) for the title Gia đình học tập."""

    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    head_name = graphene.String(required=True, description="The head of household's name (chủ hộ)")
    head_birth_year = graphene.Int(description="The head of household's year of birth")
    address = graphene.String(required=True, description="Thôn / tổ dân phố")
    members = graphene.List(
        graphene.NonNull(MemberInput), description="Members (thành viên / hội viên)"
    )
    phone = graphene.String(description="Phone number (số điện thoại); personal data, never logged")
    size = graphene.Int(description="Số nhân khẩu")
    learners = graphene.Int(description="Số người đang đi học")


class RegisterClanInput(_Place, graphene.InputObjectType):
    """Registers a clan (dòng họ) for the title Dòng họ học tập."""

    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    clan_name = graphene.String(required=True, description="The clan's name (tên dòng họ)")
    head_name = graphene.String(required=True, description="Trưởng tộc")
    households = graphene.Int(description="Number of households (số hộ gia đình)")
    people = graphene.Int(description="Number of people in the clan (số người)")
    address = graphene.String(description="Address (địa chỉ)")


class RegisterCommunityInput(_Place, graphene.InputObjectType):
    """Registers a village community (cộng đồng thôn) for the title Cộng đồng học tập cấp thôn."""

    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    name = graphene.String(
        description="Thôn / tổ dân phố: the commune's hamlet of that name (created when new)"
    )
    households = graphene.Int(description="Number of households (số hộ gia đình)")
    hamlet_code = graphene.String(description="The hamlet (e.g. 06184-T01), instead of a name")


class LearningUnitKind(graphene.Enum):
    """The kind of a learning unit (loại đơn vị học tập)."""

    AGENCY = "agency"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    ARMED_FORCES = "armed_forces"

    @property
    def description(self) -> str:
        return {
            "AGENCY": "A state agency (cơ quan)",
            "SCHOOL": "A school (trường học)",
            "ENTERPRISE": "An enterprise (doanh nghiệp)",
            "ARMED_FORCES": "An armed-forces unit (đơn vị vũ trang)",
        }[self.name]


class RegisterLearningUnitInput(_Place, graphene.InputObjectType):
    """Registers an agency, school, enterprise or armed-forces unit for the title Đơn vị học tập."""

    unit_code = graphene.String(
        required=True, description="Commune (5 digits), district (3) or province (2)"
    )
    level = graphene.String(description='"commune" (default), "district" or "province"')
    name = graphene.String(required=True, description="The unit's name (tên đơn vị)")
    unit_kind = graphene.Field(
        LearningUnitKind, required=True, description="Kind of learning unit (loại đơn vị)"
    )
    staff = graphene.Int(description="Number of staff (số cán bộ, nhân viên)")


class LabourGroup(graphene.Enum):
    """A citizen's labour group (nhóm lao động), which picks the criteria set."""

    RURAL = "rural"
    WORKER = "worker"
    PROFESSIONAL = "professional"

    @property
    def description(self) -> str:
        return {
            "RURAL": "Rural labour (lao động nông thôn)",
            "WORKER": "Workers (công nhân)",
            "PROFESSIONAL": "Officials and professionals (cán bộ, công chức, viên chức)",
        }[self.name]


class RegisterCitizenInput(_Place, graphene.InputObjectType):
    """Registers a citizen (công dân) for the title Công dân học tập."""

    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    full_name = graphene.String(required=True, description="Full name (họ và tên)")
    birth_year = graphene.Int(required=True, description="Year of birth (năm sinh)")
    national_id = graphene.String(required=True, description="12 digits; stored only hashed")
    labour_group = graphene.Field(
        LabourGroup,
        required=True,
        description="The citizen's labour group (nhóm lao động): picks the criteria set",
    )
    address = graphene.String(description="Address (địa chỉ)")
    phone = graphene.String(description="Phone number (số điện thoại); personal data, never logged")
    learning_unit_id = graphene.String(
        description="subjectId of the learning unit (Đơn vị học tập) the citizen belongs to"
    )


class RegisterCommuneCommunityInput(_Place, graphene.InputObjectType):
    """Registers a commune's own learning community (cộng đồng học tập cấp xã)."""

    commune_code = graphene.String(
        required=True, description="The commune registering itself (Cộng đồng học tập cấp xã)"
    )


class Enrolment(graphene.ObjectType):
    """A registration (đăng ký) of a subject for a title and year."""

    enrolment_id = graphene.String(
        required=True, resolver=key("enrolmentId"), description="The registration's id (mã đăng ký)"
    )
    subject_id = graphene.String(
        required=True,
        resolver=key("subjectId"),
        description="The registered subject's id (đối tượng: household, clan, unit, citizen)",
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    unit_path = graphene.String(
        required=True,
        resolver=key("unitPath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    created = graphene.Boolean(required=True, description="False for a repeated registration")


def register(kind: str) -> Callable[[Write], Any]:
    return lambda write: write.rpc.registration.register(kind, write.payload())


def _register_mutation(
    name: str, kind: str, input_type: type[graphene.InputObjectType], unit_field: str, doc: str
) -> type[graphene.Mutation]:
    """``register<Kind>``: the caller must reach the unit, as it stood for the year."""
    return mutation(
        name,
        Enrolment,
        register(kind),
        input=input_type,
        lookup=unit_for_year(unit_field),
        check=in_subtree(REGISTRARS),
        answer="enrolment",
        doc=doc,
    )


RegisterHousehold = _register_mutation(
    "RegisterHousehold",
    "household",
    RegisterHouseholdInput,
    "commune_code",
    "Đăng ký Gia đình học tập: registers a household for a year.",
)
RegisterClan = _register_mutation(
    "RegisterClan",
    "clan",
    RegisterClanInput,
    "commune_code",
    "Đăng ký Dòng họ học tập: registers a clan for a year.",
)
RegisterCommunity = _register_mutation(
    "RegisterCommunity",
    "community",
    RegisterCommunityInput,
    "commune_code",
    "Đăng ký Cộng đồng học tập cấp thôn: registers a village community (by its hamlet) for a year.",
)
RegisterLearningUnit = _register_mutation(
    "RegisterLearningUnit",
    "learning_unit",
    RegisterLearningUnitInput,
    "unit_code",
    "Đăng ký Đơn vị học tập: registers an agency, school, enterprise or armed-forces unit.",
)
RegisterCitizen = _register_mutation(
    "RegisterCitizen",
    "citizen",
    RegisterCitizenInput,
    "commune_code",
    "Đăng ký Công dân học tập: registers a citizen for a year.",
)
RegisterCommuneCommunity = _register_mutation(
    "RegisterCommuneCommunity",
    "commune",
    RegisterCommuneCommunityInput,
    "commune_code",
    "Đăng ký Cộng đồng học tập cấp xã: a commune registers its own learning community.",
)


class WithdrawInput(graphene.InputObjectType):
    """Withdraws a registration (rút đăng ký), with the reason."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    reason = graphene.String(description="Reason (lý do), in Vietnamese")


class Withdrawn(graphene.ObjectType):
    """A withdrawn registration."""

    enrolment_id = graphene.String(
        required=True, resolver=key("enrolmentId"), description="The registration's id (mã đăng ký)"
    )
    status = graphene.String(required=True, description="WITHDRAWN (đã rút đăng ký)")


WithdrawRegistration = mutation(
    "WithdrawRegistration",
    Withdrawn,
    send("registration", "withdraw"),
    input=WithdrawInput,
    lookup=record("registration", "enrolment", "enrolment_id"),
    check=in_subtree(REGISTRARS),
    answer="enrolment",
    doc="Rút đăng ký: the enrolment stops counting; registering again enrols it again.",
)


def detail(name: str) -> Callable[[dict[str, Any], Any], Any]:
    """A resolver reading one of the subject's registered details (absent: null)."""
    return lambda root, info: (root.get("details") or {}).get(name)


class RegisteredMember(graphene.ObjectType):
    """A household member as registered (thành viên hộ gia đình)."""

    name = graphene.String(required=True, description="The member's name (họ tên)")
    relation = graphene.String(description="Quan hệ với chủ hộ")
    birth_year = graphene.Int(description="Year of birth (năm sinh)")
    learning = graphene.Boolean(description="Đang đi học / đang học tập")


class Registration(graphene.ObjectType):
    """One registration (hồ sơ đăng ký) with what its subject was registered with; the fields
    that do not apply to its kind are null."""

    enrolment_id = graphene.String(
        required=True, resolver=key("enrolmentId"), description="The registration's id (mã đăng ký)"
    )
    subject_id = graphene.String(
        required=True,
        resolver=key("subjectId"),
        description="The registered subject's id (đối tượng: household, clan, unit, citizen)",
    )
    subject_kind = graphene.String(
        required=True,
        resolver=key("subjectKind"),
        description="Kind of subject (loại đối tượng): household, clan, community, "
        "learning_unit, citizen or commune",
    )
    name = graphene.String(
        required=True,
        description="The subject's name (tên): head of household, clan, community, unit or citizen",
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    status = graphene.String(required=True, description="ENROLLED or WITHDRAWN (trạng thái)")
    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit receiving it (đơn vị)"
    )
    unit_path = graphene.String(
        required=True,
        resolver=key("unitpath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    created_at = graphene.String(
        resolver=key("createdAt"), description="When it was registered (ISO 8601; ngày đăng ký)"
    )
    withdrawn_at = graphene.String(
        resolver=key("withdrawnAt"), description="When it was withdrawn (ngày rút đăng ký)"
    )
    withdraw_reason = graphene.String(
        resolver=key("withdrawReason"), description="Why it was withdrawn (lý do rút đăng ký)"
    )
    address = graphene.String(resolver=detail("address"), description="Address (địa chỉ)")
    phone = graphene.String(
        resolver=detail("phone"),
        description="Phone number (số điện thoại); personal data, never logged",
    )
    head_name = graphene.String(
        resolver=detail("head_name"), description="Head of household or clan (chủ hộ, trưởng tộc)"
    )
    head_birth_year = graphene.Int(
        resolver=detail("head_birth_year"), description="The head of household's year of birth"
    )
    members = graphene.List(
        graphene.NonNull(RegisteredMember),
        resolver=lambda root, info: (root.get("details") or {}).get("members") or [],
        description="A household's members (thành viên); empty for other kinds",
    )
    size = graphene.Int(resolver=detail("size"), description="Số nhân khẩu")
    learners = graphene.Int(resolver=detail("learners"), description="Số người đang đi học")
    clan_name = graphene.String(
        resolver=detail("clan_name"), description="The clan's name (tên dòng họ)"
    )
    households = graphene.Int(
        resolver=detail("households"), description="Number of households (số hộ gia đình)"
    )
    people = graphene.Int(
        resolver=detail("people"), description="Number of people in the clan (số người)"
    )
    hamlet_code = graphene.String(
        resolver=detail("hamlet_code"), description="A village community's hamlet (thôn)"
    )
    unit_kind = graphene.Field(
        LearningUnitKind,
        resolver=detail("unit_kind"),
        description="Kind of learning unit (loại đơn vị)",
    )
    unit_level = graphene.String(
        resolver=detail("level"),
        description="A learning unit's level (cấp): commune, district or province",
    )
    staff = graphene.Int(
        resolver=detail("staff"), description="Number of staff (số cán bộ, nhân viên)"
    )
    birth_year = graphene.Int(
        resolver=detail("birth_year"), description="A citizen's year of birth (năm sinh)"
    )
    national_id_last4 = graphene.String(
        resolver=detail("national_id_last4"),
        description="A citizen's national ID, last 4 digits only (4 số cuối CCCD)",
    )
    labour_group = graphene.Field(
        LabourGroup,
        resolver=detail("labour_group"),
        description="A citizen's labour group (nhóm lao động)",
    )


def resolve_registration(root: Any, info: Any, enrolment_id: str) -> dict[str, Any] | None:
    """A registration of the caller's tenant inside its reach; another tenant's is absent."""
    caller = authenticated(info)
    return visible(info, info.context.rpc.registration.registration(caller.tenant, enrolment_id))


QUERIES: dict[str, Any] = {
    "registration": graphene.Field(
        Registration,
        enrolment_id=graphene.String(
            required=True, description="The registration's id (mã đăng ký)"
        ),
        resolver=resolve_registration,
        description="One registration (hồ sơ đăng ký) with its subject's details",
    ),
}


class UpdateRegistrationInput(graphene.InputObjectType):
    """Corrects a registration's details before it is reviewed (sửa thông tin đăng ký); absent
    fields stay as they are. Names, a household's hamlet and a citizen's ID make the subject's
    identity and are not corrected: withdraw and register again."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    address = graphene.String(description="Address (địa chỉ): a clan's or a citizen's")
    phone = graphene.String(description="Phone number (số điện thoại); personal data, never logged")
    head_birth_year = graphene.Int(description="The head of household's year of birth")
    members = graphene.List(
        graphene.NonNull(MemberInput),
        description="A household's members (thành viên), replacing those registered",
    )
    size = graphene.Int(description="Số nhân khẩu (default: the number of members given)")
    learners = graphene.Int(description="Số người đang đi học (default: counted from members)")
    households = graphene.Int(description="Number of households (số hộ gia đình)")
    people = graphene.Int(description="Number of people in the clan (số người)")


def correct(write: Write) -> Any:
    """Refused once the registration was reviewed or decided (scoring knows), else sent."""
    assessment = write.rpc.scoring.assessment(write.tenant, write.input["enrolment_id"])
    if assessment and (assessment.get("review") or assessment.get("recognition")):
        raise field_error("enrolmentId", "registration_reviewed", message("registration_reviewed"))
    return write.rpc.registration.correct(write.payload())


UpdateRegistration = mutation(
    "UpdateRegistration",
    Registration,
    correct,
    input=UpdateRegistrationInput,
    lookup=record("registration", "enrolment", "enrolment_id"),
    check=in_subtree(REGISTRARS),
    answer="registration",
    doc="Sửa thông tin đăng ký: corrects a registration's details (members, phone, counts, a "
    "clan's or citizen's address) until it is reviewed; answers the registration as corrected.",
)

MUTATIONS: dict[str, Any] = {
    "update_registration": UpdateRegistration.Field(),
    "register_household": RegisterHousehold.Field(),
    "register_clan": RegisterClan.Field(),
    "register_community": RegisterCommunity.Field(),
    "register_learning_unit": RegisterLearningUnit.Field(),
    "register_citizen": RegisterCitizen.Field(),
    "register_commune_community": RegisterCommuneCommunity.Field(),
    "withdraw_registration": WithdrawRegistration.Field(),
}
