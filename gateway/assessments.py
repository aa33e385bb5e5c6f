"""GraphQL of scoring: the criteria sets in force, self-assessments, reviews and verdicts."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import (
    REGISTRARS,
    authenticated,
    forbidden,
    in_reach,
    may_decide,
    require_scope,
    scoped_unit,
)
from gateway.errors import input_error, wire_input
from gateway.types import Title, key
from khuyenhoc.auth import Role
from khuyenhoc.tenancy import UnitPath

# Any role may be configured as an authority; the configured list is checked per title.
AUTHORITY_ROLES = frozenset(Role)


class Reason(graphene.ObjectType):
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class IndicatorVerdict(graphene.ObjectType):
    id = graphene.String(required=True)
    kind = graphene.String(required=True)
    level = graphene.Int(required=True)
    points = graphene.Int()
    max_points = graphene.Int()
    min_points = graphene.Int()
    below_floor = graphene.Boolean()
    met = graphene.Boolean()
    value = graphene.Float()
    reasons = graphene.List(graphene.NonNull(Reason), required=True)


class CriterionVerdict(graphene.ObjectType):
    id = graphene.String(required=True)
    name = graphene.String()
    points = graphene.Int()
    max_points = graphene.Int()
    indicators = graphene.List(graphene.NonNull(IndicatorVerdict), required=True)


class Verdict(graphene.ObjectType):
    """The engine's answer: recognised (criteria met), not_recognised or undecidable, with why."""

    status = graphene.String(required=True)
    level = graphene.Int()
    total = graphene.Int()
    provisional = graphene.Boolean(
        required=True, description="The set's numbers are not all official"
    )
    set_id = graphene.String(required=True)
    missing = graphene.List(graphene.NonNull(graphene.String), required=True)
    unknown_parameters = graphene.List(graphene.NonNull(graphene.String), required=True)
    reasons = graphene.List(graphene.NonNull(Reason), required=True)
    explanation = graphene.List(graphene.NonNull(CriterionVerdict), required=True)


class Figure(graphene.ObjectType):
    name = graphene.String(required=True)
    value = graphene.Float(required=True)


