"""Every enum of the GraphQL contract with its values (issue 15: closed sets as enums), so a value
removed or added is noticed here as well as in contracts/schema-changes.yaml; the gateway's enums
hold exactly the strings the services answer, and the closed sets stay enums."""

from __future__ import annotations

import re

import pytest
from graphql import GraphQLEnumType, get_named_type

from gateway import enums
from gateway.directory.hamlets import HamletKind
from gateway.registration.enrolments import LabourGroup, LearningUnitKind
from gateway.wire import enum_value, wire_input
from ops.schema import live_schema
from services.fund import ledger
from services.fund.domain import identities
from services.registration.association.domain import BranchKind
from services.registration.denominators.domain import FIGURES
from services.registration.directory.hamlets import HamletKind as ServiceHamletKind
from services.registration.enrolment import domain as enrolment
from services.scoring.domain.assessment import AssessmentStatus
from services.scoring.set_registry import ACTIVE, DRAFT, SUPERSEDED

ENUMS = {
    "AccountStatus": ["ACTIVE", "DISABLED"],
    "AssessmentStatus": ["REGISTERED", "WITHDRAWN"],
    "BeneficiaryKind": ["OTHER", "SCHOOL", "STUDENT", "TEACHER"],
    "BranchKind": ["AGENCY", "BOARD", "CLAN", "RESIDENTIAL", "SCHOOL"],
    "CertificateStatus": ["EXPIRED", "REVOKED", "VALID"],
    "Channel": ["EMAIL", "SMS", "WEBHOOK"],
    "CriteriaSetStatus": ["ACTIVE", "DRAFT", "SUPERSEDED"],
    "DeliveryStatus": ["DEAD", "PENDING", "SENDING", "SENT", "SKIPPED"],
    "DenominatorFigure": [
        "ADULTS", "CLANS", "HAMLETS", "HOUSEHOLDS", "POPULATION", "STAFF", "UNITS",
    ],
    "DisbursementPurpose": [
        "AWARD", "COMMUNITY_LEARNING", "OTHER", "SCHOLARSHIP", "SPONSORSHIP", "UNIVERSITY_PRIZE",
    ],
    "DisbursementStatus": ["APPROVED", "PROPOSED", "REVERSED"],
    "DonationChannel": ["BANK_TRANSFER", "CASH", "VIETQR"],
    "DonationKind": ["CASH", "IN_KIND"],
    "DonationPurpose": ["EARMARKED", "GENERAL"],
    "DonationStatus": ["RECORDED", "REVERSED"],
    "DonorKind": ["CLAN", "ENTERPRISE", "FAMILY", "ORGANISATION", "OVERSEAS", "PERSON"],
    "EnrolmentStatus": ["ENROLLED", "WITHDRAWN"],
    "EntryKind": [
        "DISBURSEMENT", "DONATION", "MEMBERSHIP_FEE", "OTHER_INCOME", "REVERSAL", "TRANSFER_IN",
        "TRANSFER_OUT",
    ],
    "HamletKind": ["AP", "BAN", "KHU_PHO", "THON", "TO_DAN_PHO"],
    "ImportStatus": ["DONE", "FAILED", "PENDING", "RUNNING"],
    "IndicatorKind": ["COMPUTED", "MET", "POINTS"],
    "LabourGroup": ["PROFESSIONAL", "RURAL", "WORKER"],
    "LearningUnitKind": ["AGENCY", "ARMED_FORCES", "ENTERPRISE", "SCHOOL"],
    "LearningUnitLevel": ["COMMUNE", "DISTRICT", "PROVINCE"],
    "LedgerAccount": [
        "CASH", "DISBURSEMENTS_AWARD", "DISBURSEMENTS_COMMUNITY_LEARNING", "DISBURSEMENTS_OTHER",
        "DISBURSEMENTS_SCHOLARSHIP", "DISBURSEMENTS_SPONSORSHIP",
        "DISBURSEMENTS_UNIVERSITY_PRIZE", "DONATIONS_CASH", "DONATIONS_IN_KIND",
        "MEMBERSHIP_FEES", "OTHER_INCOME", "TRANSFERS_IN", "TRANSFERS_OUT",
    ],
    "ListReviewRowStatus": ["NOT_RECOGNISED", "RECOGNISED", "SKIPPED", "UNDECIDABLE"],
    "ListReviewState": ["APPLYING", "RECORDED"],
    "NamePolicy": ["FULL", "INITIALS"],
    "PostingState": ["ENDED", "RUNNING"],
    "Role": [
        "AUDITOR", "AUTHORITY", "BRANCH_OFFICER", "COMMUNE_OFFICER", "DISTRICT_OFFICER",
        "FUND_MANAGER", "PARTNER", "PROVINCE_ADMIN",
    ],
    "SelfAssessmentOutcome": ["REFUSED", "UNCHANGED", "WRITTEN"],
    "SmsEncoding": ["GSM7", "UCS2"],
    "SubjectKind": ["CITIZEN", "CLAN", "COMMUNE", "COMMUNITY", "HOUSEHOLD", "LEARNING_UNIT"],
    "Title": ["CITIZEN", "CLAN", "COMMUNE_COMMUNITY", "COMMUNITY", "FAMILY", "UNIT"],
    "UnitKind": [
        "AGENCY", "AP", "BAN", "BOARD", "CLAN", "KHU_PHO", "RESIDENTIAL", "SCHOOL", "THON",
        "TO_DAN_PHO",
    ],
    "UnitLevel": ["BRANCH", "COMMUNE", "DISTRICT", "HAMLET", "PROVINCE"],
    "VerdictStatus": ["NOT_RECOGNISED", "RECOGNISED", "UNDECIDABLE"],
}  # fmt: skip

