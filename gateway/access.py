"""Who may see and change what, decided at the gateway from the caller's token: the one place
for scope (the caller's subtree), roles and tenant.

Public without a token: the directory of administrative units, the criteria sets, the public
fund statement and honour roll, the posting (niêm yết) of proposal lists. Everything else
needs a caller whose tenant is the unit's and whose unit is the unit itself or one of its
ancestors. Refusals name no private fact: the same answer whether the data exists or not.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from graphql import GraphQLError

from gateway.messages import message
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath

UNAUTHENTICATED_MESSAGE = message("unauthenticated")
FORBIDDEN_MESSAGE = message("forbidden")
INVALID_TOKEN_MESSAGE = message("invalid_token")

# Roles that open, rename and close branches in their subtree.
BRANCH_MANAGERS: frozenset[Role] = frozenset(
    {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}
)
# Roles that register subjects (and branch members) for the units in their subtree.
REGISTRARS: frozenset[Role] = frozenset(
    {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.BRANCH_OFFICER}
)
# Those who may also read the delivery log.
READERS: frozenset[Role] = REGISTRARS | {Role.AUDITOR}
# Officers who record money coming in and propose payments, in their subtree.
FUND_KEEPERS: frozenset[Role] = frozenset({*REGISTRARS, Role.FUND_MANAGER})
# Who prints and lists a decided list's certificates: registrars and authorities, in reach.
CERTIFICATE_PRINTERS: frozenset[Role] = frozenset({*REGISTRARS, Role.AUTHORITY})

# Who reads a unit's reports (data and files) in reach: every officer role, never a partner
# (a report's lists name people).
REPORT_READERS: frozenset[Role] = frozenset(Role) - {Role.PARTNER}


def unauthenticated() -> GraphQLError:
    return GraphQLError(UNAUTHENTICATED_MESSAGE, extensions={"code": "UNAUTHENTICATED"})


def forbidden() -> GraphQLError:
    return GraphQLError(FORBIDDEN_MESSAGE, extensions={"code": "FORBIDDEN"})


def authenticated(info: Any) -> Caller:
    caller: Caller | None = info.context.caller
    if caller is None:
        raise unauthenticated()
    return caller


def require_scope(info: Any, path: UnitPath, roles: Collection[Role] | None = None) -> Caller:
    """The caller, if it may act on ``path`` (and holds one of ``roles``, when given)."""
    caller = authenticated(info)
    if not caller.covers(path) or (roles is not None and caller.role not in roles):
        raise forbidden()
    return caller


def visible(
    info: Any, found: dict[str, Any] | None, path_field: str = "unitpath"
) -> dict[str, Any] | None:
    """A record read in the caller's tenant, if its unit lies in the caller's subtree; None
    when there is none (another tenant's included)."""
    if found is not None:
        require_scope(info, UnitPath.parse(found[path_field]))
    return found


def readable_unit(info: Any, unit: dict[str, Any] | None, roles: Collection[Role]) -> UnitPath:
    """The path of a unit the caller reads with one of ``roles``; the same refusal whether the
    unit exists or not."""
    if unit is None:
        authenticated(info)
        raise forbidden()
    path = UnitPath.parse(unit["path"])
    require_scope(info, path, roles)
    return path


def write_tenant(caller: Caller, tenant: str | None) -> str:
    """The tenant of a write: it defaults to the caller's and must be it."""
    tenant = tenant or caller.tenant
    if tenant != caller.tenant:
        raise forbidden()
    return tenant


def require_reach(caller: Caller, path: str | None, roles: Collection[Role]) -> None:
    """A target that exists (``path``) must lie in the caller's subtree and the caller hold one
    of ``roles``. A target that does not exist is left for the service to answer per field, so
    nothing tells one tenant what another holds."""
    if path is not None and (not caller.covers(UnitPath.parse(path)) or caller.role not in roles):
        raise forbidden()


def require_role(caller: Caller, roles: Collection[Role]) -> None:
    if caller.role not in roles:
        raise forbidden()


def require_authority(
    caller: Caller, path: str | None, rules: Collection[str], caller_level: str | None = None
) -> None:
    """The decision on a title belongs to the roles the province configured for it (see
    :func:`may_decide`); for a target that does not exist, holding such a role is enough (the
    service then answers per field). An authority of the province refused for a unit in its
    reach is told who signs instead."""
    if path is None:
        if caller.role.value not in {_rule(rule)[0] for rule in rules}:
            raise forbidden()
        return
    unit = UnitPath.parse(path)
    if may_decide(caller, unit, rules, caller_level):
        return
    if caller.covers(unit) and caller.role.value in {_rule(rule)[0] for rule in rules}:
        raise not_the_signer(rules)
    raise forbidden()


_RULE = re.compile(r"^([a-z_]+)(.*)$")
# Where a rule's holder must sit, relative to the proposal's unit, as the refusal says it.
SIGNERS = {
    "": "signer_any",
    ":above": "signer_above",
    ":same": "signer_same",
    ":parent": "signer_parent",
    "@commune": "signer_commune",
    "@district": "signer_district",
    "@province": "signer_province",
}


def _rule(rule: str) -> tuple[str, str]:
    found = _RULE.match(rule)
    return (found.group(1), found.group(2)) if found else (rule, "?")


def may_decide(
    caller: Caller, unit: UnitPath, rules: Collection[str], caller_level: str | None = None
) -> bool:
    """Whether the caller holds the authority configured for a title (who signs: item 7 of
    issue 12). A rule is a role and where its holder's own unit sits: ``authority`` (at or
    above the unit), ``authority:above`` (above it), ``authority:same`` (the unit itself),
    ``authority:parent`` (directly above it: TT 25/2023 has a commune's learning community
    recognised by the district, by the province after the 2025 reform), ``authority@commune``
    / ``@district`` / ``@province`` (the unit of that level containing it: the caller's unit
    is of that level, ``caller_level`` from the directory, and contains the unit)."""
    own = caller.unit_path
    for rule in rules:
        role, where = _rule(rule)
        if caller.role.value != role or not caller.covers(unit):
            continue
        if (
            where == ""
            or (where == ":above" and own.depth < unit.depth)
            or (where == ":same" and own == unit)
            or (where == ":parent" and own.codes == unit.codes[:-1])
            or (where.startswith("@") and caller_level is not None and where[1:] == caller_level)
        ):
            return True
    return False


def not_the_signer(rules: Collection[str]) -> GraphQLError:
    """FORBIDDEN, saying in Vietnamese whose signature the decision needs."""
    who = " hoặc ".join(
        dict.fromkeys(message(SIGNERS.get(_rule(rule)[1], "signer_any")) for rule in rules)
    )
    return GraphQLError(message("not_the_signer", who=who), extensions={"code": "FORBIDDEN"})


# Who manages officer accounts (create, disable/enable, reset a password): a province admin,
# any account of its subtree; a district officer, the accounts of the units below its own
# (communes, branches...) with the roles it may hand out (never an admin's or its own).
ACCOUNT_MANAGERS: frozenset[Role] = frozenset({Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER})
DISTRICT_GRANTS: frozenset[Role] = frozenset(
    {Role.COMMUNE_OFFICER, Role.BRANCH_OFFICER, Role.AUTHORITY, Role.FUND_MANAGER}
)


def may_manage_account(caller: Caller, path: UnitPath, role: Role) -> bool:
    """Whether ``caller`` may create or manage an account of ``role`` at ``path``."""
    if caller.role not in ACCOUNT_MANAGERS or not caller.covers(path):
        return False
    if caller.role == Role.DISTRICT_OFFICER:
        return role in DISTRICT_GRANTS and path.depth > caller.unit_path.depth
    return True


# -- personal data: what a partner system's token reads (the one rule) ---------------------
#
# A partner token (Role.PARTNER) reads what docs/partners.md promises: public data and
# aggregate figures, never a person. Three lists, applied to the schema once by
# :func:`guard_personal_data` (gateway/schema.py), so no resolver has to remember them:
# the root fields a partner may use (every other one, and every new one, is refused), the
# fields that hold personal data, and the officers' records (lists of people) inside a field a
# partner may read. tests/unit/test_personal_data.py makes every field whose name looks
# personal be listed here, either as personal or as public with why.

PARTNER_QUERIES: frozenset[str] = frozenset(
    {
        # the public directory, criteria and certificates' verification (as without a token)
        "orgUnit",
        "orgUnits",
        "criteriaSets",
        "criteriaSetVersion",
        "tenantCriteriaSets",
        "verifyCertificate",
        "signInOptions",
        "me",
        # the public posting (niêm yết): what the law has posted for everyone to read
        "posting",
        "postings",
        # the fund's public statement, honour roll and figures (its records: refused below)
        "fund",
        "publicFundStatement",
        "honourRoll",
        "consolidatedFundStatement",
    }
)
# A partner writes nothing but its own session.
PARTNER_MUTATIONS: frozenset[str] = frozenset(
    {"signIn", "refreshSession", "signInWithOidc", "signOut", "changePassword"}
)

# Type -> field -> what personal data it holds. Refused to a partner wherever it appears.
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "Account": {
        "username": "an officer's sign-in name",
        "fullName": "an officer's name",
        "createdBy": "an officer's sign-in name",
        "updatedBy": "an officer's sign-in name",
    },
    "Beneficiary": {
        "name": "a beneficiary's full name (often a minor)",
        "school": "a minor's school",
        "grade": "a minor's class",
        "birthYear": "a minor's year of birth",
    },
    "Certificate": {"holderName": "the name of a household, citizen or clan head"},
    "CriteriaSetVersion": {
        "uploadedBy": "an officer's sign-in name",
        "activatedBy": "an officer's sign-in name",
    },
    "DecisionDocument": {"enteredBy": "an officer's sign-in name"},
    "Disbursement": {
        "proposedBy": "an officer's sign-in name",
        "approvedBy": "an officer's sign-in name",
    },
    "Donor": {
        "name": "a private donor's name",
        "email": "a donor's e-mail",
        "phone": "a donor's phone number",
    },
    "ListReview": {
        "chair": "a person's name",
        "secretary": "a person's name",
        "attendees": "people's names",
        "by": "an officer's sign-in name",
    },
    "ListReviewRow": {"note": "free text about a household or person"},
    "Notification": {
        "recipient": "who a message went to (a subject, an address)",
        "text": "the message sent, with the recipient's name",
    },
    "NotificationSubscription": {"email": "an officer's e-mail"},
    "ProposalSubject": {"name": "a subject's name"},
    "RegisteredMember": {"name": "a family member's name", "birthYear": "a member's year of birth"},
    "Registration": {
        "name": "a subject's name",
        "address": "a household's address",
        "phone": "a phone number",
        "headName": "the head of household's name",
        "headBirthYear": "a year of birth",
        "members": "a household's members",
        "clanName": "a family's name",
        "birthYear": "a year of birth",
        "nationalIdLast4": "digits of a national ID (CCCD)",
    },
    "ReviewRegistration": {"name": "a subject's name"},
    "StageRecord": {"by": "an officer's sign-in name", "note": "free text about a subject"},
    "Subject": {"name": "a subject's name"},
}

