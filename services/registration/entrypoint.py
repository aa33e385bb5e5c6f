"""The nameko face of registration: translates RPC calls into use cases, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from khuyenhoc.web import ObservableService
from services.registration import service, store
from services.registration.domain import SubjectKind
from services.registration.schemas import (
    MESSAGES,
    REGISTER_SCHEMAS,
    AddMemberSchema,
    BranchMembersSchema,
    CloseBranchSchema,
    CreateBranchSchema,
    RenameBranchSchema,
    WithdrawSchema,
)

MAX_PAGE = 500
UNIT_FIELDS = (
    "_id",
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
    "kind",
    "names",
)


def _public_unit(unit: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if unit is None else {field: unit.get(field) for field in UNIT_FIELDS}


class RegistrationService(ObservableService):
    name = "registration"

    config = Config()
    db = MongoDatabase(prepare=store.prepare)
    outbox = OutboxRelay(*store.OUTBOX_COLLECTIONS)

    @rpc
    def register(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Register a subject of ``kind`` (household, clan, community, learning_unit, citizen).

        Returns ``{"enrolment": {...}}`` or ``{"errors": [{field, key, message}]}``.
        """
        schema = REGISTER_SCHEMAS[SubjectKind(kind)]

        def run() -> dict[str, Any]:
            command = MESSAGES.load(schema(), payload)
            registered = service.register(
                self._directory(),
                store.Registrations(self.db),
                command,
                self._settings(command.tenant),
            )
            if registered.created:
                self.outbox.kick()
            return {"enrolment": registered.as_dict()}

        return _answer(run)

    @rpc
    def withdraw(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(WithdrawSchema(), payload)
            withdrawn = service.withdraw(store.Registrations(self.db), **data)
            self.outbox.kick()
            return {"enrolment": withdrawn}

        return _answer(run)

    @rpc
    def subjects(
        self,
        tenant: str,
        unit_path: str,
        year: int,
        title: str | None = None,
        status: str | None = None,
        search: str | None = None,
        after: str | None = None,
        first: int = 50,
    ) -> dict[str, Any]:
        """A page of the unit's enrolments (and those below it), inside ``tenant`` only."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:
            return {"items": [], "nextCursor": None}
        page = service.list_subjects(
            store.Registrations(self.db),
            path,
            year,
            title,
            status,
            search,
            after,
            max(1, min(first, MAX_PAGE)),
        )
        fields = (
            "_id",
            "subject_id",
            "subject_kind",
            "title",
            "year",
            "status",
            "name",
            "unitpath",
        )
        page["items"] = [{f: item.get(f) for f in fields} for item in page["items"]]
        return page

    @rpc
    def enrolment(self, tenant: str, enrolment_id: str) -> dict[str, Any] | None:
        """Where an enrolment of ``tenant`` belongs (for access checks); None if not there."""
        found = store.Registrations(self.db).get_enrolment(enrolment_id)
        if found is None or found["tenant"] != tenant:
            return None
        fields = ("tenant", "unit_code", "unitpath", "title", "year", "status", "subject_kind")
        return {field: found.get(field) for field in fields}

    def _settings(self, tenant: str) -> service.RegistrationSettings:
        own = (self.config.get("TENANT_SETTINGS") or {}).get(tenant) or {}
        return service.RegistrationSettings(
            id_key=str(self.config["ID_HASH_KEY"]).encode("utf-8"),
            citizen_min_age=own.get("citizen_min_age"),
            citizen_max_age=own.get("citizen_max_age"),
        )

    @rpc
    def create_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            data = MESSAGES.load(CreateBranchSchema(), payload)
            unit, created = service.create_branch(self._directory(), self._branches(), **data)
            return {"branch": _public_unit(unit), "created": created}

        return _answer(create)

    @rpc
    def rename_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def rename() -> dict[str, Any]:
            data = MESSAGES.load(RenameBranchSchema(), payload)
            unit = service.rename_branch(self._directory(), self._branches(), **data)
            return {"branch": _public_unit(unit)}

        return _answer(rename)

    @rpc
    def close_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def close() -> dict[str, Any]:
            data = MESSAGES.load(CloseBranchSchema(), payload)
            unit = service.close_branch(self._directory(), self._branches(), **data)
            return {"branch": _public_unit(unit)}

        return _answer(close)

    @rpc
    def set_branch_members(self, payload: dict[str, Any]) -> dict[str, Any]:
        def record() -> dict[str, Any]:
            data = MESSAGES.load(BranchMembersSchema(), payload)
            return {
                "members": service.set_branch_members(self._directory(), self._branches(), **data)
            }

        return _answer(record)

    @rpc
    def add_member(self, payload: dict[str, Any]) -> dict[str, Any]:
        def record() -> dict[str, Any]:
            data = MESSAGES.load(AddMemberSchema(), payload)
            added = service.add_member(self._directory(), self._branches(), **data)
            if added["created"]:
                self.outbox.kick()
            return {"member": added}

        return _answer(record)

    @rpc
    def unit_figures(self, tenant: str, unit_path: str, year: int) -> dict[str, int]:
        """Members and branches of the unit and below it, inside ``tenant`` only."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:
            return {}
        return service.unit_figures(self._branches(), path, year)

    def _directory(self) -> store.Directory:
        return store.Directory(self.db)

    def _branches(self) -> store.Branches:
        return store.Branches(self.db)

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
    def get_units(self, unit_ids: list[str]) -> list[dict[str, Any]]:
        """Units by their version ids (as linked from predecessors and successors)."""
        directory = store.Directory(self.db)
        return [_public_unit(u) for u in map(directory.by_id, unit_ids) if u is not None]

    @rpc
    def children(self, unit_id_: str) -> list[dict[str, Any]]:
        directory = store.Directory(self.db)
        parent = directory.by_id(unit_id_)
        return [] if parent is None else [_public_unit(u) for u in directory.children(parent)]

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


def _answer(use_case: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a use case; invalid input comes back as field errors, never as an exception."""
    try:
        return use_case()
    except InvalidInput as exc:
        return {"errors": exc.as_list()}


def _day(at: str | None) -> date | None:
    return date.fromisoformat(at) if at else None
