"""The nameko face of scoring: consumes registration's events, answers figures over RPC."""

from __future__ import annotations

from nameko.rpc import rpc

from khuyenhoc.envelope import Envelope
from khuyenhoc.events import REGISTERED, WITHDRAWN
from khuyenhoc.messaging import DUPLICATE, PROCESSED, consumes
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.web import ObservableService
from services.scoring import service, store


class ScoringService(ObservableService):
    name = "scoring"

    db = MongoDatabase(prepare=store.prepare)

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