# Officers' records inside a field a partner may read: lists of people, refused as a whole.
PARTNER_REFUSED: dict[str, dict[str, str]] = {
    "OrgUnit": {
        "subjects": "the unit's registered households, citizens, clans (names)",
        "recognitionDeadlines": "officers' working dates",
    },
    "Fund": {
        "donations": "donations with their donors",
        "disbursements": "payments with their beneficiaries (minors)",
    },
}

# Fields whose name looks personal but that hold public facts, and why.
NOT_PERSONAL: dict[str, str] = {
    "*.unitName": "a unit's name",
    "*.titleName": "a title's name",
    "*.fileName": "an uploaded file's name",
    "*.kindName": "a kind's name",
    "*.numeratorName": "a figure's name",
    "*.denominatorName": "a figure's name",
    "OrgUnit.name": "a unit's name",
    "ReportUnit.name": "a unit's name",
    "ReportUnit.names": "a unit's names over the years",
    "ReportChild.name": "a unit's name",
    "ReportChild.members": "a count",
    "Report.members": "a count",
    "Stats.members": "a count",
    "PredecessorLink.name": "a unit's name",
    "YearName.name": "a unit's name",
    "CriterionInfo.name": "a criterion",
    "CriterionVerdict.name": "a criterion",
    "IndicatorInfo.name": "an indicator",
    "IndicatorVerdict.name": "an indicator",
    "Figure.name": "a figure",
    "Earmark.name": "a purpose of money",
    "EarmarkLine.name": "a purpose of money",
    "Webhook.name": "a partner system's name",
    "ProgressTarget.nationalShare": "a share",
    "Posting.names": "how the posting shows names (a setting)",
    "PostingRow.name": "posted by law (niêm yết), as the province posts it, for everyone",
    "HonourLine.name": "the public honour roll: named by the donor's consent above the "
    "province's threshold, else 'Nhà hảo tâm ẩn danh'",
    "PublicDonor.name": "the public statement: as the honour roll",
    "PublicBeneficiary.name": "the public statement: a minor by initials only",
    "PublicBeneficiary.grade": "the public statement: a class, no name",
    "CertificateVerification.holderName": "shown to whoever holds the certificate's code",
    "DecisionDocument.signer": "the public signer of a decision",
    "DecisionDocument.signerPosition": "the public signer's position",
    "Recognition.signer": "the public signer of a decision",
    "Recognition.signerPosition": "the public signer's position",
}


