"""Scoring's use cases: the domain decides, the stores (built for one tenant) persist.

Errors are :class:`~services.scoring.domain.Refused` carrying a message key and the snake_case
field at fault; the edge turns them into what a client reads."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from khuyenhoc.envelope import Envelope
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath, commune_subject_id
from khuyenhoc.vocabulary import Title
from services.scoring.computed import commune_shares, member_shares
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import (
    MAX_DECISIONS_PER_LIST,
    STAGES,
    Assessment,
    AssessmentRecord,
    AssessmentStatus,
    Change,
    ConcurrentChange,
    DecisionDocument,
    NotScorable,
    Proposal,
    Refused,
    StaleRead,
    check_decision_date,
    check_posted_from,
    deadlines,
    decision_document_id,
    enrolment_change,
    holds_title,
    is_eligible,
    proposal_id,
    provisional_basis,
    recognised_event,
    reviewed_on,
    revoked_event,
    scored_event,
    stage_change,
    standing_in_the_way,
    subject_level,
    title_history,
    title_totals,
    valid_until,
    vietnam_day,
)
from services.scoring.domain.history import history_id
from services.scoring.domain.list_review import meeting_date_problem
from services.scoring.engine import AssessmentError, assess
from services.scoring.evidence import EvidenceRejected
from services.scoring.evidence import check as check_evidence
from services.scoring.set_registry import judged_under, version_of

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.scoring.ports import Assessments, Decide, Decisions, EvidenceFiles, Proposals

REFRESH_ATTEMPTS = 10
DEPENDENT_TITLES = (Title.UNIT.value, Title.COMMUNE_COMMUNITY.value)


def apply_enrolment_event(assessments: Assessments, event: Envelope, name: str) -> bool:
    """``registered`` opens (or reopens) the enrolment's assessment, ``withdrawn`` closes it;
    False when the event changed nothing (a redelivery or an out-of-date event)."""
    opened = Assessment.opened_by(event)
    now = datetime.now(UTC)

    def decide(current: AssessmentRecord | None) -> Change | None:
        return enrolment_change(current, opened, event.id, name, event.time, now)

    return assessments.commit(opened.id, event.id, decide) is not None


def record_stage(
    assessments: Assessments,
    enrolment_id: str,
    stage: str,
    record: dict[str, Any],
    event: dict[str, Any] | None,
    read_version: int | None = None,
) -> AssessmentRecord:
    """Keep a stage of the assessment with the event announcing it, in the same write; the
    unit's figures follow (see :func:`~services.scoring.domain.stage_change`)."""
    change_id = event["id"] if event else str(uuid.uuid4())

    def decide(current: AssessmentRecord | None) -> Change | None:
        return stage_change(current, enrolment_id, stage, record, change_id, event, read_version)

    written = assessments.commit(enrolment_id, change_id, decide)
    if written is None:  # stage_change always changes something; a store never answers None
        raise NotScorable(enrolment_id)
    return written


def unit_stats(assessments: Assessments, path: UnitPath, year: int) -> dict[str, dict[str, int]]:
    return title_totals(assessments.unit_counters(path, year))


def score(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    enrolment_id: str,
    stage: str,
    answers: dict[str, Any],
    figures: dict[str, float],
    group: str | None = None,
    minutes: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
    agree: bool | None = None,
    meeting_date: date | None = None,
) -> AssessmentRecord:
    """Judge a self-assessment (tự đánh giá) or a review (bình xét) against the set in force,
    keep it with its explanation, and announce the verdict. The review's verdict counts.
    ``agree``: the review meeting's vote (đồng ý đề nghị công nhận), kept with the review; it
    decides where the set lets the meeting stand in for numbers the platform lacks. A review
    keeps the day of the meeting (default: today, Vietnam's day)."""
    now = now or datetime.now(UTC)
    current = _enrolled(assessments, enrolment_id)
    if stage == "review":
        today = vietnam_day(now)  # the day a meeting is held is Vietnam's day
        meeting_date = meeting_date or today
        problem = meeting_date_problem(meeting_date, current.year, today)
        if problem:
            raise Refused("meeting_date", problem)
    level = subject_level(current.title, current.unit_level)
    criteria = select(sets, current.title, current.year, group=group, level=level)
    if criteria is None:
        raise Refused("group", "no_criteria_set")
    computed = platform_figures(assessments, current)
    vote = agree if stage == "review" else None
    try:
        verdict = asdict(assess(criteria, answers, {**figures, **computed}, vote))
    except AssessmentError as exc:
        raise Refused("answers", "invalid_answer", str(exc)) from exc
    record = judged_record(criteria, answers, figures, computed, group, verdict, now, by)
    if stage == "review":
        record["minutes"] = minutes
        record["agree"] = agree
        record["meeting_date"] = meeting_date.isoformat() if meeting_date else None
    try:
        event = scored_event(current, stage, verdict, now)
        return record_stage(assessments, enrolment_id, stage, record, event)
    except NotScorable as exc:
        raise Refused("enrolment_id", "enrolment_not_found") from exc


