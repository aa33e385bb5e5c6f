"""The nameko face of registration: translates RPC calls into use cases, nothing more."""

from __future__ import annotations

from datetime import date
from typing import Any

from nameko.rpc import rpc

from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.validation import InvalidInput
from khuyenhoc.web import ObservableService
from services.registration import service, store
from services.registration.schemas import MESSAGES, RegisterHouseholdSchema

MAX_PAGE = 500
UNIT_FIELDS = (
    "tenant",
    "scheme",
    "code",
    "name",
    "level",
    "parent_code",
    "path",
    "depth",
    "valid_from",
    "valid_to",
    "predecessors",
    "successors",
)


def _public_unit(unit: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if unit is None else {field: unit.get(field) for field in UNIT_FIELDS}


class RegistrationService(ObservableService):
    name = "registration"

    db = MongoDatabase(prepare=store.prepare)
    outbox = OutboxRelay(*store.OUTBOX_COLLECTIONS)

    @rpc
    def register_household(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Returns ``{"enrolment": {...}}`` or ``{"errors": [{field, key, message}]}``."""
        try:
            household, year = MESSAGES.load(RegisterHouseholdSchema(), payload)
            registered = service.register_household(
                store.Directory(self.db), store.Registrations(self.db), household, year
            )
        except InvalidInput as exc:
            return {"errors": exc.as_list()}
        if registered.created:
            self.outbox.kick()
        return {"enrolment": registered.as_dict()}

    @rpc
    def get_unit(
        self, code: str, tenant: str | None = None, at: str | None = None
    ) -> dict[str, Any] | None:
        """A unit by its official code as it was at ``at`` (ISO date, default today); public
        directory data, optionally inside one tenant."""
        directory = store.Directory(self.db)
        day = _day(at)
        unit = directory.get(tenant, code, day) if tenant else directory.find_by_code(code, day)
        return _public_unit(unit)

    @rpc
    def get_version(self, tenant: str, scheme: str, code: str) -> dict[str, Any] | None:
        return _public_unit(store.Directory(self.db).version(tenant, scheme, code))

    @rpc
    def children(self, tenant: str, code: str, scheme: str) -> list[dict[str, Any]]:
        parent = {"tenant": tenant, "code": code, "scheme": scheme}
        return [_public_unit(unit) for unit in store.Directory(self.db).children(parent)]

    @rpc
    def search_units(
        self,
        tenant: str | None = None,
        level: str | None = None,
        parent: str | None = None,
        text: str | None = None,
        at: str | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Units by level, parent code and name (with or without diacritics, any normal form)."""
        directory = store.Directory(self.db)
        day = _day(at)
        parent_unit = None
        if parent:
            parent_unit = (
                directory.get(tenant, parent, day)
                if tenant
                else directory.find_by_code(parent, day)
            )
            if parent_unit is None:
                return []
        found = directory.search(
            tenant=tenant,
            level=level,
            parent=parent_unit,
            text=text,
            at=day,
            limit=max(1, min(limit, MAX_PAGE)),
        )
        return [_public_unit(unit) for unit in found]


def _day(at: str | None) -> date | None:
    return date.fromisoformat(at) if at else None