def is_partner(caller: Caller | None) -> bool:
    return caller is not None and caller.role == Role.PARTNER


def partner_refused(type_name: str, field_name: str) -> bool:
    """Whether a partner token is refused this field (not counting the root fields)."""
    return field_name in PERSONAL_FIELDS.get(type_name, {}) or field_name in PARTNER_REFUSED.get(
        type_name, {}
    )


def guard_personal_data(graphql_schema: Any) -> None:
    """Wrap the resolvers of every field a partner may not read (root fields not in
    ``PARTNER_QUERIES`` / ``PARTNER_MUTATIONS``, personal fields, officers' records): for a
    partner's token they answer FORBIDDEN, for anyone else as before. Once per schema."""
    roots = {
        graphql_schema.query_type.name: PARTNER_QUERIES,
        graphql_schema.mutation_type.name: PARTNER_MUTATIONS,
    }
    for type_name, kind in graphql_schema.type_map.items():
        fields = getattr(kind, "fields", None)
        if type_name.startswith("__") or not isinstance(fields, dict):
            continue
        allowed = roots.get(type_name)
        for field_name, field in fields.items():
            if not hasattr(field, "resolve"):  # an input object's field
                continue
            refused = (
                field_name not in allowed
                if allowed is not None
                else partner_refused(type_name, field_name)
            )
            if refused and not getattr(field.resolve, "partner_guard", False):
                field.resolve = _refusing_partners(field.resolve)


def _refusing_partners(resolve: Any) -> Any:
    from graphql import default_field_resolver  # noqa: PLC0415 - only when wrapping the schema

    original = resolve or default_field_resolver

    def guarded(root: Any, info: Any, **args: Any) -> Any:
        if is_partner(getattr(info.context, "caller", None)):
            raise forbidden()
        return original(root, info, **args)

    guarded.partner_guard = True  # type: ignore[attr-defined]
    return guarded