def _figures(field: str) -> Any:
    def resolve(record: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        given = record.get(field) or {}
        return [{"name": name, "value": value} for name, value in sorted(given.items())]

    return resolve


class StageRecord(graphene.ObjectType):
    set_id = graphene.String(required=True)
    at = graphene.String(required=True)
    by = graphene.String()
    minutes = graphene.String(description="Biên bản họp bình xét (review only)")
    verdict = graphene.Field(Verdict, required=True)
    figures = graphene.List(
        graphene.NonNull(Figure),
        required=True,
        description="Figures entered for computed indicators",
        resolver=_figures("figures"),
    )
    computed_figures = graphene.List(
        graphene.NonNull(Figure),
        required=True,
        description="Figures the platform computed itself (a learning unit's share of learning "
        "citizens, a commune's shares of recognised families...); they win over entered ones",
        resolver=_figures("computed_figures"),
    )
    recomputed_at = graphene.String(
        description="When the platform last judged this stage again because its figures moved"
    )


class Revocation(graphene.ObjectType):
    reason = graphene.String(required=True)
    at = graphene.String(required=True)


class Recognition(graphene.ObjectType):
    """Quyết định công nhận: who decided, when, at which level, until when."""

    decision_number = graphene.String(required=True)
    decision_date = graphene.String(required=True)
    signer = graphene.String(required=True)
    level = graphene.Int()
    valid_until = graphene.String()
    set_id = graphene.String(required=True)
    revoked = graphene.Field(Revocation)


class EvidenceInfo(graphene.ObjectType):
    id = graphene.String(required=True)
    file_name = graphene.String(required=True)
    content_type = graphene.String(required=True)
    size = graphene.Int(required=True)
    url = graphene.String(required=True, description="Download (with a token)")


class Assessment(graphene.ObjectType):
    enrolment_id = graphene.String(required=True, resolver=key("_id"))
    title = graphene.Field(Title, required=True)
    year = graphene.Int(required=True)
    status = graphene.String(required=True)
    unit_path = graphene.String(required=True, resolver=key("unitpath"))
    self_assessment = graphene.Field(StageRecord)
    review = graphene.Field(StageRecord, description="Bình xét: the verdict that counts")
    recognition = graphene.Field(Recognition)
    evidence = graphene.List(
        graphene.NonNull(EvidenceInfo),
        required=True,
        description="Minh chứng of the self-assessment",
    )

    @staticmethod
    def resolve_evidence(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return [
            {**meta, "id": evidence_id, "url": f"/files/evidence/{root['_id']}/{evidence_id}"}
            for evidence_id, meta in sorted((root.get("evidence") or {}).items())
        ]


class IndicatorInfo(graphene.ObjectType):
    id = graphene.String(required=True)
    name = graphene.String()
    kind = graphene.String(required=True)
    max_points = graphene.Int(resolver=key("maxPoints"))
    min_points = graphene.Int(resolver=key("minPoints"))
    level = graphene.Int(required=True)
    provisional = graphene.Boolean(required=True)


class CriteriaSetInfo(graphene.ObjectType):
    id = graphene.String(required=True)
    title = graphene.Field(Title, required=True)
    issuer = graphene.String(required=True)
    decision = graphene.String(required=True)
    provisional = graphene.Boolean(required=True)
    sources = graphene.List(graphene.NonNull(graphene.String), required=True)
    group = graphene.String()
    total_points = graphene.Int(resolver=key("totalPoints"))
    pass_mark = graphene.Int(resolver=key("passMark"))
    indicators = graphene.List(graphene.NonNull(IndicatorInfo), required=True)


def resolve_criteria_sets(root: Any, info: Any, title: Any, year: int) -> list[dict[str, Any]]:
    """Public: criteria are published rules; a caller also sees its province's own sets."""
    caller = info.context.caller
    name = title.value if hasattr(title, "value") else title
    return info.context.rpc.scoring.criteria_sets(name, year, caller.tenant if caller else None)


def resolve_assessment(root: Any, info: Any, enrolment_id: str) -> dict[str, Any] | None:
    caller = authenticated(info)
    found = info.context.rpc.scoring.assessment(caller.tenant, enrolment_id)
    if found is None:
        return None
    require_scope(info, UnitPath.parse(found["unitpath"]))
    return found


class AnswerInput(graphene.InputObjectType):
    indicator = graphene.String(required=True)
    points = graphene.Int()
    met = graphene.Boolean()


class FigureInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    value = graphene.Float(required=True)


class ScoreInput(graphene.InputObjectType):
    tenant = graphene.String()
    enrolment_id = graphene.String(required=True)
    answers = graphene.List(graphene.NonNull(AnswerInput), required=True)
    figures = graphene.List(graphene.NonNull(FigureInput))
    group = graphene.String(description="Labour group where the forms differ (CITIZEN)")
    by = graphene.String(description="Who entered it")


class ReviewInput(ScoreInput):
    minutes = graphene.String(required=True, description="Biên bản họp bình xét")


def _score_mutation(name: str, stage: str, input_type: type) -> type[graphene.Mutation]:
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant = in_reach(info, input.get("tenant"), None, REGISTRARS)
        scoring = info.context.rpc.scoring
        found = scoring.assessment(tenant, input["enrolment_id"])
        in_reach(info, tenant, found["unitpath"] if found else None, REGISTRARS)
        answers = {
            a["indicator"]: a["met"] if a.get("met") is not None else a.get("points")
            for a in input["answers"]
        }
        payload = {
            "tenant": tenant,
            "enrolmentId": input["enrolment_id"],
            "stage": stage,
            "answers": answers,
            "figures": {f["name"]: f["value"] for f in input.get("figures") or []},
            "group": input.get("group"),
            "by": input.get("by") or info.context.caller.subject,
        }
        if stage == "review":
            payload["minutes"] = input.get("minutes")
        result = scoring.score(payload)
        if "errors" in result:
            raise input_error(result["errors"])
        return result["assessment"]

    arguments = type("Arguments", (), {"input": input_type(required=True)})
    return type(
        name,
        (graphene.Mutation,),
        {"Arguments": arguments, "Output": Assessment, "mutate": staticmethod(mutate)},
    )


SubmitSelfAssessment = _score_mutation("SubmitSelfAssessment", "self_assessment", ScoreInput)
RecordReview = _score_mutation("RecordReview", "review", ReviewInput)


class Proposal(graphene.ObjectType):
    id = graphene.String(required=True, resolver=key("_id"))
    unit_code = graphene.String(required=True)
    title = graphene.Field(Title, required=True)
    year = graphene.Int(required=True)
    enrolment_ids = graphene.List(
        graphene.NonNull(graphene.String), required=True, resolver=key("enrolments")
    )
    posting_ends = graphene.String(required=True, description="Niêm yết until this day")


class ProposeInput(graphene.InputObjectType):
    tenant = graphene.String()
    unit_code = graphene.String(required=True)
    title = graphene.Field(Title, required=True)
    year = graphene.Int(required=True)


class ProposeRecognition(graphene.Mutation):
    """Đề nghị công nhận: the unit's reviewed, eligible subjects, posted publicly first."""

    class Arguments:
        input = ProposeInput(required=True)

    Output = Proposal

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant, unit = scoped_unit(info, input.get("tenant"), input["unit_code"], REGISTRARS)
        if unit is None:
            raise input_error(
                [
                    {
                        "field": "unitCode",
                        "key": "unit_not_found",
                        "message": "Không tìm thấy đơn vị này.",
                    }
                ]
            )
        title = input["title"].value if hasattr(input["title"], "value") else input["title"]
        result = info.context.rpc.scoring.propose(
            tenant, unit["code"], unit["path"], title, input["year"]
        )
        if "errors" in result:
            raise input_error(result["errors"])
        return result["proposal"]


class DecideInput(graphene.InputObjectType):
    tenant = graphene.String()
    proposal_id = graphene.String(required=True)
    decision_number = graphene.String(required=True, description="e.g. 123/QĐ-UBND")
    decision_date = graphene.Date(required=True)
    signer = graphene.String(required=True)
    enrolment_ids = graphene.List(
        graphene.NonNull(graphene.String), description="Part of the list (default: all of it)"
    )


class Skipped(graphene.ObjectType):
    enrolment_id = graphene.String(required=True, resolver=key("field"))
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class Decision(graphene.ObjectType):
    recognised = graphene.List(graphene.NonNull(graphene.String), required=True)
    skipped = graphene.List(graphene.NonNull(graphene.String), required=True)
    reasons = graphene.List(
        graphene.NonNull(Skipped), required=True, description="Why each skipped one was skipped"
    )


def _authority(info: Any, tenant: str, unitpath: str | None, title: str) -> None:
    """The decision belongs to the roles the province configures for the title (see
    :func:`gateway.access.may_decide`); an unknown proposal is left for scoring to answer."""
    rules = info.context.rpc.scoring.authorities(tenant, title)
    caller = authenticated(info)
    if unitpath is None:
        if caller.role.value not in {rule.partition(":")[0] for rule in rules}:
            raise forbidden()
    elif not may_decide(caller, UnitPath.parse(unitpath), rules):
        raise forbidden()


class DecideRecognition(graphene.Mutation):
    """Quyết định công nhận by the competent authority; each subject gets ``recognised``."""

    class Arguments:
        input = DecideInput(required=True)

    Output = Decision

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant = in_reach(info, input.get("tenant"), None, AUTHORITY_ROLES)
        scoring = info.context.rpc.scoring
        proposal = scoring.proposal(tenant, input["proposal_id"])
        title = proposal["title"] if proposal else ""
        _authority(info, tenant, proposal["unitpath"] if proposal else None, title)
        result = scoring.decide(wire_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        return result["decision"]


class RevokeInput(graphene.InputObjectType):
    tenant = graphene.String()
    enrolment_id = graphene.String(required=True)
    reason = graphene.String(required=True)


class RevokeRecognition(graphene.Mutation):
    """Thu hồi danh hiệu, with its reason; the record stays, marked revoked."""

    class Arguments:
        input = RevokeInput(required=True)

    Output = Assessment

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant = in_reach(info, input.get("tenant"), None, AUTHORITY_ROLES)
        scoring = info.context.rpc.scoring
        found = scoring.assessment(tenant, input["enrolment_id"])
        _authority(
            info, tenant, found["unitpath"] if found else None, found["title"] if found else ""
        )
        result = scoring.revoke(wire_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        return result["assessment"]


class EvidenceInput(graphene.InputObjectType):
    tenant = graphene.String()
    enrolment_id = graphene.String(required=True)
    file_name = graphene.String(required=True)
    content_type = graphene.String(required=True, description="application/pdf, image/jpeg, …")
    content = graphene.String(required=True, description="The file, base64-encoded")


class AttachEvidence(graphene.Mutation):
    """Minh chứng: PDF, JPEG, PNG, DOCX or XLSX up to 10 MB, checked by content."""

    class Arguments:
        input = EvidenceInput(required=True)

    Output = Assessment

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant = in_reach(info, input.get("tenant"), None, REGISTRARS)
        scoring = info.context.rpc.scoring
        found = scoring.assessment(tenant, input["enrolment_id"])
        in_reach(info, tenant, found["unitpath"] if found else None, REGISTRARS)
        result = scoring.attach_evidence(wire_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        return result["assessment"]
