"""The nameko face of scoring: consumes registration's events, scores assessments, answers
figures over RPC."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from khuyenhoc.envelope import Envelope
from khuyenhoc.events import REGISTERED, WITHDRAWN
from khuyenhoc.messaging import DUPLICATE, PROCESSED, consumes
from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from khuyenhoc.web import ObservableService
from services.scoring import service, store
from services.scoring.criteria_sets import CriteriaSet, load_file, load_shipped
from services.scoring.schemas import MESSAGES, ScoreSchema

ASSESSMENT_FIELDS = (
    "_id",
    "tenant",
    "subject_id",
    "subject_kind",
    "title",
    "year",
    "unit_code",
    "unitpath",
    "status",
    "self_assessment",
    "review",
)


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

    @consumes(REGISTERED)
    def on_registered(self, event: Envelope) -> str:
        return self._apply(event, REGISTERED.name)

    @consumes(WITHDRAWN)
    def on_withdrawn(self, event: Envelope) -> str:
        return self._apply(event, WITHDRAWN.name)

    def _apply(self, event: Envelope, name: str) -> str:
        changed = service.apply_enrolment_event(store.Assessments(self.db), event, name)
        return PROCESSED if changed else DUPLICATE

    @rpc
    def stats(self, tenant: str, unit_path: str, year: int) -> dict[str, dict[str, int]]:
        """Figures per title for the unit and everything below it, inside ``tenant`` only."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:
            return {}
        return service.unit_stats(store.Assessments(self.db), path, year)

    @rpc
    def criteria_sets(self, title: str, year: int, tenant: str | None = None) -> list[dict]:
        """The sets in force for a title and year: the province's own first, then shipped."""
        sets = service.sets_in_force(self._sets(tenant), title, year)
        return [service.criteria_summary(s) for s in sets]

    @rpc
    def score(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A self-assessment or review: ``{"assessment": ...}`` or ``{"errors": [...]}``."""
        try:
            data = MESSAGES.load(ScoreSchema(), payload)
            scored = service.score(store.Assessments(self.db), self._sets(data["tenant"]), **data)
        except InvalidInput as exc:
            return {"errors": exc.as_list()}
        self.outbox.kick()
        return {"assessment": _public(scored)}

    @rpc
    def assessment(self, tenant: str, enrolment_id: str) -> dict[str, Any] | None:
        found = store.Assessments(self.db).get(enrolment_id)
        return _public(found) if found and found["tenant"] == tenant else None

    def _sets(self, tenant: str | None) -> list[CriteriaSet]:
        own = tenant_sets(str(self.config.get("CRITERIA_DIR") or ""), tenant) if tenant else ()
        return [*own, *load_shipped()]


def _public(assessment: dict[str, Any]) -> dict[str, Any]:
    return {field: assessment.get(field) for field in ASSESSMENT_FIELDS}
