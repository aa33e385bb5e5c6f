"""The nameko face of scoring: consumes registration's events, scores assessments, answers
figures over RPC. It only translates transport: builds the stores of the caller's tenant, runs a
use case, dumps the answer."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import timer

from khuyenhoc.batching import consumes_batch
from khuyenhoc.config import tenants
from khuyenhoc.envelope import Envelope
from khuyenhoc.events import RECOGNISED, REGISTERED, REVOKED, WITHDRAWN
from khuyenhoc.messaging import DUPLICATE, PROCESSED
from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.rpc import rpc
from khuyenhoc.storage import MongoDatabase, TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.timers import idle_timer, wake
from khuyenhoc.validation import InvalidInput
from khuyenhoc.web import ObservableService
from services.scoring import (
    answers,
    certificates,
    consumers,
    decisions,
    history,
    postings,
    progress,
    review_sheet,
    self_assessments,
    service,
    set_registry,
    store,
)
from services.scoring import list_review as lists
from services.scoring import stats_store as many_stats
from services.scoring.criteria_sets import CriteriaSet, load_file, load_shipped
from services.scoring.domain import posting_period, vietnam_day
from services.scoring.domain.list_review import RowsRefused
from services.scoring.messages import MESSAGES, SHEET_REASONS, answered
from services.scoring.schemas import (
    CriteriaSetActivateSchema,
    CriteriaSetUploadSchema,
    DecideSchema,
    DecideSheetSchema,
    EvidenceSchema,
    ImportHistorySchema,
    ListReviewSchema,
    ListReviewSheetSchema,
    PostedFromSchema,
    RevokeSchema,
    ScoreSchema,
    load_history_rows,
    load_scope,
)
from services.scoring.self_assessment_schemas import SelfAssessmentsSchema
from services.scoring.self_assessments import SELF_ASSESSMENT_MESSAGES

SWEEP_SECONDS = 30.0
CERTIFICATES_PER_PART = 2000  # pages of one PDF file (the gateway asks ``part`` for more)
# A list review's request writes rows this long and leaves the rest to the timer, which
# works on one document for a budget per tick (both far below store.LIST_REVIEW_LEASE).
LIST_REVIEW_REQUEST_SECONDS = 5.0
LIST_REVIEW_TIMER_SECONDS = 30.0
LIST_REVIEW_FINISH_SECONDS = 2.0
IDLE_SECONDS = 8.0  # the slowest poll of an idle timer (a request that leaves work wakes it)
EVENT_BATCH = 200  # events consumed per call (one bulk write for new assessments)


def _by_tenant(events: list[Envelope]) -> dict[str, list[Envelope]]:
    """A batch's events per tenant, each tenant's in delivery order."""
    found: dict[str, list[Envelope]] = {}
    for event in events:
        found.setdefault(event.tenant, []).append(event)
    return found


def _budget(seconds: float) -> Callable[[], bool]:
    end = time.monotonic() + seconds
    return lambda: time.monotonic() < end


@cache
def tenant_sets(directory: str, tenant: str) -> tuple[CriteriaSet, ...]:
    """A province's own (adapted) sets: ``<CRITERIA_DIR>/<tenant>/*.yaml``; read once."""
    folder = Path(directory) / tenant
    if not directory or not folder.is_dir():
        return ()
    return tuple(s for path in sorted(folder.glob("*.yaml")) for s in load_file(path))


