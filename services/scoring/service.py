"""Scoring's use cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from khuyenhoc.envelope import Envelope
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath, commune_subject_id
from khuyenhoc.validation import FieldError, InvalidInput
from services.scoring.computed import commune_shares, member_shares
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import (
    STAGES,
    TITLE_LEVEL,
    Assessment,
    ConcurrentChange,
    NotScorable,
    StaleRead,
    deadlines,
    is_eligible,
    recognised_event,
    revoked_event,
    scored_event,
    standing_in_the_way,
    title_history,
    title_totals,
    valid_until,
)
from services.scoring.engine import AssessmentError, assess
from services.scoring.evidence import EvidenceRejected
from services.scoring.evidence import check as check_evidence
from services.scoring.schemas import MESSAGES

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.scoring.store import Assessments, EvidenceFiles, Proposals

REFRESH_ATTEMPTS = 10


def apply_enrolment_event(assessments: Assessments, event: Envelope, name: str) -> bool:
    """``registered`` opens (or reopens) the enrolment's assessment, ``withdrawn`` closes it;
    False when the event changed nothing (a redelivery or an out-of-date event)."""
    return assessments.apply(
        Assessment.opened_by(event), event.id, name, event.time, datetime.now(UTC)
    )


def unit_stats(assessments: Assessments, path: UnitPath, year: int) -> dict[str, dict[str, int]]:
    return title_totals(assessments.unit_counters(path, year))


def score(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    tenant: str,
    enrolment_id: str,
    stage: str,
    answers: dict[str, Any],
    figures: dict[str, float],
    group: str | None = None,
    minutes: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Judge a self-assessment (tự đánh giá) or a review (bình xét) against the set in force,
    keep it with its explanation, and announce the verdict. The review's verdict counts."""
    now = now or datetime.now(UTC)
    current = _enrolled(assessments, tenant, enrolment_id)
    level = TITLE_LEVEL.get(current["title"])
    criteria = select(sets, current["title"], current["year"], group=group, level=level)
    if criteria is None:
        raise InvalidInput([MESSAGES.error("group", "no_criteria_set")])
    computed = platform_figures(assessments, current)
    try:
        verdict = asdict(assess(criteria, answers, {**figures, **computed}))
    except AssessmentError as exc:
        raise InvalidInput(
            [FieldError("answers", "invalid_answer", f"{MESSAGES['invalid_answer']} {exc}")]
        ) from exc
    record = {
        "set_id": criteria.id,
        "answers": answers,
        "figures": figures,
        "computed_figures": computed,
        "group": group,
        "verdict": verdict,
        "at": now.isoformat(),
        "by": by,
    }
    if stage == "review":
        record["minutes"] = minutes
    try:
        return assessments.record_stage(
            tenant, enrolment_id, stage, record, scored_event(current, stage, verdict, now)
        )
    except NotScorable as exc:
        raise InvalidInput([MESSAGES.error("enrolmentId", "enrolment_not_found")]) from exc


def platform_figures(assessments: Assessments, current: Mapping[str, Any]) -> dict[str, float]:
    """The figures of computed indicators the platform knows for this assessment."""
    if current["title"] == "UNIT":
        recognised = assessments.members_recognised(
            current["tenant"], current["subject_id"], current["year"]
        )
        return member_shares(current.get("declared_members"), recognised)
    if current["title"] == "COMMUNE_COMMUNITY":
        path = UnitPath.parse(current["unitpath"])
        return commune_shares(unit_stats(assessments, path, current["year"]))
    return {}


def refresh_dependents(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    changed: Mapping[str, Any] | None,
    now: datetime | None = None,
) -> list[str]:
    """After a recognition, revocation or withdrawal, judge again the assessments whose
    computed figures it moves: a citizen's learning unit (its share of learning citizens) and
    the learning community of the commune it lies in (its shares of recognised subjects). So a
    unit crossing its target becomes eligible, or stops being, without anyone re-entering it.
    Returns the stages rewritten."""
    if not changed:
        return []
    if changed.get("pending"):  # its figures are being counted: judge once they are
        raise RetryLater(f"assessment {changed['_id']} is still being counted")
    tenant, year = changed["tenant"], changed["year"]
    subjects = []
    if changed["title"] == "CITIZEN" and changed.get("member_of"):
        subjects.append(changed["member_of"])
    if changed["title"] != "COMMUNE_COMMUNITY":
        codes = UnitPath.parse(changed["unitpath"]).codes[1:]
        subjects += [commune_subject_id(tenant, code) for code in codes]
    rewritten = []
    for subject_id in subjects:
        for dependent in assessments.of_subject(tenant, subject_id):
            if dependent["year"] == year and dependent["title"] in ("UNIT", "COMMUNE_COMMUNITY"):
                rewritten += refresh_computed(assessments, sets, dependent["_id"], now)
    return rewritten