def judged_record(
    criteria: CriteriaSet,
    answers: Mapping[str, Any],
    figures: Mapping[str, float],
    computed: Mapping[str, float],
    group: str | None,
    verdict: dict[str, Any],
    now: datetime,
    by: str | None,
) -> dict[str, Any]:
    """A stage as kept: what was answered, the figures, the verdict and the exact set version
    it was judged under (a decision and any re-judgement use that version)."""
    return {
        "set_id": criteria.id,
        "set_version": version_of(criteria),
        "answers": dict(answers),
        "figures": dict(figures),
        "computed_figures": dict(computed),
        "group": group,
        "verdict": verdict,
        "at": now.isoformat(),
        "by": by,
    }


def platform_figures(assessments: Assessments, current: AssessmentRecord) -> dict[str, float]:
    """The figures of computed indicators the platform knows for this assessment."""
    if current.title == Title.UNIT:
        recognised = assessments.members_recognised(current.subject_id, current.year)
        return member_shares(current.declared_members, recognised)
    if current.title == Title.COMMUNE_COMMUNITY:
        path = UnitPath.parse(current.unitpath)
        return commune_shares(unit_stats(assessments, path, current.year))
    return {}


def refresh_dependents(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    enrolment_id: str,
    now: datetime | None = None,
) -> list[str]:
    """After a recognition, revocation or withdrawal, judge again the assessments whose
    computed figures it moves: a citizen's learning unit (its share of learning citizens) and
    the learning community of the commune it lies in (its shares of recognised subjects). So a
    unit crossing its target becomes eligible, or stops being, without anyone re-entering it.
    Returns the stages rewritten (none when the tenant holds no such assessment)."""
    return refresh_dependents_many(assessments, sets, [enrolment_id], now)


def refresh_dependents_many(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    enrolment_ids: Sequence[str],
    now: datetime | None = None,
) -> list[str]:
    """:func:`refresh_dependents` for a batch of changed enrolments (a batch of ``recognised``,
    ``revoked`` or ``withdrawn`` events of one tenant): the changed assessments in one read,
    each dependent (a learning unit, a commune's learning community) found once by an indexed
    find of its subject and judged again once, however many of the batch moved it. Raises
    :class:`RetryLater` (nothing done) while a changed assessment's figures are still being
    counted. Returns the stages rewritten, one entry per stage written."""
    changed = list(assessments.by_ids(list(dict.fromkeys(enrolment_ids)), light=True).values())
    counting = [a.id for a in changed if a.pending]
    if counting:  # its figures are being counted: judge once they are
        raise RetryLater(f"assessments {', '.join(counting[:5])} still being counted")
    wanted: dict[str, set[int]] = {}  # dependent subject id -> years moved
    for record in changed:
        for subject_id in _dependent_subjects(record):
            wanted.setdefault(subject_id, set()).add(record.year)
    dependents = [
        dependent.id
        for dependent in assessments.of_subjects(list(wanted))
        if dependent.year in wanted[dependent.subject_id] and dependent.title in DEPENDENT_TITLES
    ]
    rewritten = []
    for dependent_id in sorted(set(dependents)):
        rewritten += refresh_computed(assessments, sets, dependent_id, now)
    return rewritten


