"""The nameko face of registration: translates RPC calls into use cases, nothing more."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import timer

from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import answered
from khuyenhoc.web import ObservableService
from services.registration import store
from services.registration.directory import hierarchy
from services.registration.enrolment import service
from services.registration.enrolment.domain import SubjectKind
from services.registration.lists import exports, imports
from services.registration.lists.columns import SUBJECT_KINDS
from services.registration.lists.templates import template
from services.registration.schemas import (
    MESSAGES,
    REGISTER_SCHEMAS,
    AddMemberSchema,
    BranchMembersSchema,
    CloseBranchSchema,
    CreateBranchSchema,
    RenameBranchSchema,
    StartImportSchema,
    WithdrawSchema,
)

MAX_PAGE = 500
IMPORT_POLL_SECONDS = 1.0
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

        return answered(run)

    @rpc
    def withdraw(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(WithdrawSchema(), payload)
            withdrawn = service.withdraw(store.Registrations(self.db), **data)
            self.outbox.kick()
            return {"enrolment": withdrawn}

        return answered(run)

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

    @rpc
    def contact(self, tenant: str, subject_id: str) -> dict[str, Any] | None:
        """Name, phone, e-mail and unit of a subject of ``tenant`` (for notification)."""
        return service.contact(self._directory(), store.Registrations(self.db), tenant, subject_id)

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

        return answered(create)

    @rpc
    def rename_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def rename() -> dict[str, Any]:
            data = MESSAGES.load(RenameBranchSchema(), payload)
            unit = service.rename_branch(self._directory(), self._branches(), **data)
            return {"branch": _public_unit(unit)}

        return answered(rename)

    @rpc
    def close_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def close() -> dict[str, Any]:
            data = MESSAGES.load(CloseBranchSchema(), payload)
            unit = service.close_branch(self._directory(), self._branches(), **data)
            return {"branch": _public_unit(unit)}

        return answered(close)

    @rpc
    def set_branch_members(self, payload: dict[str, Any]) -> dict[str, Any]:
        def record() -> dict[str, Any]:
            data = MESSAGES.load(BranchMembersSchema(), payload)
            return {
                "members": service.set_branch_members(self._directory(), self._branches(), **data)
            }

        return answered(record)

    @rpc
    def add_member(self, payload: dict[str, Any]) -> dict[str, Any]:
        def record() -> dict[str, Any]:
            data = MESSAGES.load(AddMemberSchema(), payload)
            added = service.add_member(self._directory(), self._branches(), **data)
            if added["created"]:
                self.outbox.kick()
            return {"member": added}

        return answered(record)

    @rpc
    def start_import(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Accept a list for import; the work itself is done by ``process_imports``."""

        def accept() -> dict[str, Any]:
            data = MESSAGES.load(StartImportSchema(), payload)
            job, created = imports.start(
                self._directory(),
                store.ImportJobs(self.db),
                data["tenant"],
                data["commune_code"],
                data["kind"],
                data["year"],
                data["file_name"],
                data["content"],
            )
            return {"job": _public_job(job), "created": created}

        return answered(accept)

    @rpc
    def import_job(self, tenant: str, job_id: str) -> dict[str, Any] | None:
        job = store.ImportJobs(self.db).get(job_id)
        return _public_job(job) if job and job["tenant"] == tenant else None

    @rpc
    def import_error_report(self, tenant: str, job_id: str) -> str | None:
        """The job's error report, .xlsx as base64; None for another tenant's job."""
        jobs = store.ImportJobs(self.db)
        job = jobs.get(job_id)
        if job is None or job["tenant"] != tenant:
            return None
        return base64.b64encode(imports.report(jobs, job)).decode("ascii")

    @rpc
    def export_registrations(self, tenant: str, unit_path: str, year: int) -> str | None:
        """The unit's registrations for a year as the officers' .xlsx record (base64)."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:
            return None
        content = exports.registrations_workbook(store.Registrations(self.db), path, year)
        return base64.b64encode(content).decode("ascii")

    @timer(interval=IMPORT_POLL_SECONDS)
    def process_imports(self) -> None:
        """Work through waiting import jobs, one at a time per worker."""
        jobs = store.ImportJobs(self.db)
        while (job := jobs.claim(datetime.now(UTC), imports.LEASE)) is not None:
            imports.run(
                self._directory(),
                store.Registrations(self.db),
                jobs,
                self._settings(job["tenant"]),
                job,
                after_batch=self.outbox.kick,
            )

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
    def unit_for_year(self, code: str, tenant: str, year: int) -> dict[str, Any] | None:
        """The unit a registration for ``year`` refers to: the directory as it stood at the
        end of that year (or today, while the year runs)."""
        day = hierarchy.registration_date(year, date.today())
        return _public_unit(store.Directory(self.db).get(tenant, code, day))

    @rpc
    def parent(self, unit_id_: str) -> dict[str, Any] | None:
        """A unit's parent as it stood while the unit existed (its last day, once closed)."""
        directory = store.Directory(self.db)
        unit = directory.by_id(unit_id_)
        if unit is None or not unit.get("parent_code"):
            return None
        day = hierarchy.reference_day(unit, date.today())
        return _public_unit(directory.get(unit["tenant"], unit["parent_code"], day))

    @rpc
    def figure_paths(self, unit_id_: str, year: int) -> list[str]:
        """Where a unit's figures for ``year`` are kept: its own path, or its predecessors'
        for a year before it was formed."""
        unit = store.Directory(self.db).by_id(unit_id_)
        return [] if unit is None else hierarchy.figure_paths(unit, year)

    @rpc
    def template(self, kind: str) -> str | None:
        """The import template of ``kind`` as base64 .xlsx; None for an unknown kind."""
        if kind not in SUBJECT_KINDS:
            return None
        return base64.b64encode(template(kind)).decode("ascii")

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


JOB_FIELDS = (
    "_id",
    "tenant",
    "commune_code",
    "unitpath",
    "kind",
    "year",
    "file_name",
    "status",
    "total",
    "done",
    "created",
    "duplicates",
    "failed",
)


def _public_job(job: dict[str, Any]) -> dict[str, Any]:
    return {field: job.get(field) for field in JOB_FIELDS}


def _day(at: str | None) -> date | None:
    return date.fromisoformat(at) if at else None