def refresh_computed(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    assessment_id: str,
    now: datetime | None = None,
) -> list[str]:
    """Judge the recorded stages again with today's platform figures; each stage whose figures
    moved is recorded again, with a ``scored`` event when its outcome (status, level, total)
    changed. A decided recognition is not touched (the decision was taken on the review as it
    stood). Idempotent: nothing is written when the figures have not moved. Returns the stages
    rewritten."""
    now = now or datetime.now(UTC)
    for _ in range(REFRESH_ATTEMPTS):
        current = assessments.get(assessment_id)
        if not current or current["status"] != "REGISTERED" or current.get("recognition"):
            return []
        computed = platform_figures(assessments, current)
        try:
            return _rejudge(assessments, sets, current, computed, now)
        except StaleRead:
            continue  # the assessment moved while we computed: read and compute again
        except NotScorable:
            return []  # withdrawn meanwhile: nothing left to judge
    raise ConcurrentChange(f"assessment {assessment_id} kept changing")


def _rejudge(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    current: dict[str, Any],
    computed: dict[str, float],
    now: datetime,
) -> list[str]:
    rewritten = []
    for stage in STAGES:
        record = current.get(stage)
        criteria = next((s for s in sets if record and s.id == record["set_id"]), None)
        if criteria is None or record.get("computed_figures") == computed:
            continue
        verdict = asdict(assess(criteria, record["answers"], {**record["figures"], **computed}))
        update = {**record, "computed_figures": computed, "verdict": verdict}
        update["recomputed_at"] = now.isoformat()
        event = (
            scored_event(current, stage, verdict, now)
            if _outcome(verdict) != _outcome(record["verdict"])
            else None
        )
        current = assessments.record_stage(
            current["tenant"], current["_id"], stage, update, event, current.get("version", 1)
        )
        current["version"] = current.get("version", 1) + 1
        rewritten.append(stage)
    return rewritten


def _outcome(verdict: Mapping[str, Any]) -> tuple[Any, ...]:
    return verdict["status"], verdict["level"], verdict["total"]


def criteria_summary(criteria: CriteriaSet) -> dict[str, Any]:
    """What a client shows before scoring: the set's identity, provisional status, indicators."""
    return {
        "id": criteria.id,
        "title": criteria.title,
        "issuer": criteria.issuer,
        "decision": criteria.decision.number,
        "provisional": criteria.provisional,
        "sources": list(criteria.sources),
        "group": criteria.group,
        "level": criteria.level,
        "validFrom": criteria.valid_from,
        "validTo": criteria.valid_to,
        "totalPoints": criteria.total_points,
        "passMark": criteria.pass_mark,
        "indicators": [
            {
                "id": i.id,
                "name": i.name,
                "kind": i.kind,
                "maxPoints": i.max_points,
                "minPoints": i.min_points,
                "level": i.level,
                "provisional": i.provisional,
            }
            for i in criteria.indicators()
        ],
    }


def sets_in_force(sets: Sequence[CriteriaSet], title: str, year: int) -> list[CriteriaSet]:
    return [s for s in sets if s.title == title and s.in_force(year)]