def _dependent_subjects(changed: AssessmentRecord) -> list[str]:
    """The subjects whose computed figures a change of this assessment moves: a citizen's
    learning unit, and the learning community of every commune-level unit it lies in."""
    subjects = []
    if changed.title == Title.CITIZEN and changed.member_of:
        subjects.append(changed.member_of)
    if changed.title != Title.COMMUNE_COMMUNITY:
        codes = UnitPath.parse(changed.unitpath).codes[1:]
        subjects += [commune_subject_id(changed.tenant, code) for code in codes]
    return subjects


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
        if not current or current.status != AssessmentStatus.REGISTERED or current.recognition:
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
    current: AssessmentRecord,
    computed: dict[str, float],
    now: datetime,
) -> list[str]:
    rewritten = []
    for stage in STAGES:
        record = current.stage(stage)
        criteria = judged_under(sets, record) if record else None
        if record is None or criteria is None or record.get("computed_figures") == computed:
            continue
        if record.get("agreed") is False:  # the meeting's refusal stands whatever the figures
            continue
        figures = {**record["figures"], **computed}
        verdict = asdict(assess(criteria, record["answers"], figures, record.get("agree")))
        update = {**record, "computed_figures": computed, "verdict": verdict}
        update["recomputed_at"] = now.isoformat()
        event = (
            scored_event(current, stage, verdict, now)
            if _outcome(verdict) != _outcome(record["verdict"])
            else None
        )
        current = record_stage(assessments, current.id, stage, update, event, current.version)
        rewritten.append(stage)
    return rewritten


def _outcome(verdict: Mapping[str, Any]) -> tuple[Any, ...]:
    return verdict["status"], verdict["level"], verdict["total"]


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
    posted_from: date | None = None,
    posting_default: bool = False,
) -> Proposal:
    """The unit's proposal list (đề nghị công nhận): every reviewed, eligible subject, posted
    publicly (niêm yết) for ``posting_days`` before a decision may be taken. The posting runs
    from ``posted_from`` (a posting done on paper: its real first day, never in the future)
    or today. Proposing again before the decision refreshes the list."""
    now = now or datetime.now(UTC)
    today = vietnam_day(now)
    if posted_from is not None:
        check_posted_from(posted_from, today, year)
    wanted_id = proposal_id(tenant, unit["code"], title, year)
    existing = proposals.get(wanted_id)
    if existing and existing.decided:
        raise Refused("unit_code", "already_decided")
    eligible = [
        a
        for a in assessments.under_unit(unit["code"], title, year, light=True)
        if is_eligible(a) and not a.recognition
    ]
    if not eligible:
        raise Refused("unit_code", "nobody_eligible")
    first = posted_from or today
    return proposals.save(
        Proposal(
            id=wanted_id,
            tenant=tenant,
            unit_code=unit["code"],
            unitpath=unit["path"],
            title=title,
            year=year,
            enrolments=[a.id for a in eligible],
            proposed_at=now.isoformat(),
            posting_ends=(first + timedelta(days=posting_days)).isoformat(),
            posted_from=first.isoformat(),
            posting_days=posting_days,
            posting_default=posting_default,
            levels=[((a.review or {}).get("verdict") or {}).get("level") for a in eligible],
            provisional_reason=next(
                (
                    verdict.get("provisional_reason") or ""
                    for verdict in (((a.review or {}).get("verdict") or {}) for a in eligible)
                    if verdict.get("provisional")
                ),
                None,
            ),
        )
    )


@dataclass
class Decided:
    """What a decision did: the enrolments recognised, and those skipped with the key of why;
    the decision document (when decisions are kept), and whether it was sent before."""

    recognised: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (enrolment id, key)
    document: DecisionDocument | None = None
    repeated: bool = False

    def skip(self, enrolment_id: str, key: str) -> None:
        self.skipped.append(enrolment_id)
        self.reasons.append((enrolment_id, key))

    @classmethod
    def of(cls, document: DecisionDocument) -> Decided:
        """A decision sent again: what it did the first time."""
        decided = cls(recognised=document.enrolments, document=document, repeated=True)
        for skipped in document.skipped:
            decided.skip(skipped["enrolment_id"], skipped["key"])
        return decided


