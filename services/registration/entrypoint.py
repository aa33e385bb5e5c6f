"""The nameko face of registration: translates RPC calls into use cases, nothing more."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc

from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.validation import InvalidInput
from khuyenhoc.web import ObservableService
from services.registration import service, store
from services.registration.schemas import MESSAGES, RegisterHouseholdSchema

UNIT_FIELDS = ("tenant", "code", "name", "level", "parent_code", "path", "depth")


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
    def get_unit(self, code: str, tenant: str | None = None) -> dict[str, Any] | None:
        """A unit by its official code (public directory data), optionally inside a tenant."""
        directory = store.Directory(self.db)
        unit = directory.get(tenant, code) if tenant else directory.find_by_code(code)
        return _public_unit(unit)

    @rpc
    def children(self, tenant: str, code: str) -> list[dict[str, Any]]:
        return [_public_unit(unit) for unit in store.Directory(self.db).children(tenant, code)]