def propose(
    assessments: Assessments,
    proposals: Proposals,
    tenant: str,
    unit: Mapping[str, Any],
    title: str,
    year: int,
    posting_days: int,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The unit's proposal list (đề nghị công nhận): every reviewed, eligible subject, posted
    publicly (niêm yết) for ``posting_days`` before a decision may be taken. Proposing again
    before the decision refreshes the list."""
    now = now or datetime.now(UTC)
    proposal_id = f"{tenant}:{unit['code']}:{title}:{year}"
    existing = proposals.get(proposal_id)
    if existing and existing.get("decided"):
        raise InvalidInput([MESSAGES.error("unitCode", "already_decided")])
    eligible = [
        a["_id"]
        for a in assessments.under_unit(tenant, unit["code"], title, year)
        if is_eligible(a) and not a.get("recognition")
    ]
    if not eligible:
        raise InvalidInput([MESSAGES.error("unitCode", "nobody_eligible")])
    return proposals.save(
        {
            "_id": proposal_id,
            "tenant": tenant,
            "unit_code": unit["code"],
            "unitpath": unit["path"],
            "title": title,
            "year": year,
            "enrolments": eligible,
            "proposed_at": now.isoformat(),
            "posting_ends": (now.date() + timedelta(days=posting_days)).isoformat(),
            "decided": None,
        }
    )


def decide(
    assessments: Assessments,
    proposals: Proposals,
    sets: Sequence[CriteriaSet],
    tenant: str,
    proposal_id: str,
    decision_number: str,
    decision_date: date,
    signer: str,
    enrolment_ids: list[str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The competent authority's decision (quyết định công nhận) for the whole list or part of
    it; each subject recognised gets its ``recognised`` event. Subjects no longer eligible are
    skipped and named."""
    now = now or datetime.now(UTC)
    proposal = proposals.get(proposal_id)
    if proposal is None or proposal["tenant"] != tenant:
        raise InvalidInput([MESSAGES.error("proposalId", "proposal_not_found")])
    if decision_date.isoformat() < proposal["posting_ends"]:
        raise InvalidInput([MESSAGES.error("decisionDate", "posting_not_over")])
    wanted = enrolment_ids or proposal["enrolments"]
    if not set(wanted) <= set(proposal["enrolments"]):
        raise InvalidInput([MESSAGES.error("enrolmentIds", "not_in_proposal")])
    recognised, skipped, reasons = [], [], []
    for enrolment_id in wanted:
        current = assessments.get(enrolment_id)
        if current is None or not is_eligible(current) or current.get("recognition"):
            skipped.append(enrolment_id)
            reasons.append(asdict(MESSAGES.error(enrolment_id, "not_eligible")))
            continue
        verdict = current["review"]["verdict"]
        criteria = next((s for s in sets if s.id == verdict["set_id"]), None)
        lasting = criteria is not None and (criteria.validity_years or 0) > 1
        earlier = assessments.of_subject(tenant, current["subject_id"]) if lasting else []
        standing = standing_in_the_way(
            (a for a in earlier if a["title"] == current["title"]),
            current["year"],
            verdict["level"],
            decision_date,
            criteria.validity_years if criteria else None,
            criteria.upgrade_after_months if criteria else None,
        )
        if standing:
            skipped.append(enrolment_id)
            reasons.append(asdict(MESSAGES.error(enrolment_id, standing)))
            continue
        end = valid_until(decision_date, criteria.validity_years if criteria else None)
        record = {
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
            "signer": signer,
            "level": verdict["level"],
            "set_id": verdict["set_id"],
            "valid_until": end.isoformat() if end else None,
            "at": now.isoformat(),
        }
        assessments.record_stage(
            tenant, enrolment_id, "recognition", record, recognised_event(current, record, now)
        )
        recognised.append(enrolment_id)
    proposals.save(
        {
            **proposal,
            "decided": {
                "number": decision_number,
                "date": decision_date.isoformat(),
                "signer": signer,
            },
        }
    )
    return {"recognised": recognised, "skipped": skipped, "reasons": reasons}


def revoke(
    assessments: Assessments,
    tenant: str,
    enrolment_id: str,
    reason: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Thu hồi: the recognition stays on record, marked revoked with its reason."""
    now = now or datetime.now(UTC)
    current = assessments.get(enrolment_id)
    recognition = (current or {}).get("recognition")
    if not current or current["tenant"] != tenant or not recognition:
        raise InvalidInput([MESSAGES.error("enrolmentId", "not_recognised")])
    if recognition.get("revoked"):
        raise InvalidInput([MESSAGES.error("enrolmentId", "already_revoked")])
    record = {**recognition, "revoked": {"reason": reason, "at": now.isoformat()}}
    event = revoked_event(current, recognition, reason, now)
    return assessments.record_stage(tenant, enrolment_id, "recognition", record, event)


def history(assessments: Assessments, tenant: str, subject_id: str) -> dict[str, Any]:
    return title_history(assessments.of_subject(tenant, subject_id))


def unit_deadlines(
    proposals: Proposals,
    tenant: str,
    unit_code: str,
    year: int,
    configured: Mapping[str, Any],
    today: date,
) -> list[dict[str, Any]]:
    return deadlines(year, proposals.of_unit(tenant, unit_code, year), configured, today)


def attach_evidence(
    assessments: Assessments,
    files: EvidenceFiles,
    tenant: str,
    enrolment_id: str,
    file_name: str,
    content_type: str,
    content: bytes,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Minh chứng for the self-assessment: checked by its bytes, stored once per content."""
    now = now or datetime.now(UTC)
    current = _enrolled(assessments, tenant, enrolment_id)
    attached = dict(current.get("evidence") or {})
    try:
        evidence = check_evidence(file_name, content_type, content, len(attached))
    except EvidenceRejected as exc:
        raise InvalidInput([MESSAGES.error("content", exc.key)]) from exc
    chunks = files.put(evidence.id, content)
    attached[evidence.id] = {
        "file_name": file_name,
        "content_type": content_type,
        "size": evidence.size,
        "chunks": chunks,
        "at": now.isoformat(),
    }
    return assessments.record_stage(tenant, enrolment_id, "evidence", attached, None)


def _enrolled(assessments: Assessments, tenant: str, enrolment_id: str) -> dict[str, Any]:
    """The tenant's assessment of an enrolment still in force, or a field error."""
    current = assessments.get(enrolment_id)
    if current is None or current["tenant"] != tenant or current["status"] != "REGISTERED":
        raise InvalidInput([MESSAGES.error("enrolmentId", "enrolment_not_found")])
    return current
