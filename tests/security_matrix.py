"""The security matrix's tables, read from the gateway's schema so no operation is forgotten:
every root field of Query and Mutation is public (with the reason), on the caller's own
session, or held by the roles listed here; each one with required arguments has minimal valid
ones, aimed at real records of one commune (see tests/e2e/test_security_matrix.py).

tests/unit/test_security_matrix.py fails when an operation appears without an entry here.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, get_named_type

from khuyenhoc.auth import Role
from khuyenhoc.sheets import write_workbook

ALL_ROLES = frozenset(Role)
REGISTRARS = frozenset(
    {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.BRANCH_OFFICER}
)
BRANCH_MANAGERS = REGISTRARS - {Role.BRANCH_OFFICER}
READERS = REGISTRARS | {Role.AUDITOR}
DECISION_READERS = READERS | {Role.AUTHORITY}
FUND_KEEPERS = REGISTRARS | {Role.FUND_MANAGER}
ACCOUNT_MANAGERS = frozenset({Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER})
ADMIN = frozenset({Role.PROVINCE_ADMIN})
# The province's configured signers and payment approvers (deploy/config.yaml): ``authority``
# by default; the province admin is listed too so a province that adds it stays green.
SIGNERS = frozenset({Role.AUTHORITY, Role.PROVINCE_ADMIN})
APPROVERS = frozenset({Role.AUTHORITY, Role.PROVINCE_ADMIN})

# Operations anyone may call, without a token, and why.
PUBLIC: dict[str, str] = {
    "consolidatedFundStatement": "báo cáo tổng hợp quỹ is published (công khai quỹ)",
    "criteriaSets": "the criteria in force are public law",
    "honourRoll": "tôn vinh: donors above the public threshold, by their consent",
    "orgUnit": "the directory of administrative units is public",
    "orgUnits": "the directory of administrative units is public",
    "posting": "niêm yết: a proposal list is posted publicly by law (initials only)",
    "postings": "niêm yết: a unit's posted lists are public by law (initials only)",
    "publicFundStatement": "công khai quỹ is published",
    "signInOptions": "the sign-in page must show how to sign in before any token",
    "verifyCertificate": "anyone holding a certificate may check it",
    "signIn": "obtains the token itself",
    "signInWithOidc": "obtains the token itself (the issuer vouches)",
    "refreshSession": "the refresh token is the credential, not a bearer token",
}

# Operations acting in the caller's own province with no unit or record of another one to
# aim at: another province's admin may call them, for its own province.
OWN_PROVINCE: dict[str, str] = {
    "deleteWebhook": "a webhook of the caller's own province (by name)",
    "registerWebhook": "a webhook of the caller's own province",
    "replayNotifications": "the caller's own province's dead messages",
    "uploadCriteriaSet": "a draft set of the caller's own province",
}

# Sheets whose rows name the units: any holder of the role may send one, and each row outside
# its subtree is refused by row (BAD_USER_INPUT naming the row, nothing written).
ROW_SCOPED: dict[str, str] = {
    "importDenominators": "rows name units; rows outside the subtree are refused by row",
    "importHamlets": "rows name communes; rows outside the subtree are refused by row",
}

# Operations on the caller's own session: any valid token may, so only the token faults
# (none, forged, expired, alg none, another key, disabled account) are refused.
SELF: dict[str, str] = {
    "me": "the caller's own account",
    "signOut": "ends the caller's own session",
    "changePassword": "the caller's own password, the current one required",
}

# Who holds the right, at a unit in reach; every other role is refused.
ALLOWED: dict[str, frozenset[Role]] = {
    # queries
    "accounts": ACCOUNT_MANAGERS,
    "assessment": ALL_ROLES,
    "certificates": REGISTRARS | {Role.AUTHORITY},
    "criteriaSetVersion": ADMIN,
    "decision": DECISION_READERS,
    "decisions": DECISION_READERS,
    "fund": ALL_ROLES,
    "importJob": ALL_ROLES,
    "listReview": READERS,
    "listReviews": READERS,
    "notifications": READERS,
    "proposal": DECISION_READERS,
    "registration": ALL_ROLES,
    "report": ALL_ROLES - {Role.PARTNER},
    "reviewRegistrations": READERS,
    "tenantCriteriaSets": ADMIN,
    "validateCriteriaSet": ADMIN,
    # mutations
    "activateCriteriaSet": ADMIN,
    "addMember": REGISTRARS,
    "approveDisbursement": APPROVERS,
    "attachEvidence": REGISTRARS,
    "closeBranch": BRANCH_MANAGERS,
    "closeHamlet": BRANCH_MANAGERS,
    "createAccount": ACCOUNT_MANAGERS,
    "createBranch": BRANCH_MANAGERS,
    "createHamlet": BRANCH_MANAGERS,
    "decideRecognition": SIGNERS,
    "decideRecognitionFromSheet": SIGNERS,
    "disableAccount": ACCOUNT_MANAGERS,
    "enableAccount": ACCOUNT_MANAGERS,
    "importDenominators": BRANCH_MANAGERS,
    "importHamlets": BRANCH_MANAGERS,
    "importListReview": REGISTRARS,
    "importTitleHistory": REGISTRARS,
    "importTitleHistoryFile": REGISTRARS,
    "moveBranch": BRANCH_MANAGERS,
    "proposeDisbursement": FUND_KEEPERS,
    "proposeRecognition": REGISTRARS,
    "recordDonation": FUND_KEEPERS,
    "recordListReview": REGISTRARS,
    "recordMembershipFee": FUND_KEEPERS,
    "recordReview": REGISTRARS,
    "recordTransfer": APPROVERS,
    "registerCitizen": REGISTRARS,
    "registerClan": REGISTRARS,
    "registerCommuneCommunity": REGISTRARS,
    "registerCommunity": REGISTRARS,
    "registerHousehold": REGISTRARS,
    "registerLearningUnit": REGISTRARS,
    "deleteWebhook": ADMIN,
    "registerWebhook": ADMIN,
    "renameBranch": BRANCH_MANAGERS,
    "renameHamlet": BRANCH_MANAGERS,
    "replayNotifications": ADMIN,
    "resetPassword": ACCOUNT_MANAGERS,
    "reverseEntry": APPROVERS,
    "revokeRecognition": SIGNERS,
    "setBranchHamlet": BRANCH_MANAGERS,
    "setBranchMembers": REGISTRARS,
    "setDenominators": BRANCH_MANAGERS,
    "setNotificationOptOut": REGISTRARS,
    "setProvinceTarget": ADMIN,
    "startImport": REGISTRARS,
    "submitSelfAssessment": REGISTRARS,
    "submitSelfAssessments": REGISTRARS,
    "subscribeNotifications": REGISTRARS,
    "updateRegistration": REGISTRARS,
    "uploadCriteriaSet": ADMIN,
    "withdrawRegistration": REGISTRARS,
}


@dataclass(frozen=True)
class Targets:
    """The records the matrix aims at: all in one commune of province 20 (ids the fixture
    could not make are left as plausible ids that name nothing)."""

    commune: str
    district: str = "183"
    tenant: str = "20"
    enrolment: str = "20-FAMILY-2024-none"
    subject: str = "none"
    proposal: str = "20:none:FAMILY:2024"
    decision: str = "none"
    branch: str = "none-001"
    hamlet: str = "none-T01"
    account: str = "none"
    entry: str = "none"
    disbursement: str = "none"
    member: str = "none"
    import_job: str = "none"
    list_review: str = "none"


DAY = (date.today() - timedelta(days=1)).isoformat()
ANSWERS = [{"indicator": "c1.i1", "points": 9}]
CONTENT = "dGVzdA=="  # base64 of "test"

# Minimal valid arguments of every operation with required ones (GraphQL variables by
# argument name), aimed at the targets; ``tenant`` is given wherever an input takes it, so
# another province's caller is refused for the tenant, not only for not finding the record.
ARGS: dict[str, Callable[[Targets], dict[str, Any]]] = {
    "accounts": lambda t: {"unitCode": t.commune},
    "assessment": lambda t: {"enrolmentId": t.enrolment},
    "certificates": lambda t: {"proposalId": t.proposal},
    "consolidatedFundStatement": lambda t: {
        "unitCode": t.commune,
        "from": "2024-01-01",
        "to": "2024-12-31",
        "tenant": t.tenant,
    },
    "criteriaSetVersion": lambda t: {"setId": "family", "version": 1, "tenant": t.tenant},
    "criteriaSets": lambda t: {"title": "FAMILY", "year": 2024},
    "decision": lambda t: {"id": t.decision},
    "decisions": lambda t: {"unitCode": t.commune, "year": 2024},
    "fund": lambda t: {"unitCode": t.commune, "tenant": t.tenant},
    "honourRoll": lambda t: {"unitCode": t.commune, "year": 2024, "tenant": t.tenant},
    "importJob": lambda t: {"id": t.import_job},
    "listReview": lambda t: {"id": t.list_review},
    "listReviews": lambda t: {"unitCode": t.commune, "year": 2024},
    "notifications": lambda t: {"unitCode": t.commune},
    "orgUnit": lambda t: {"code": t.commune, "tenant": t.tenant},
    "posting": lambda t: {"id": t.proposal},
    "postings": lambda t: {"unitCode": t.commune, "year": 2024},
    "proposal": lambda t: {"id": t.proposal},
    "publicFundStatement": lambda t: {
        "unitCode": t.commune,
        "from": "2024-01-01",
        "to": "2024-12-31",
        "tenant": t.tenant,
    },
    "registration": lambda t: {"enrolmentId": t.enrolment},
    "report": lambda t: {
        "unitCode": t.commune,
        "fromYear": 2024,
        "toYear": 2024,
        "tenant": t.tenant,
    },
    "reviewRegistrations": lambda t: {"unitCode": t.commune, "year": 2024, "title": "FAMILY"},
    "tenantCriteriaSets": lambda t: {"tenant": t.tenant},
    "validateCriteriaSet": lambda t: {"yaml": "id: x\n", "tenant": t.tenant},
    "verifyCertificate": lambda t: {"code": "KH-NONE"},
    # mutations: one ``input`` each unless said otherwise
    "activateCriteriaSet": lambda t: _input(t, setId="family", version=1, effectiveFromYear=2025),
    "addMember": lambda t: _input(t, branchCode=t.branch, fullName="Hội viên Mới", year=2024),
    "approveDisbursement": lambda t: _input(t, disbursementId=t.disbursement),
    "attachEvidence": lambda t: _input(
        t,
        enrolmentId=t.enrolment,
        fileName="minh-chung.pdf",
        contentType="application/pdf",
        content=CONTENT,
    ),
    "changePassword": lambda t: {
        "input": {"oldPassword": "mat-khau-cu-12345", "newPassword": "mat-khau-moi-12345"}
    },
    "closeBranch": lambda t: _input(t, code=t.branch, on=DAY),
    "closeHamlet": lambda t: _input(t, code=t.hamlet, on=DAY),
    "createAccount": lambda t: {
        "input": {
            "username": "matrix-new",
            "fullName": "Cán bộ Mới",
            "role": "COMMUNE_OFFICER",
            "unitCode": t.commune,
        }
    },
    "createBranch": lambda t: _input(
        t, communeCode=t.commune, name="Chi hội Mới", kind="RESIDENTIAL"
    ),
    "createHamlet": lambda t: _input(t, communeCode=t.commune, name="Thôn Mới"),
    "decideRecognition": lambda t: _input(
        t, proposalId=t.proposal, decisionNumber="99/QĐ-UBND", decisionDate=DAY, signer="Ai Đó"
    ),
    "decideRecognitionFromSheet": lambda t: _input(
        t,
        proposalId=t.proposal,
        decisionNumber="98/QĐ-UBND",
        decisionDate=DAY,
        signer="Ai Đó",
        sheet=CONTENT,
        sheetFileName="danh-sach.xlsx",
    ),
    "disableAccount": lambda t: {"input": {"username": t.account}},
    "enableAccount": lambda t: {"input": {"username": t.account}},
    "importDenominators": lambda t: {
        "input": {"fileName": "mau-so.xlsx", "content": _denominators_sheet(t.commune)}
    },
    "importHamlets": lambda t: {
        "input": {"fileName": "thon.xlsx", "content": _hamlets_sheet(t.commune)}
    },
    "importListReview": lambda t: _input(
        t,
        unitCode=t.commune,
        title="FAMILY",
        year=2024,
        documentId="BB-01",
        meetingDate=DAY,
        minutes="Biên bản",
        fileName="binh-xet.xlsx",
        content=CONTENT,
    ),
    "importTitleHistory": lambda t: _input(
        t,
        unitCode=t.commune,
        rows=[
            {
                "subjectId": t.subject,
                "title": "FAMILY",
                "year": 2020,
                "decisionNumber": "1/QĐ",
                "decisionDate": "2020-12-01",
            }
        ],
    ),
    "importTitleHistoryFile": lambda t: _input(
        t, unitCode=t.commune, fileName="lich-su.xlsx", content=CONTENT
    ),
    "moveBranch": lambda t: _input(t, code=t.branch, toUnitCode=t.commune, on=DAY),
    "proposeDisbursement": lambda t: _input(
        t,
        unitCode=t.commune,
        amount="100000",
        purpose="SCHOLARSHIP",
        beneficiary={"kind": "STUDENT", "name": "Học Sinh"},
    ),
    "proposeRecognition": lambda t: _input(t, unitCode=t.commune, title="FAMILY", year=2024),
    "recordDonation": lambda t: _input(
        t,
        unitCode=t.commune,
        amount="100000",
        donor={"name": "Nhà Hảo Tâm"},
        idempotencyKey="matrix-donation",
    ),
    "recordListReview": lambda t: _input(
        t,
        unitCode=t.commune,
        title="FAMILY",
        year=2024,
        documentId="BB-02",
        meetingDate=DAY,
        minutes="Biên bản",
        rows=[{"enrolmentId": t.enrolment}],
    ),
    "recordMembershipFee": lambda t: _input(
        t, unitCode=t.commune, memberId=t.member, year=2024, amount="10000"
    ),
    "recordReview": lambda t: _input(
        t, enrolmentId=t.enrolment, answers=ANSWERS, minutes="Biên bản"
    ),
    "recordTransfer": lambda t: _input(
        t,
        fromUnitCode=t.commune,
        toUnitCode=t.district,
        amount="1000",
        idempotencyKey="matrix-transfer",
    ),
    "refreshSession": lambda t: {"input": {"refreshToken": "not-a-refresh-token"}},
    "registerCitizen": lambda t: _input(
        t,
        communeCode=t.commune,
        year=2024,
        fullName="Công Dân",
        birthYear=1990,
        nationalId="001090000001",
        labourGroup="WORKER",
    ),
    "registerClan": lambda t: _input(
        t, communeCode=t.commune, year=2024, clanName="Họ Mới", headName="Trưởng Họ"
    ),
    "registerCommuneCommunity": lambda t: _input(t, communeCode=t.commune, year=2024),
    "registerCommunity": lambda t: _input(t, communeCode=t.commune, year=2024),
    "registerHousehold": lambda t: _input(
        t, communeCode=t.commune, year=2024, headName="Chủ Hộ", address="Thôn 1"
    ),
    "registerLearningUnit": lambda t: _input(
        t, unitCode=t.commune, year=2024, name="Trường Mới", unitKind="SCHOOL"
    ),
    "deleteWebhook": lambda t: {"name": "matrix"},
    "registerWebhook": lambda t: {
        "input": {"name": "matrix", "url": "https://partner.example.org/hook"}
    },
    "renameBranch": lambda t: _input(t, code=t.branch, name="Chi hội Đổi Tên"),
    "renameHamlet": lambda t: _input(t, code=t.hamlet, name="Thôn Đổi Tên"),
    "resetPassword": lambda t: {"input": {"username": t.account}},
    "reverseEntry": lambda t: _input(t, entryId=t.entry, reason="Nhập nhầm"),
    "revokeRecognition": lambda t: _input(t, enrolmentId=t.enrolment, reason="Sai sót"),
    "setBranchHamlet": lambda t: _input(t, branchCode=t.branch, hamletCode=t.hamlet),
    "setBranchMembers": lambda t: _input(t, code=t.branch, year=2024, count=10),
    "setDenominators": lambda t: _input(t, unitCode=t.commune, year=2024, source="Thống kê"),
    "setNotificationOptOut": lambda t: {
        "input": {"subjectId": t.subject, "channel": "SMS", "optedOut": True}
    },
    "setProvinceTarget": lambda t: _input(
        t, code="FAMILY", fromYear=2026, toYear=2030, share=0.9, source="Nghị quyết"
    ),
    "signIn": lambda t: {"input": {"username": "matrix-nobody", "password": "sai-mat-khau-1"}},
    "signInWithOidc": lambda t: {
        "input": {
            "code": "x",
            "codeVerifier": "x" * 43,
            "nonce": "x",
            "redirectUri": "http://127.0.0.1/",
        }
    },
    "startImport": lambda t: _input(
        t, communeCode=t.commune, year=2024, kind="HOUSEHOLD", fileName="ds.csv", content=CONTENT
    ),
    "submitSelfAssessment": lambda t: _input(t, enrolmentId=t.enrolment, answers=ANSWERS),
    "submitSelfAssessments": lambda t: _input(
        t,
        unitCode=t.commune,
        title="FAMILY",
        year=2024,
        rows=[{"enrolmentId": t.enrolment, "answers": ANSWERS}],
    ),
    "subscribeNotifications": lambda t: {
        "input": {"unitCode": t.commune, "email": "can-bo@example.org", "name": "Cán bộ"}
    },
    "updateRegistration": lambda t: _input(t, enrolmentId=t.enrolment, size=4),
    "uploadCriteriaSet": lambda t: {"input": {"yaml": "id: x\n"}},
    "withdrawRegistration": lambda t: _input(t, enrolmentId=t.enrolment),
}


def _denominators_sheet(commune: str) -> str:
    from services.registration.denominators.sheet import COLUMNS  # noqa: PLC0415 - only here

    row = {"unitCode": commune, "year": 2024, "population": 5000, "source": "Niên giám"}
    return base64.b64encode(write_workbook("SỐ LIỆU", COLUMNS, rows=[row])).decode()


def _hamlets_sheet(commune: str) -> str:
    from services.registration.directory.hamlets_sheet import (  # noqa: PLC0415 - only here
        COLUMNS,
    )

    row = {"communeCode": commune, "name": "Thôn Ma Trận", "kind": "Thôn"}
    return base64.b64encode(write_workbook("THÔN", COLUMNS, rows=[row])).decode()


def _input(t: Targets, **fields: Any) -> dict[str, Any]:
    """An ``input`` argument in the targets' tenant."""
    return {"input": {**fields, "tenant": t.tenant}}


def operations(schema: GraphQLSchema) -> dict[str, tuple[str, GraphQLField]]:
    """Every root field of the schema: name → (``query`` or ``mutation``, field)."""
    found: dict[str, tuple[str, GraphQLField]] = {}
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert isinstance(root, GraphQLObjectType)
        for name, field in root.fields.items():
            found[name] = (kind, field)
    return found


def document(schema: GraphQLSchema, name: str, given: dict[str, Any]) -> str:
    """The operation ``name`` with the given arguments as variables, selecting only
    ``__typename`` (any data at all would be a leak)."""
    kind, field = operations(schema)[name]
    declared = [f"${arg}: {field.args[arg].type}" for arg in given]
    passed = [f"{arg}: ${arg}" for arg in given]
    variables = f"({', '.join(declared)})" if declared else ""
    arguments = f"({', '.join(passed)})" if passed else ""
    named = get_named_type(field.type)
    selection = " { __typename }" if isinstance(named, GraphQLObjectType) else ""
    return f"{kind} Matrix{variables} {{ {name}{arguments}{selection} }}"