DECISION_FILE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def decide(
    assessments: Assessments,
    proposals: Proposals,
    sets: Sequence[CriteriaSet],
    proposal_id: str,
    decision_number: str,
    decision_date: date,
    signer: str,
    enrolment_ids: list[str] | None = None,
    now: datetime | None = None,
    *,
    decisions: Decisions | None = None,
    files: EvidenceFiles | None = None,
    signer_position: str | None = None,
    authority: str | None = None,
    entered_by: str | None = None,
    file: Mapping[str, Any] | None = None,
) -> Decided:
    """The competent authority's decision (quyết định công nhận) for the whole list or part of
    it, dated on the day it was signed (never in the future, never before the posting period
    ends or before the review of a subject on it); each subject recognised gets its
    ``recognised`` event. Subjects no longer eligible are skipped and named. With
    ``decisions``, the decision is kept as a document: sent again (same number, day, signer
    and list) it answers that document and writes nothing; a different decision for subjects
    already decided is refused; the rest of a list may get a supplementary decision."""
    now = now or datetime.now(UTC)
    proposal = proposals.get(proposal_id)
    if proposal is None:
        raise Refused("proposal_id", "proposal_not_found")
    wanted = list(dict.fromkeys(enrolment_ids or proposal.enrolments))
    if not set(wanted) <= set(proposal.enrolments):
        raise Refused("enrolment_ids", "not_in_proposal")
    earlier = _decisions_on(decisions, proposal)
    for document in earlier:
        if document.same_as(decision_number, decision_date, signer, wanted):
            if document.id not in proposal.decisions:  # the list's write was interrupted
                recorded = tuple(d.id for d in earlier)
                proposals.save(replace(proposal, decisions=recorded))
            return Decided.of(document)
        if document.number == decision_number:
            raise Refused("decision_number", "decision_number_used")
    if {e for d in earlier for e in d.enrolments} & set(wanted):
        raise Refused("proposal_id", "already_decided")
    if len(earlier) >= MAX_DECISIONS_PER_LIST:
        raise Refused("proposal_id", "too_many_decisions")
    read = assessments.by_ids(wanted)
    found = {enrolment_id: read.get(enrolment_id) for enrolment_id in wanted}
    check_decision_date(
        decision_date,
        vietnam_day(now),
        proposal.posting_ends,
        (reviewed_on(a.review) for a in found.values() if a is not None),
    )
    document_id = decision_document_id(proposal.tenant, proposal.id, len(earlier) + 1)
    scan = _decision_file(files, file, now) if file else None
    decided = Decided()
    verdicts: dict[str, dict[str, Any]] = {}
    decidable = {
        e: a for e, a in found.items() if a is not None and is_eligible(a) and not a.recognition
    }
    on_paper = assessments.by_ids(
        [history_id(a.tenant, a.title, a.year, a.subject_id) for a in decidable.values()]
    )
    terms = {e: _decision_terms(sets, a) for e, a in decidable.items()}
    lasting = sorted(
        {decidable[e].subject_id for e, (_, validity) in terms.items() if (validity or 0) > 1}
    )
    earlier_titles: dict[str, list[AssessmentRecord]] = {}
    for held in assessments.of_subjects(lasting) if lasting else []:
        earlier_titles.setdefault(held.subject_id, []).append(held)
    writes: list[tuple[str, str, Decide]] = []
    for enrolment_id in wanted:
        current = found[enrolment_id]
        done = (current.recognition or {}) if current else {}
        if (done.get("decision_id"), done.get("decision_number")) == (
            document_id,
            decision_number,
        ):  # this decision recorded it before a crash: count it
            decided.recognised.append(enrolment_id)
            verdicts[enrolment_id] = done
            continue
        if current is None or enrolment_id not in decidable:
            decided.skip(enrolment_id, "not_eligible")
            continue
        imported = history_id(current.tenant, current.title, current.year, current.subject_id)
        if imported in on_paper:  # recognised on paper, imported: once is all
            decided.skip(enrolment_id, "recognised_on_paper")
            continue
        verdict = (current.review or {})["verdict"]
        criteria, validity = terms[enrolment_id]
        standing = standing_in_the_way(
            (a for a in earlier_titles.get(current.subject_id, []) if a.title == current.title),
            current.year,
            verdict["level"],
            decision_date,
            validity,
            criteria.upgrade_after_months if criteria else None,
        )
        if standing:
            decided.skip(enrolment_id, standing)
            continue
        end = valid_until(decision_date, validity)
        record = {
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
            "signer": signer,
            "level": verdict["level"],
            "set_id": verdict["set_id"],
            "valid_until": end.isoformat() if end else None,
            "at": now.isoformat(),
            "provisional": bool(verdict.get("provisional")),
            "provisional_reason": verdict.get("provisional_reason"),
            "signer_position": signer_position,
            "authority": authority,
            "decision_id": document_id,
        }
        event = recognised_event(current, record, now)
        writes.append((enrolment_id, event["id"], _recognition(enrolment_id, record, event)))
        decided.recognised.append(enrolment_id)
        verdicts[enrolment_id] = record
    for start in range(0, len(writes), DECISION_CHUNK):
        chunk = writes[start : start + DECISION_CHUNK]
        written_chunk = assessments.commit_many(chunk, known=read)
        for (enrolment_id, _, _), written in zip(chunk, written_chunk, strict=True):
            if written is None:  # stage_change always changes something
                raise NotScorable(enrolment_id)
    decided_verdicts = [verdicts[e] for e in decided.recognised]
    if decisions is not None:
        provisional, reason = provisional_basis(decided_verdicts)
        decided.document = decisions.save(
            DecisionDocument(
                id=document_id,
                tenant=proposal.tenant,
                proposal_id=proposal.id,
                number=decision_number,
                date=decision_date.isoformat(),
                signer=signer,
                signer_position=signer_position,
                authority=authority,
                unit_code=proposal.unit_code,
                unitpath=proposal.unitpath,
                title=proposal.title,
                year=proposal.year,
                subjects=[
                    {
                        "enrolment_id": e,
                        "level": v.get("level"),
                        "provisional": bool(v.get("provisional")),
                    }
                    for e, v in zip(decided.recognised, decided_verdicts, strict=True)
                ],
                skipped=[{"enrolment_id": e, "key": k} for e, k in decided.reasons],
                provisional=provisional,
                provisional_reason=reason,
                entered_by=entered_by,
                entered_at=now.isoformat(),
                file=scan,
            )
        )
    signed = {"number": decision_number, "date": decision_date.isoformat(), "signer": signer}
    recorded = (
        (*(d.id for d in earlier), document_id) if decisions is not None else proposal.decisions
    )
    proposals.save(replace(proposal, decided=signed, decisions=recorded))
    return decided