class ScoringService(ObservableService):
    name = "scoring"

    config = Config()
    db = MongoDatabase(prepare=store.prepare)
    outbox = OutboxRelay(*store.OUTBOX_COLLECTIONS)

    # Events come in batches (khuyenhoc.batching): one tenant's share of a batch at a time,
    # new assessments opened together, each enrolment's dependents refreshed once per batch.
    @consumes_batch(REGISTERED, size=EVENT_BATCH)
    def on_registered(self, events: list[Envelope]) -> dict[str, str]:
        return self._apply(events, REGISTERED.name)

    @consumes_batch(WITHDRAWN, size=EVENT_BATCH)
    def on_withdrawn(self, events: list[Envelope]) -> dict[str, str]:
        outcomes = self._apply(events, WITHDRAWN.name)
        self._refresh_dependents(events)
        return outcomes

    @consumes_batch(RECOGNISED, size=EVENT_BATCH)
    def on_recognised(self, events: list[Envelope]) -> dict[str, str]:
        """Scoring's own decisions: they may lift a learning unit's or a commune's shares."""
        # past years: the import judged their dependents once per unit
        live = [e for e in events if not e.data.get("imported")]
        outcomes = dict.fromkeys((e.id for e in events if e.data.get("imported")), DUPLICATE)
        return {**outcomes, **self._refresh_dependents(live)}

    @consumes_batch(REVOKED, size=EVENT_BATCH)
    def on_revoked(self, events: list[Envelope]) -> dict[str, str]:
        return self._refresh_dependents(events)

    def _apply(self, events: list[Envelope], name: str) -> dict[str, str]:
        outcomes: dict[str, str] = {}
        for tenant, own in _by_tenant(events).items():
            changed = consumers.apply_enrolment_events(self._assessments(tenant), own, name)
            outcomes.update({eid: PROCESSED if c else DUPLICATE for eid, c in changed.items()})
        return outcomes

    def _refresh_dependents(self, events: list[Envelope]) -> dict[str, str]:
        outcomes: dict[str, str] = {}
        for tenant, own in _by_tenant(events).items():
            ids = [e.data["enrolmentId"] for e in own]
            rewritten = consumers.refresh_dependents(
                self._assessments(tenant), self._sets(tenant), ids
            )
            for event in own:
                done = rewritten.get(event.data["enrolmentId"])
                outcomes[event.id] = PROCESSED if done else DUPLICATE
        if PROCESSED in outcomes.values():
            self.outbox.kick()
        return outcomes

    @timer(interval=SWEEP_SECONDS)
    def settle_stale(self) -> None:
        """Count the changes a crashed process committed but did not count (every tenant)."""
        store.AllTenantsPendingChanges(self.db).settle_stale()

    @rpc
    def stats(self, tenant: str, unit_path: str, year: int) -> dict[str, dict[str, int]]:
        """Figures per title for the unit and everything below it, inside ``tenant`` only."""
        path = UnitPath.parse(unit_path)
        return service.unit_stats(self._assessments(tenant), path, year)

    @rpc
    def stats_many(
        self, tenant: str, unit_paths: list[str], year: int
    ) -> dict[str, dict[str, dict[str, int]]]:
        """``stats`` of many units at once (``{path: figures per title}``), inside ``tenant``
        only: one read per group of siblings (the province page's one call per level)."""
        many_stats.ensure_index(self.db)
        return many_stats.stats_many(TenantDatabase(self.db, tenant), unit_paths, year)

    @rpc
    def criteria_sets(self, title: str, year: int, tenant: str | None = None) -> list[dict]:
        """The sets in force for a title and year: the province's own first, then shipped."""
        return answers.criteria_sets(service.sets_in_force(self._sets(tenant), title, year))

    @rpc
    def score(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A self-assessment or review: ``{"assessment": ...}`` or ``{"errors": [...]}``."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(ScoreSchema(), payload)
            tenant = data.pop("tenant")
            scored = service.score(self._assessments(tenant), self._sets(tenant), **data)
            self.outbox.kick()
            return {"assessment": answers.assessment(scored)}

        return answered(run)

    @rpc
    def propose(
        self,
        tenant: str,
        unit_code: str,
        unit_path: str,
        title: str,
        year: int,
        posted_from: str | None = None,
    ) -> dict[str, Any]:
        """The proposal list of a unit (its reviewed, eligible subjects), posted publicly from
        ``posted_from`` (ISO date of a posting done on paper; default today) for the
        province's posting period (default 10 days)."""
        days, default = posting_period(self._tenant_settings(tenant).get("posting_days"), title)
        unit = {"code": unit_code, "path": unit_path}

        def run() -> dict[str, Any]:
            first = MESSAGES.load(PostedFromSchema(), {"postedFrom": posted_from})["posted_from"]
            proposal = service.propose(
                self._assessments(tenant),
                self._proposals(tenant),
                tenant,
                unit,
                title,
                year,
                days,
                posted_from=first,
                posting_default=default,
            )
            return {"proposal": answers.proposal(proposal)}

        return answered(run)

    @rpc
    def proposal(self, tenant: str, proposal_id: str) -> dict[str, Any] | None:
        found = self._proposals(tenant).get(proposal_id)
        return answers.proposal(found) if found else None

    @rpc
    def decide(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(DecideSchema(), payload)
            tenant = data.pop("tenant")
            decided = service.decide(
                self._assessments(tenant),
                self._proposals(tenant),
                self._sets(tenant),
                **data,
                decisions=self._decisions(tenant),
                files=self._evidence_files(tenant),
            )
            self.outbox.kick()
            return {"decision": answers.decision(decided)}

        return answered(run)

    @rpc
    def revoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(RevokeSchema(), payload)
            revoked = service.revoke(self._assessments(data.pop("tenant")), **data)
            self.outbox.kick()
            return {"assessment": answers.assessment(revoked)}

        return answered(run)

    @rpc
    def authorities(self, tenant: str, title: str, year: int | None = None) -> list[str]:
        """Who decides recognitions of a title in a province (the 2025 reform moved
        authorities, so this is configuration): rules such as ``authority@commune`` or
        ``authority:parent`` (see ``gateway.access.may_decide``); the province's setting, else
        the ``decided_by`` of the set in force for ``year``, else the default."""
        configured = self._tenant_settings(tenant).get("authorities") or {}
        return decisions.authorities(self._sets(tenant), configured, title, year)

    @rpc
    def deadlines(self, tenant: str, unit_code: str, year: int) -> list[dict[str, Any]]:
        """The unit's recognition deadlines for a year, with the overdue ones flagged."""
        configured = self._tenant_settings(tenant).get("deadlines") or {}
        return service.unit_deadlines(
            self._proposals(tenant), unit_code, year, configured, date.today()
        )

    @rpc
    def attach_evidence(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(EvidenceSchema(), payload)
            tenant = data.pop("tenant")
            found = service.attach_evidence(
                self._assessments(tenant), self._evidence_files(tenant), **data
            )
            return {"assessment": answers.assessment(found)}

        return answered(run)

    @rpc
    def evidence_file(self, tenant: str, enrolment_id: str, evidence_id: str) -> dict | None:
        """An evidence file (base64) of an assessment of ``tenant``; None otherwise."""
        found = service.evidence_file(
            self._assessments(tenant), self._evidence_files(tenant), enrolment_id, evidence_id
        )
        return answers.evidence_file(found) if found else None

    @rpc
    def title_history(self, tenant: str, subject_id: str) -> dict[str, Any]:
        return service.history(self._assessments(tenant), subject_id)

    @rpc
    def assessment(self, tenant: str, enrolment_id: str) -> dict[str, Any] | None:
        found = self._assessments(tenant).get(enrolment_id)
        return answers.assessment(found) if found else None

    @rpc
    def decision(self, tenant: str, decision_id: str) -> dict[str, Any] | None:
        """A decision document of ``tenant`` (quyết định công nhận); None otherwise."""
        found = decisions.decision(self._decisions(tenant), decision_id)
        return answers.decision_document(found) if found else None

    @rpc
    def decisions(self, tenant: str, unit_code: str, year: int) -> list[dict[str, Any]]:
        """The decisions on a unit's proposal lists of a year."""
        found = decisions.of_unit(self._proposals(tenant), self._decisions(tenant), unit_code, year)
        return [answers.decision_document(d) for d in found]

    @rpc
    def title_holders(
        self, tenant: str, unit_code: str, title: str, year: int
    ) -> list[dict[str, Any]]:
        """Who holds a title for a year in a unit, by decision or imported (the recognised
        list); names stay with registration."""
        return service.title_holders(self._assessments(tenant), unit_code, title, year)

    @rpc
    def decide_sheet(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A decision whose list is a spreadsheet: ``{"decision": ...}``, or the rows refused
        (``{"row_errors": [...], "error_report": <base64 .xlsx>}``, nothing decided), or
        ``{"errors": [...]}``."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(DecideSheetSchema(), payload)
            tenant = data.pop("tenant")
            result = decisions.decide_from_sheet(
                self._assessments(tenant),
                self._proposals(tenant),
                self._sets(tenant),
                **data,
                decisions=self._decisions(tenant),
                files=self._evidence_files(tenant),
            )
            if isinstance(result, list):
                return answers.row_errors(result, decisions.row_error_report(result, SHEET_REASONS))
            self.outbox.kick()
            return {"decision": answers.decision(result)}

        return answered(run)

    @rpc
    def certificates(
        self, tenant: str, proposal_id: str, part: int = 1, size: int = CERTIFICATES_PER_PART
    ) -> dict[str, Any]:
        """The certificates (giấy công nhận) of a decided proposal list, part ``part`` of
        ``size`` (officers, through the gateway, which checks the list's unit first)."""
        size = max(1, min(int(size), CERTIFICATES_PER_PART))

        def run() -> dict[str, Any]:
            found = certificates.certificates(
                self._assessments(tenant),
                self._proposals(tenant),
                self._certificate_lookups(tenant),
                certificates.certificate_key(self.config),
                proposal_id,
                certificates.today_in_vietnam(),
            )
            certificates.check_part(len(found.certificates), int(part), size)
            return answers.certificates(found, int(part), size)

        return answered(run)

    @rpc
    def decision_file(self, tenant: str, decision_id: str) -> dict[str, Any] | None:
        """A decision's scanned file (base64) of ``tenant``; None otherwise."""
        found = decisions.decision_file(
            self._decisions(tenant), self._evidence_files(tenant), decision_id
        )
        return answers.evidence_file(found) if found else None

    @rpc
    def posting(
        self, tenant: str, proposal_id: str, after: str | None = None, first: int = 200
    ) -> dict[str, Any] | None:
        """Public: a proposal list while it is posted (niêm yết) or lately ended, one page of
        rows (enrolment and level proposed); None when it is not on the public page."""
        found = postings.posting(
            self._proposals(tenant),
            proposal_id,
            vietnam_day(datetime.now(UTC)),
            self._tenant_settings(tenant).get("posting") or {},
            after,
            first,
        )
        return answers.posting(found) if found else None

    @rpc
    def postings(
        self, tenant: str, unit_code: str, year: int, first: int = 200
    ) -> list[dict[str, Any]]:
        """Public: the unit's lists of a year on the public page today."""
        found = postings.of_unit(
            self._proposals(tenant),
            unit_code,
            year,
            vietnam_day(datetime.now(UTC)),
            self._tenant_settings(tenant).get("posting") or {},
            first,
        )
        return [answers.posting(p) for p in found]

    @rpc
    def verify_certificate(self, code: str) -> dict[str, Any] | None:
        """Public: what a certificate's code stands for today (status valid, expired or
        revoked), or None: the same for an unknown code of any tenant."""
        parsed = certificates.parse_code(code)
        if parsed is None:
            return None
        tenant, normalised = parsed
        if tenant not in tenants(self.config):
            return None
        found = certificates.verify(
            self._assessments(tenant),
            self._certificate_lookups(tenant),
            certificates.certificate_key(self.config),
            tenant,
            normalised,
            certificates.today_in_vietnam(),
        )
        if found is None:
            return None
        names = certificates.holder_names(self._tenant_settings(tenant), found.subject_kind)
        return {**answers.certificate(found), "tenant": tenant, "holder_names": names}

    @rpc
    def import_history(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Past years' recognitions (``{"history": {rows, imported, unchanged, errors}}``):
        every row checked first; any row error and nothing is written."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(ImportHistorySchema(), payload)
            tenant = data["tenant"]
            scope = load_scope(tenant, data["scope"])
            rows, unread = load_history_rows(data["rows"])
            done = history.import_history(
                self._assessments(tenant),
                self._sets(tenant),
                scope,
                rows,
                by=data["by"],
                dry_run=data["dry_run"],
                earlier_errors=unread,
            )
            if done.imported:
                self.outbox.kick()
            return {"history": answers.history_import(done)}

        return answered(run)

    @rpc
    def review_list(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A meeting's list review (biên bản bình xét): ``{"list_review": ...}``, or
        ``{"errors": [...]}`` where errors on rows also carry ``row`` and ``enrolmentId``
        (nothing recorded then)."""

        def run() -> dict[str, Any]:
            try:
                request = MESSAGES.load(ListReviewSchema(), payload)
            except InvalidInput as exc:
                return {"errors": answers.with_rows(exc.as_list(), payload)}
            tenant = request.tenant
            try:
                recorded = lists.record_list_review(
                    self._assessments(tenant),
                    self._evidence_files(tenant),
                    self._list_reviews(tenant),
                    self._sets(tenant),
                    request,
                    keep_going=_budget(LIST_REVIEW_REQUEST_SECONDS),
                )
            except RowsRefused as exc:
                return {"errors": answers.review_row_errors(exc.errors)}
            self.outbox.kick()
            wake(self.name, "finish_list_reviews")  # rows left past the request's budget
            return {"list_review": answers.list_review(recorded)}

        return answered(run)

    @rpc
    def list_review(self, tenant: str, review_id: str) -> dict[str, Any] | None:
        """A list review of ``tenant`` with its rows; None otherwise."""
        found = lists.list_review(self._list_reviews(tenant), review_id)
        return answers.list_review(found) if found else None

    @rpc
    def list_reviews(self, tenant: str, unit_code: str, year: int) -> list[dict[str, Any]]:
        """The list reviews of a unit and year (summaries, by meeting date)."""
        return lists.unit_list_reviews(self._list_reviews(tenant), unit_code, year)

    @rpc
    def unit_assessments(
        self, tenant: str, unit_code: str, title: str, year: int, first: int
    ) -> list[dict[str, Any]]:
        """A unit's own assessments of a title and year, each with its stages and verdicts,
        at most ``first`` (the review screens list them before the meeting)."""
        found = self._assessments(tenant).under_unit(unit_code, title, year)
        return [answers.assessment(record) for record in found[:first]]

    @rpc
    def list_review_file(self, tenant: str, review_id: str) -> dict[str, Any] | None:
        """The minutes file of a list review of ``tenant`` (base64) with its unit; None
        otherwise."""
        found = lists.list_review(self._list_reviews(tenant), review_id)
        meta = found.minutes_file if found else None
        if found is None or not meta:
            return None
        content = self._evidence_files(tenant).get(meta["id"], meta["chunks"])
        if content is None:
            return None
        return answers.evidence_file({**meta, "unitpath": found.unitpath, "content": content})

    @rpc
    def review_sheet_enrolments(
        self, tenant: str, unit_code: str, title: str, year: int
    ) -> list[str]:
        """The enrolments a unit's review sheet lists (the gateway asks their names)."""
        found = self._assessments(tenant).under_unit(unit_code, title, year)
        return [a.id for a in found if a.status == "REGISTERED" and not a.recognition]

    @rpc
    def review_sheet(
        self, tenant: str, unit_code: str, title: str, year: int, names: dict[str, str]
    ) -> str | None:
        """The unit's review sheet (.xlsx, base64) pre-filled with its enrolments, their
        ``names`` (given by the caller, not kept) and self-assessments; None without a set."""
        records = self._assessments(tenant).under_unit(unit_code, title, year)
        content = review_sheet.export_sheet(self._sets(tenant), records, names, title, year)
        return base64.b64encode(content).decode("ascii") if content is not None else None

    @rpc
    def review_list_sheet(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The review sheet uploaded back: ``{"list_review": ...}``, ``{"rejected":
        {"report_id", "errors": [{row, column, message}]}}`` (nothing recorded), or
        ``{"errors": [...]}`` for the document's fields or a file that cannot be read."""

        def run() -> dict[str, Any]:
            request, file_name, content = MESSAGES.load(ListReviewSheetSchema(), payload)
            tenant = request.tenant
            try:
                done = review_sheet.import_sheet(
                    self._assessments(tenant),
                    self._evidence_files(tenant),
                    self._list_reviews(tenant),
                    self._sets(tenant),
                    request,
                    file_name,
                    content,
                    datetime.now(UTC),
                    keep_going=_budget(LIST_REVIEW_REQUEST_SECONDS),
                )
            except review_sheet.SheetRefused as exc:
                return {"errors": [{"field": "content", "key": exc.key, "message": exc.text}]}
            if isinstance(done, review_sheet.SheetRejected):
                return {"rejected": review_sheet.report_answer(done)}
            self.outbox.kick()
            wake(self.name, "finish_list_reviews")  # rows left past the request's budget
            return {"list_review": answers.list_review(done)}

        return answered(run)

    @rpc
    def list_review_report(self, tenant: str, report_id: str) -> dict[str, Any] | None:
        """An uploaded review sheet's error report (base64) with its unit; None otherwise."""
        found = self._list_reviews(tenant).report(report_id)
        if found is None:
            return None
        unitpath, content = found
        return {"unitpath": unitpath, "content": base64.b64encode(content).decode("ascii")}

    @idle_timer(interval=LIST_REVIEW_FINISH_SECONDS, idle_interval=IDLE_SECONDS)
    def finish_list_reviews(self) -> bool:
        """Finish the list reviews left ``applying`` (of any province), one per tick for a
        time budget; the rest on the next ticks. Woken by the requests that leave rows; while
        none is left it polls rarely (True: it claimed one)."""
        claimed = store.AllTenantsUnfinishedListReviews(self.db).claim(time.time())
        if claimed is None:
            return False
        tenant, review_id = claimed
        lists.finish_list_review(
            self._assessments(tenant),
            self._list_reviews(tenant),
            self._sets(tenant),
            review_id,
            keep_going=_budget(LIST_REVIEW_TIMER_SECONDS),
        )
        self.outbox.kick()
        return True

    def _list_reviews(self, tenant: str) -> store.ListReviews:
        return store.ListReviews(TenantDatabase(self.db, tenant))

    # -- the stores of one tenant, its settings and criteria sets ---------------------------

    def _assessments(self, tenant: str) -> store.Assessments:
        return store.Assessments(TenantDatabase(self.db, tenant))

    def _proposals(self, tenant: str) -> store.Proposals:
        return store.Proposals(TenantDatabase(self.db, tenant))

    def _decisions(self, tenant: str) -> store.Decisions:
        return store.Decisions(TenantDatabase(self.db, tenant))

    def _evidence_files(self, tenant: str) -> store.EvidenceFiles:
        return store.EvidenceFiles(TenantDatabase(self.db, tenant))

    def _certificate_lookups(self, tenant: str) -> store.CertificateLookups:
        return store.CertificateLookups(TenantDatabase(self.db, tenant))

    def _tenant_settings(self, tenant: str) -> dict[str, Any]:
        return (self.config.get("TENANT_SETTINGS") or {}).get(tenant) or {}

    def _sets(self, tenant: str | None) -> list[CriteriaSet]:
        """The province's own sets (activated versions, then its files) ahead of the shipped
        ones; re-read only when the province activated a set (one read by ``_id`` each call)."""
        if not tenant:
            return set_registry.TenantSets(load_shipped())
        own = self._criteria_sets(tenant)
        return SET_CACHE.sets((self.db.name, tenant), own, self._file_sets(tenant), load_shipped())

    def _file_sets(self, tenant: str) -> tuple[CriteriaSet, ...]:
        return tenant_sets(str(self.config.get("CRITERIA_DIR") or ""), tenant)

    def _criteria_sets(self, tenant: str) -> store.CriteriaSets:
        return store.CriteriaSets(TenantDatabase(self.db, tenant))

    # -- a province's criteria sets at run time (set_registry) ------------------------------

    @rpc
    def validate_criteria_set(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A dry run: ``{"sets": [summary...]}`` or ``{"errors": [...]}``; nothing is stored."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(CriteriaSetUploadSchema(), payload)
            found = set_registry.validate(data["yaml"], load_shipped())
            return {"sets": answers.criteria_sets(found)}

        return answered(run)

    @rpc
    def upload_criteria_set(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Keep each set of a YAML document as the next version of its id (a draft)."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(CriteriaSetUploadSchema(), payload)
            tenant = data["tenant"]
            sets = self._criteria_sets(tenant)
            stored = set_registry.upload(
                sets, data["yaml"], load_shipped(), self._file_sets(tenant), data["by"], _now()
            )
            active = sets.active()
            return {"sets": [answers.stored_set(set_registry.describe(r, active)) for r in stored]}

        return answered(run)

    @rpc
    def activate_criteria_set(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Put a stored version in force from a year on; every scoring process sees it at its
        next request (the tenant's stamp changed)."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(CriteriaSetActivateSchema(), payload)
            sets = self._criteria_sets(data["tenant"])
            record = set_registry.activate(
                sets,
                data["set_id"],
                data["version"],
                data["effective_from_year"],
                data["by"],
                _now(),
            )
            return {"set": answers.stored_set(set_registry.describe(record, sets.active()))}

        return answered(run)

    @rpc
    def tenant_criteria_sets(self, tenant: str) -> list[dict[str, Any]]:
        """The province's stored versions with their status (no YAML)."""
        return [answers.stored_set(d) for d in set_registry.listing(self._criteria_sets(tenant))]

    @rpc
    def criteria_set_version(self, tenant: str, set_id: str, version: int) -> dict | None:
        """One stored version with its YAML as uploaded; None when the tenant has none."""
        found = set_registry.get(self._criteria_sets(tenant), set_id, version)
        return answers.stored_set(found) if found else None

    @rpc
    def figures_provisional(self, tenant: str, title: str, year: int) -> dict[str, Any]:
        """Whether a title's figures for a year rest on a provisional set, and why (from the
        sets in force, not from the assessments)."""
        found = set_registry.figures_provisional(self._sets(tenant), title, year)
        return answers.figures_provisional(found)

    @rpc
    def submit_self_assessments(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Households' self-assessments entered as one list (≤ 2,000 rows), each row judged as
        ``score`` judges one: ``{"self_assessments": {counts, rows}}`` (refused rows carry
        their field error), or ``{"errors": [...]}`` for a list that cannot be read at all."""

        def run() -> dict[str, Any]:
            try:
                request = SELF_ASSESSMENT_MESSAGES.load(SelfAssessmentsSchema(), payload)
            except InvalidInput as exc:
                return {"errors": answers.with_rows(exc.as_list(), payload)}
            tenant = request.tenant
            done = self_assessments.submit_self_assessments(
                self._assessments(tenant), self._sets(tenant), request
            )
            if done.written:
                self.outbox.kick()
            return {"self_assessments": self_assessments.answer(done)}

        return answered(run)

    # -- programme targets and progress (QĐ 281, 387, 677/QĐ-TTg) ---------------------------

    @rpc
    def progress_of(
        self,
        tenant: str,
        paths: list[str],
        year: int,
        denominators: dict[str, Any] | None = None,
        mountain: bool = False,
    ) -> list[dict[str, Any]]:
        """Each target applying to ``year`` (the province's own shares where it set some): the
        numerator from the counters of ``paths`` (a unit's figure paths), the denominator from
        ``denominators`` (households, clans, hamlets, units, adults, staff), share and met."""
        many_stats.ensure_index(self.db)
        db = TenantDatabase(self.db, tenant)
        return progress.progress_of(
            db, progress.ProvinceTargets(db), paths, year, denominators or {}, mountain
        )

    @rpc
    def set_province_target(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A province's own target over a national one: ``{"target": ...}`` or ``{"errors":
        [...]}`` (a share below the national one is refused)."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(progress.ProvinceTargetSchema(), payload)
            store_ = progress.ProvinceTargets(TenantDatabase(self.db, data["tenant"]))
            return {"target": progress.set_province_target(store_, data, _now())}

        return answered(run)

    @rpc
    def rating_levels(
        self, title: str, years: list[int], tenant: str | None = None
    ) -> list[dict[str, Any]]:
        """What each level number of ``title`` means in each year (the set in force, the
        province's own first): ``[{year, set_id, decision, levels: [{level, name, rating}]}]``."""
        return progress.rating_levels(self._sets(tenant), title, years[:50])


SET_CACHE = set_registry.SetCache()


def _now() -> datetime:
    return datetime.now(UTC)
