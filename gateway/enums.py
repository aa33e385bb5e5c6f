"""Closed sets of the wire as GraphQL enums (issue 15): clients compare against documented values.

Each enum's values are the strings the services answer and take today (lower case for most), so
resolvers keep returning the services' answers and graphene serialises them as the UPPER_SNAKE
names; an input enum reaches a resolver as a ``StrEnum`` member (equal to that string), which
:func:`gateway.wire.wire_input` and :func:`gateway.wire.enum_value` turn back into the string.
``BranchKind`` and ``SubjectKind`` live here because several sub-packages answer them; the other
enums made earlier stay next to their types (``Title``, ``AccountRole``, ``HamletKind``,
``Channel``, ...). A set that equals an existing enum reuses it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import graphene


def closed_set(name: str, description: str, values: dict[str, tuple[str, str]]) -> Any:
    """A graphene enum ``name``: ``values`` maps each GraphQL name to (the services' string, its
    description in English with the Vietnamese term)."""
    members = StrEnum(name, {k: v for k, (v, _) in values.items()})  # type: ignore[misc]

    def describe(member: Any) -> str:
        return description if member is None else values[member.name][1]

    return graphene.Enum.from_enum(members, description=describe)


# --- moved here from the sub-packages, used across them ---------------------------------


class BranchKind(graphene.Enum):
    """The kind of an association branch (loại chi hội)."""

    RESIDENTIAL = "residential"
    SCHOOL = "school"
    CLAN = "clan"
    AGENCY = "agency"
    BOARD = "board"

    @property
    def description(self) -> str:
        return {
            "RESIDENTIAL": "Of a residential area (chi hội khu dân cư)",
            "SCHOOL": "Of a school (chi hội trường học)",
            "CLAN": "Of a clan (chi hội dòng họ)",
            "AGENCY": "Of an agency or enterprise (chi hội cơ quan)",
            "BOARD": "The association's board at the commune (ban khuyến học)",
        }[self.name]


class SubjectKind(graphene.Enum):
    """The kind of registered subject (loại đối tượng), one per learning title.
    Lists are imported of every kind but COMMUNE (a commune registers itself)."""

    HOUSEHOLD = "household"
    CLAN = "clan"
    COMMUNITY = "community"
    LEARNING_UNIT = "learning_unit"
    CITIZEN = "citizen"
    COMMUNE = "commune"

    @property
    def description(self) -> str:
        return {
            "HOUSEHOLD": "Households (hộ gia đình): Gia đình học tập",
            "CLAN": "Clans (dòng họ): Dòng họ học tập",
            "COMMUNITY": "Village communities (cộng đồng thôn): Cộng đồng học tập cấp thôn",
            "LEARNING_UNIT": "Agencies, schools, enterprises, armed-forces units: Đơn vị học tập",
            "CITIZEN": "Citizens (công dân): Công dân học tập",
            "COMMUNE": "The commune itself (xã): Cộng đồng học tập cấp xã; never imported",
        }[self.name]


# --- directory ----------------------------------------------------------------------------------

UnitLevel = closed_set(
    "UnitLevel",
    "A unit's level in the directory (cấp đơn vị)",
    {
        "PROVINCE": ("province", "Province or centrally-run city (tỉnh/thành phố)"),
        "DISTRICT": ("district", "District, before the 2025 reform (quận/huyện/thị xã)"),
        "COMMUNE": ("commune", "Commune, ward or town (xã/phường/thị trấn)"),
        "BRANCH": ("branch", "The association's branch in a commune (chi hội khuyến học)"),
        "HAMLET": ("hamlet", "Hamlet or residential group of a commune (thôn, tổ dân phố)"),
    },
)

UnitKind = closed_set(
    "UnitKind",
    "The kind of a branch or hamlet (loại chi hội, loại thôn); the values of BranchKind and "
    "HamletKind together",
    {
        "RESIDENTIAL": ("residential", "Branch of a residential area (chi hội khu dân cư)"),
        "SCHOOL": ("school", "Branch of a school (chi hội trường học)"),
        "CLAN": ("clan", "Branch of a clan (chi hội dòng họ)"),
        "AGENCY": ("agency", "Branch of an agency or enterprise (chi hội cơ quan)"),
        "BOARD": ("board", "The association's board at the commune (ban khuyến học)"),
        "THON": ("thon", "Hamlet: a village (thôn)"),
        "BAN": ("ban", "Hamlet: a village of the northern mountains (bản)"),
        "AP": ("ap", "Hamlet of the southern provinces (ấp)"),
        "TO_DAN_PHO": ("to_dan_pho", "Hamlet: a residential group of a ward or town (tổ dân phố)"),
        "KHU_PHO": ("khu_pho", "Hamlet: an urban quarter (khu phố)"),
    },
)

EnrolmentStatus = closed_set(
    "EnrolmentStatus",
    "Whether a registration stands (trạng thái đăng ký)",
    {
        "ENROLLED": ("ENROLLED", "Registered for the title and year (đã đăng ký)"),
        "WITHDRAWN": ("WITHDRAWN", "Withdrawn by the commune (đã rút đăng ký)"),
    },
)

DenominatorFigure = closed_set(
    "DenominatorFigure",
    "A figure a unit's shares are computed over (số liệu mẫu số)",
    {
        "POPULATION": ("population", "Population (dân số)"),
        "HOUSEHOLDS": ("households", "Households (số hộ gia đình)"),
        "ADULTS": ("adults", "Adults, 15 and over (người từ 15 tuổi)"),
        "CLANS": ("clans", "Clans (số dòng họ)"),
        "HAMLETS": ("hamlets", "Hamlets and residential groups (số thôn, tổ dân phố)"),
        "UNITS": ("units", "Agencies, schools, enterprises, armed-forces units (số đơn vị)"),
        "STAFF": ("staff", "Staff of a unit (cán bộ, công chức, viên chức, người lao động)"),
    },
)

LearningUnitLevel = closed_set(
    "LearningUnitLevel",
    "The level a learning unit belongs to (cấp của đơn vị học tập)",
    {
        "COMMUNE": ("commune", "Of a commune (cấp xã)"),
        "DISTRICT": ("district", "Of a district (cấp huyện)"),
        "PROVINCE": ("province", "Of the province (cấp tỉnh)"),
    },
)

# --- scoring ------------------------------------------------------------------------------------

AssessmentStatus = closed_set(
    "AssessmentStatus",
    "Whether an assessment's registration stands (trạng thái đăng ký)",
    {
        "REGISTERED": ("REGISTERED", "Registered: to be assessed (đã đăng ký)"),
        "WITHDRAWN": ("WITHDRAWN", "Withdrawn: not assessed (đã rút đăng ký)"),
    },
)

_VERDICTS = {
    "RECOGNISED": ("recognised", "Criteria met: eligible for recognition (đạt)"),
    "NOT_RECOGNISED": ("not_recognised", "Criteria not met (chưa đạt)"),
    "UNDECIDABLE": ("undecidable", "Answers or numbers missing (chưa đủ căn cứ)"),
}

VerdictStatus = closed_set(
    "VerdictStatus", "The outcome of scoring against the criteria (kết quả đánh giá)", _VERDICTS
)

ListReviewRowStatus = closed_set(
    "ListReviewRowStatus",
    "A list review row's outcome (kết quả bình xét một dòng)",
    {
        **_VERDICTS,
        "SKIPPED": ("skipped", "Not recorded: see the row's reason (không ghi được)"),
    },
)

SelfAssessmentOutcome = closed_set(
    "SelfAssessmentOutcome",
    "What became of a self-assessment row (kết quả ghi tự đánh giá)",
    {
        "WRITTEN": ("written", "Recorded (đã ghi)"),
        "UNCHANGED": ("unchanged", "Already recorded by an earlier send of the list (đã ghi)"),
        "REFUSED": ("refused", "Not recorded: see the error (không ghi)"),
    },
)

ListReviewState = closed_set(
    "ListReviewState",
    "Where recording a list review stands (trạng thái ghi biên bản)",
    {
        "RECORDED": ("recorded", "Every row recorded (đã ghi mọi dòng)"),
        "APPLYING": ("applying", "Rows still being recorded in the background (đang ghi)"),
    },
)

IndicatorKind = closed_set(
    "IndicatorKind",
    "How an indicator is judged (loại chỉ số)",
    {
        "POINTS": ("points", "Scored in points (chấm điểm)"),
        "MET": ("met", "Met or not met (đạt / không đạt)"),
        "COMPUTED": ("computed", "A share the platform computes (tỷ lệ tính tự động)"),
    },
)

CriteriaSetStatus = closed_set(
    "CriteriaSetStatus",
    "A criteria set version's state (trạng thái bộ tiêu chí)",
    {
        "DRAFT": ("draft", "Uploaded, not yet in use (bản nháp)"),
        "ACTIVE": ("active", "In use from its first year (đang áp dụng)"),
        "SUPERSEDED": ("superseded", "Replaced by a later version (đã thay thế)"),
    },
)

NamePolicy = closed_set(
    "NamePolicy",
    "How names are shown on a public posting (cách hiện tên khi niêm yết)",
    {
        "FULL": ("full", "Full names (họ và tên đầy đủ)"),
        "INITIALS": ("initials", "Initials only (chữ viết tắt)"),
    },
)

# --- registration -------------------------------------------------------------------------------

ImportStatus = closed_set(
    "ImportStatus",
    "Where an import of a list stands (trạng thái nhập danh sách)",
    {
        "PENDING": ("PENDING", "Waiting to start (chờ xử lý)"),
        "RUNNING": ("RUNNING", "Rows being read (đang xử lý)"),
        "DONE": ("DONE", "Every row handled (đã xong)"),
        "FAILED": ("FAILED", "Stopped by an error (lỗi)"),
    },
)

# --- fund ---------------------------------------------------------------------------------------

DonorKind = closed_set(
    "DonorKind",
    "Kind of donor (loại nhà hảo tâm)",
    {
        "PERSON": ("person", "A person (cá nhân)"),
        "FAMILY": ("family", "A family (gia đình)"),
        "CLAN": ("clan", "A clan (dòng họ)"),
        "ORGANISATION": ("organisation", "An organisation (tổ chức)"),
        "ENTERPRISE": ("enterprise", "An enterprise (doanh nghiệp)"),
        "OVERSEAS": ("overseas", "Vietnamese living abroad (người Việt Nam ở nước ngoài)"),
    },
)

DonationKind = closed_set(
    "DonationKind",
    "What a donation is given in (hình thức ủng hộ)",
    {
        "CASH": ("cash", "Money (tiền)"),
        "IN_KIND": ("in_kind", "Goods, at their valuation (hiện vật)"),
    },
)

DonationChannel = closed_set(
    "DonationChannel",
    "How a donation's money came (kênh nhận tiền)",
    {
        "CASH": ("cash", "In cash (tiền mặt)"),
        "BANK_TRANSFER": ("bank_transfer", "By bank transfer (chuyển khoản)"),
        "VIETQR": ("vietqr", "By a VietQR payment (quét mã VietQR)"),
    },
)

DonationPurpose = closed_set(
    "DonationPurpose",
    "What a donation is for (mục đích ủng hộ)",
    {
        "GENERAL": ("general", "The fund's general use (ủng hộ chung)"),
        "EARMARKED": ("earmarked", "Earmarked by the donor (ủng hộ có chỉ định)"),
    },
)

DonationStatus = closed_set(
    "DonationStatus",
    "Whether a donation stands in the books (trạng thái khoản ủng hộ)",
    {
        "RECORDED": ("RECORDED", "Booked (đã ghi sổ)"),
        "REVERSED": ("REVERSED", "Reversed by a later entry (đã hủy bút toán)"),
    },
)

DisbursementPurpose = closed_set(
    "DisbursementPurpose",
    "What a disbursement is for (mục đích chi)",
    {
        "SCHOLARSHIP": ("scholarship", "Scholarship (học bổng)"),
        "AWARD": ("award", "Award (khen thưởng)"),
        "UNIVERSITY_PRIZE": ("university_prize", "Prize for a new student (thưởng tân sinh viên)"),
        "SPONSORSHIP": ("sponsorship", "Sponsoring a pupil (con nuôi khuyến học)"),
        "COMMUNITY_LEARNING": (
            "community_learning",
            "Support to community learning (hỗ trợ học tập cộng đồng)",
        ),
        "OTHER": ("other", "Other spending (chi khác)"),
    },
)

DisbursementStatus = closed_set(
    "DisbursementStatus",
    "Where a disbursement stands (trạng thái khoản chi)",
    {
        "PROPOSED": ("PROPOSED", "Proposed, awaiting approval (đề nghị chi)"),
        "APPROVED": ("APPROVED", "Approved for payment (đã duyệt chi)"),
        "REVERSED": ("REVERSED", "Reversed by a later entry (đã hủy bút toán)"),
    },
)

BeneficiaryKind = closed_set(
    "BeneficiaryKind",
    "Kind of beneficiary (loại người thụ hưởng)",
    {
        "STUDENT": ("student", "A pupil or student (học sinh, sinh viên)"),
        "TEACHER": ("teacher", "A teacher (giáo viên)"),
        "SCHOOL": ("school", "A school (trường học)"),
        "OTHER": ("other", "Someone else (đối tượng khác)"),
    },
)

EntryKind = closed_set(
    "EntryKind",
    "Kind of ledger entry (loại bút toán)",
    {
        "DONATION": ("donation", "A donation (ủng hộ)"),
        "MEMBERSHIP_FEE": ("membership_fee", "A membership fee (hội phí)"),
        "OTHER_INCOME": ("other_income", "Other income (thu khác)"),
        "DISBURSEMENT": ("disbursement", "A disbursement (khoản chi)"),
        "TRANSFER_OUT": ("transfer_out", "Money sent to another fund (chuyển quỹ đi)"),
        "TRANSFER_IN": ("transfer_in", "Money received from another fund (nhận chuyển quỹ)"),
        "REVERSAL": ("reversal", "The reversal of an earlier entry (hủy bút toán)"),
    },
)

LedgerAccount = closed_set(
    "LedgerAccount",
    "An account of a fund's ledger, a line of its statement (tài khoản sổ quỹ)",
    {
        "CASH": ("cash", "The fund's money (tiền của quỹ)"),
        "DONATIONS_CASH": ("donations.cash", "Donations in money (ủng hộ bằng tiền)"),
        "DONATIONS_IN_KIND": ("donations.in_kind", "Donations in goods (ủng hộ bằng hiện vật)"),
        "MEMBERSHIP_FEES": ("membership_fees", "Membership fees (hội phí)"),
        "OTHER_INCOME": ("other_income", "Other income (thu khác)"),
        "TRANSFERS_IN": ("transfers_in", "Received from other funds (nhận chuyển quỹ)"),
        "DISBURSEMENTS_SCHOLARSHIP": ("disbursements.scholarship", "Scholarships (học bổng)"),
        "DISBURSEMENTS_AWARD": ("disbursements.award", "Awards (khen thưởng)"),
        "DISBURSEMENTS_UNIVERSITY_PRIZE": (
            "disbursements.university_prize",
            "Prizes for new students (thưởng tân sinh viên)",
        ),
        "DISBURSEMENTS_SPONSORSHIP": (
            "disbursements.sponsorship",
            "Sponsored pupils (con nuôi khuyến học)",
        ),
        "DISBURSEMENTS_COMMUNITY_LEARNING": (
            "disbursements.community_learning",
            "Support to community learning (hỗ trợ học tập cộng đồng)",
        ),
        "DISBURSEMENTS_OTHER": ("disbursements.other", "Other spending (chi khác)"),
        "TRANSFERS_OUT": ("transfers_out", "Sent to other funds (chuyển quỹ)"),
    },
)

# --- notification -------------------------------------------------------------------------------

SmsEncoding = closed_set(
    "SmsEncoding",
    "How an SMS is encoded, which sets its length per segment (bảng mã tin nhắn)",
    {
        "GSM7": ("GSM7", "GSM 7-bit: 160 characters a segment (không dấu)"),
        "UCS2": ("UCS2", "UCS-2: 70 characters a segment (có dấu)"),
    },
)