DECISION_CHUNK = 200  # recognitions written together (``Assessments.commit_many``)


def _decision_terms(
    sets: Sequence[CriteriaSet], current: AssessmentRecord
) -> tuple[CriteriaSet | None, int | None]:
    """The set a reviewed assessment was judged under, and its recognition's validity."""
    verdict = (current.review or {})["verdict"]
    criteria = judged_under(sets, current.review or verdict)
    return criteria, criteria.validity_years if criteria else None


def _recognition(enrolment_id: str, record: dict[str, Any], event: dict[str, Any]) -> Decide:
    """What recording a recognition does to the assessment as it stands (its decide)."""

    def decide(current: AssessmentRecord | None) -> Change | None:
        return stage_change(current, enrolment_id, "recognition", record, event["id"], event)

    return decide


def _decisions_on(decisions: Decisions | None, proposal: Proposal) -> list[DecisionDocument]:
    """The decisions taken on a list: those it names, and one written after them whose
    list's write was interrupted (ids are numbered, so the next one is looked for)."""
    if decisions is None:
        return []
    found = decisions.many(list(proposal.decisions))
    while len(found) < MAX_DECISIONS_PER_LIST:
        stray = decisions.get(decision_document_id(proposal.tenant, proposal.id, len(found) + 1))
        if stray is None or stray.id in proposal.decisions:
            break
        found.append(stray)
    return found