# Fields and arguments that hold a closed set: each must stay an enum (type.field or
# type.field(argument)).
CLOSED_SETS = {
    "Assessment.status": "AssessmentStatus",
    "AwardCategory.purpose": "DisbursementPurpose",
    "Beneficiary.kind": "BeneficiaryKind",
    "BeneficiaryInput.kind": "BeneficiaryKind",
    "BranchCount.kind": "BranchKind",
    "CriteriaSetVersion.status": "CriteriaSetStatus",
    "DenominatorSource.figure": "DenominatorFigure",
    "Disbursement.purpose": "DisbursementPurpose",
    "Disbursement.status": "DisbursementStatus",
    "DisbursementProposalInput.purpose": "DisbursementPurpose",
    "Donation.channel": "DonationChannel",
    "Donation.kind": "DonationKind",
    "Donation.purpose": "DonationPurpose",
    "Donation.status": "DonationStatus",
    "DonationInput.channel": "DonationChannel",
    "DonationInput.kind": "DonationKind",
    "DonationInput.purpose": "DonationPurpose",
    "Donor.kind": "DonorKind",
    "DonorInput.kind": "DonorKind",
    "Entry.kind": "EntryKind",
    "HonourLine.kind": "DonorKind",
    "ImportJob.kind": "SubjectKind",
    "ImportJob.status": "ImportStatus",
    "IndicatorInfo.kind": "IndicatorKind",
    "IndicatorVerdict.kind": "IndicatorKind",
    "ListReview.state": "ListReviewState",
    "ListReviewRow.status": "ListReviewRowStatus",
    "ListReviewSummary.state": "ListReviewState",
    "Notification.encoding": "SmsEncoding",
    "OrgUnit.kind": "UnitKind",
    "OrgUnit.level": "UnitLevel",
    "OrgUnit.subjects(status)": "EnrolmentStatus",
    "Posting.names": "NamePolicy",
    "PostingRow.subjectKind": "SubjectKind",
    "Query.orgUnits(level)": "UnitLevel",
    "RegisterLearningUnitInput.level": "LearningUnitLevel",
    "ReportChild.level": "UnitLevel",
    "ReportUnit.level": "UnitLevel",
    "SelfAssessmentRowOutcome.outcome": "SelfAssessmentOutcome",
    "SelfAssessmentRowOutcome.status": "VerdictStatus",
    "StatementLine.account": "LedgerAccount",
    "Subject.kind": "SubjectKind",
    "Subject.status": "EnrolmentStatus",
    "TitleYear.status": "AssessmentStatus",
    "Verdict.status": "VerdictStatus",
    "Withdrawn.status": "EnrolmentStatus",
}


def _enums() -> dict[str, GraphQLEnumType]:
    return {
        name: t
        for name, t in live_schema().type_map.items()
        if isinstance(t, GraphQLEnumType) and not name.startswith("__")
    }


def test_every_enum_and_its_values_are_the_documented_ones():
    assert {name: sorted(t.values) for name, t in _enums().items()} == ENUMS


def test_every_enum_value_is_described_in_english_with_the_vietnamese_term():
    vietnamese = re.compile(
        r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]"
    )
    undescribed = [
        f"{name}.{value}"
        for name, t in _enums().items()
        for value, v in t.values.items()
        if not v.description or not vietnamese.search(v.description.lower())
    ]
    assert undescribed == []


@pytest.mark.parametrize(("where", "enum"), sorted(CLOSED_SETS.items()))
def test_closed_sets_stay_enums(where, enum):
    schema = live_schema()
    match = re.fullmatch(r"(\w+)\.(\w+)(?:\((\w+)\))?", where)
    assert match
    type_name, field_name, argument = match.groups()
    field = schema.type_map[type_name].fields[field_name]  # type: ignore[attr-defined]
    typed = field.args[argument].type if argument else field.type
    assert get_named_type(typed).name == enum


def _values(enum: object) -> set[str]:
    return {str(m.value) for m in enum._meta.enum}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("enum", "service"),
    [
        (enums.UnitKind, {*BranchKind, *ServiceHamletKind}),
        (enums.BranchKind, set(BranchKind)),
        (HamletKind, set(ServiceHamletKind)),
        (enums.SubjectKind, set(enrolment.SubjectKind)),
        (LearningUnitKind, set(enrolment.LearningUnitKind)),
        (LabourGroup, set(enrolment.LabourGroup)),
        (enums.EnrolmentStatus, {enrolment.ENROLLED, enrolment.WITHDRAWN_STATUS}),
        (enums.DenominatorFigure, set(FIGURES)),
        (enums.AssessmentStatus, set(AssessmentStatus)),
        (enums.CriteriaSetStatus, {DRAFT, ACTIVE, SUPERSEDED}),
        (enums.DonorKind, set(identities.DonorKind)),
        (enums.DonationChannel, set(identities.Channel)),
        (enums.BeneficiaryKind, set(identities.BeneficiaryKind)),
        (enums.DisbursementStatus, set(identities.DisbursementStatus)),
        (enums.DonationKind, set(ledger.DonationKind)),
        (enums.DisbursementPurpose, set(ledger.Purpose)),
        (enums.EntryKind, set(ledger.Kind)),
        (enums.LedgerAccount, set(ledger.ACCOUNT_NAMES)),
    ],
)
def test_an_enum_holds_exactly_the_strings_its_service_answers(enum, service):
    assert _values(enum) == {str(v) for v in service}


def test_resolvers_answer_the_services_strings_and_arguments_reach_them_as_those_strings():
    member = enums.UnitLevel._meta.enum.COMMUNE
    assert member == "commune"
    assert enum_value(member) == "commune"
    assert wire_input({"purpose": enums.DonationPurpose._meta.enum.EARMARKED}) == {
        "purpose": "earmarked"
    }
