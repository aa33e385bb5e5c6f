"""The GraphQL schema: one graph over the services, answering at every level of the hierarchy.

Resolvers only translate: they call the services over RPC (``info.context.rpc``) and map
results; rules stay in the services. Access is checked in :mod:`gateway.access`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.assessments import (
    Assessment,
    AttachEvidence,
    CriteriaSetInfo,
    DecideRecognition,
    ProposeRecognition,
    RecordReview,
    RevokeRecognition,
    SubmitSelfAssessment,
    resolve_assessment,
    resolve_criteria_sets,
)
from gateway.branches import (
    AddMember,
    CloseBranch,
    CreateBranch,
    RenameBranch,
    SetBranchMembers,
)
from gateway.fund import FUND_QUERIES
from gateway.fund_mutations import (
    ApproveDisbursement,
    ProposeDisbursement,
    RecordDonation,
    RecordMembershipFee,
    RecordTransfer,
    ReverseEntry,
)
from gateway.imports import ImportJob, StartImport, resolve_import_job
from gateway.notifications import (
    NOTIFICATIONS_FIELD,
    RegisterWebhook,
    ReplayNotifications,
    SetNotificationOptOut,
    SubscribeNotifications,
)
from gateway.registrations import (
    RegisterCitizen,
    RegisterClan,
    RegisterCommuneCommunity,
    RegisterCommunity,
    RegisterHousehold,
    RegisterLearningUnit,
    WithdrawRegistration,
)
from gateway.types import OrgUnit, Title, iso_date


class Query(graphene.ObjectType):
    org_unit = graphene.Field(
        OrgUnit,
        code=graphene.String(required=True),
        tenant=graphene.String(),
        at=graphene.Date(description="The unit as it was on this day (default today)"),
    )
    org_units = graphene.List(
        graphene.NonNull(OrgUnit),
        required=True,
        level=graphene.String(),
        parent=graphene.String(description="Parent unit code"),
        search=graphene.String(description="Name, with or without diacritics"),
        tenant=graphene.String(),
        at=graphene.Date(),
        first=graphene.Int(default_value=50),
    )

    criteria_sets = graphene.List(
        graphene.NonNull(CriteriaSetInfo),
        required=True,
        title=graphene.Argument(Title, required=True),
        year=graphene.Int(required=True),
        resolver=resolve_criteria_sets,
        description="The criteria sets in force (public); provisional ones say so",
    )
    assessment = graphene.Field(
        Assessment, enrolment_id=graphene.String(required=True), resolver=resolve_assessment
    )
    import_job = graphene.Field(
        ImportJob, id=graphene.String(required=True), resolver=resolve_import_job
    )
    notifications = NOTIFICATIONS_FIELD
    fund = FUND_QUERIES["fund"]
    public_fund_statement = FUND_QUERIES["public_fund_statement"]
    honour_roll = FUND_QUERIES["honour_roll"]

    @staticmethod
    def resolve_org_unit(
        root: Any, info: Any, code: str, tenant: str | None = None, at: date | None = None
    ) -> dict[str, Any] | None:
        return info.context.rpc.registration.get_unit(code, tenant, iso_date(at))

    @staticmethod
    def resolve_org_units(
        root: Any,
        info: Any,
        level: str | None = None,
        parent: str | None = None,
        search: str | None = None,
        tenant: str | None = None,
        at: date | None = None,
        first: int = 50,
    ) -> list[dict[str, Any]]:
        return info.context.rpc.registration.search_units(
            tenant, level, parent, search, iso_date(at), first
        )


class Mutation(graphene.ObjectType):
    submit_self_assessment = SubmitSelfAssessment.Field()
    record_review = RecordReview.Field()
    attach_evidence = AttachEvidence.Field()
    propose_recognition = ProposeRecognition.Field()
    decide_recognition = DecideRecognition.Field()
    revoke_recognition = RevokeRecognition.Field()
    start_import = StartImport.Field()
    register_household = RegisterHousehold.Field()
    register_clan = RegisterClan.Field()
    register_community = RegisterCommunity.Field()
    register_learning_unit = RegisterLearningUnit.Field()
    register_citizen = RegisterCitizen.Field()
    register_commune_community = RegisterCommuneCommunity.Field()
    withdraw_registration = WithdrawRegistration.Field()
    create_branch = CreateBranch.Field()
    rename_branch = RenameBranch.Field()
    close_branch = CloseBranch.Field()
    set_branch_members = SetBranchMembers.Field()
    add_member = AddMember.Field()
    set_notification_opt_out = SetNotificationOptOut.Field()
    subscribe_notifications = SubscribeNotifications.Field()
    register_webhook = RegisterWebhook.Field()
    replay_notifications = ReplayNotifications.Field()
    record_donation = RecordDonation.Field()
    propose_disbursement = ProposeDisbursement.Field()
    approve_disbursement = ApproveDisbursement.Field()
    record_transfer = RecordTransfer.Field()
    record_membership_fee = RecordMembershipFee.Field()
    reverse_entry = ReverseEntry.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)