def _decision_file(
    files: EvidenceFiles | None, file: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """The scanned decision (PDF, JPEG or PNG), checked by its bytes like evidence."""
    if files is None:
        raise Refused("content", "file_type")
    if file["content_type"] not in DECISION_FILE_TYPES:
        raise Refused("content_type", "decision_file_type")
    try:
        checked = check_evidence(file["file_name"], file["content_type"], file["content"], 0)
    except EvidenceRejected as exc:
        raise Refused("content", exc.key) from exc
    chunks = files.put(checked.id, file["content"])
    return {
        "id": checked.id,
        "file_name": file["file_name"],
        "content_type": file["content_type"],
        "size": checked.size,
        "chunks": chunks,
        "at": now.isoformat(),
    }


def revoke(
    assessments: Assessments,
    enrolment_id: str,
    reason: str,
    now: datetime | None = None,
) -> AssessmentRecord:
    """Thu hồi: the recognition stays on record, marked revoked with its reason."""
    now = now or datetime.now(UTC)
    current = assessments.get(enrolment_id)
    recognition = current.recognition if current else None
    if current is None or not recognition:
        raise Refused("enrolment_id", "not_recognised")
    if recognition.get("revoked"):
        raise Refused("enrolment_id", "already_revoked")
    record = {**recognition, "revoked": {"reason": reason, "at": now.isoformat()}}
    event = revoked_event(current, recognition, reason, now)
    return record_stage(assessments, enrolment_id, "recognition", record, event)


def history(assessments: Assessments, subject_id: str) -> dict[str, Any]:
    return title_history(assessments.of_subject(subject_id))


def unit_deadlines(
    proposals: Proposals,
    unit_code: str,
    year: int,
    configured: Mapping[str, Any],
    today: date,
) -> list[dict[str, Any]]:
    return deadlines(year, proposals.of_unit(unit_code, year), configured, today)


def attach_evidence(
    assessments: Assessments,
    files: EvidenceFiles,
    enrolment_id: str,
    file_name: str,
    content_type: str,
    content: bytes,
    now: datetime | None = None,
) -> AssessmentRecord:
    """Minh chứng for the self-assessment: checked by its bytes, stored once per content."""
    now = now or datetime.now(UTC)
    current = _enrolled(assessments, enrolment_id)
    attached = dict(current.evidence or {})
    try:
        evidence = check_evidence(file_name, content_type, content, len(attached))
    except EvidenceRejected as exc:
        raise Refused("content", exc.key) from exc
    chunks = files.put(evidence.id, content)
    attached[evidence.id] = {
        "file_name": file_name,
        "content_type": content_type,
        "size": evidence.size,
        "chunks": chunks,
        "at": now.isoformat(),
    }
    try:
        return record_stage(assessments, enrolment_id, "evidence", attached, None)
    except NotScorable as exc:
        raise Refused("enrolment_id", "enrolment_not_found") from exc


def evidence_file(
    assessments: Assessments, files: EvidenceFiles, enrolment_id: str, evidence_id: str
) -> dict[str, Any] | None:
    """An evidence file of an assessment with its metadata and the unit it belongs to; None
    when the tenant holds no such assessment or file."""
    found = assessments.get(enrolment_id)
    meta = ((found.evidence if found else None) or {}).get(evidence_id)
    if found is None or not meta:
        return None
    content = files.get(evidence_id, meta["chunks"])
    if content is None:
        return None
    return {**meta, "unitpath": found.unitpath, "content": content}


def _enrolled(assessments: Assessments, enrolment_id: str) -> AssessmentRecord:
    """The tenant's assessment of an enrolment still in force, or a refusal."""
    current = assessments.get(enrolment_id)
    if current is None or current.status != AssessmentStatus.REGISTERED:
        raise Refused("enrolment_id", "enrolment_not_found")
    return current


def title_holders(
    assessments: Assessments, unit_code: str, title: str, year: int
) -> list[dict[str, Any]]:
    """Who holds ``title`` for ``year`` in the unit, by decision or imported from the
    commune's records (the same predicate the figures count: recognised, not revoked, still
    enrolled), in the order of their decisions: the recognised list as the records have it."""
    held = [
        record
        for record in assessments.under_unit(unit_code, title, year, light=True)
        if holds_title(record)
    ]
    rows = [
        {
            "enrolment_id": record.id,
            "subject_id": record.subject_id,
            "level": (record.recognition or {}).get("level"),
            "decision_number": (record.recognition or {}).get("decision_number"),
            "decision_date": (record.recognition or {}).get("decision_date"),
            "imported": bool((record.recognition or {}).get("imported")),
            "provisional": bool((record.recognition or {}).get("provisional")),
        }
        for record in held
    ]
    return sorted(rows, key=lambda r: (r["decision_date"] or "", r["decision_number"] or ""))
