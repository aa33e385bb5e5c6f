"""The nameko face of registration: translates RPC calls into use cases, nothing more. Stores
are built here for the one province a call names (``TenantDatabase``); the public directory
and the import queue are the only readers across provinces."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

from nameko.dependency_providers import Config

from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.rpc import rpc
from khuyenhoc.storage import MongoDatabase, TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.timers import idle_timer, wake
from khuyenhoc.web import ObservableService
from services.registration import answers, store
from services.registration.accounts import rpc as accounts_rpc
from services.registration.accounts import store as accounts_store
from services.registration.accounts.domain import Status
from services.registration.accounts.service import Accounts
from services.registration.association import kinds as branch_kinds
from services.registration.association import service as association
from services.registration.association.store import Branches
from services.registration.denominators import service as denominators
from services.registration.denominators import sheet as denominators_sheet
from services.registration.denominators.store import Denominators
from services.registration.directory import hamlets, hamlets_sheet, hierarchy
from services.registration.directory.hamlets_store import Hamlets
from services.registration.directory.store import DirectoryStore, PublicDirectory
from services.registration.enrolment import service as enrolment
from services.registration.enrolment.domain import SubjectKind
from services.registration.enrolment.service import RegistrationSettings
from services.registration.enrolment.store import Registrations
from services.registration.lists import exports, imports, templates
from services.registration.lists.columns import SUBJECT_KINDS
from services.registration.lists.store import AllTenantsImportQueue, ImportJobs
from services.registration.messages import MESSAGES
from services.registration.schemas import (
    REGISTER_SCHEMAS,
    AddMemberSchema,
    AttachBranchHamletSchema,
    BranchMembersSchema,
    CloseBranchSchema,
    CloseHamletSchema,
    CorrectRegistrationSchema,
    CreateBranchSchema,
    CreateHamletSchema,
    ImportDenominatorsSchema,
    ImportHamletsSchema,
    MoveBranchSchema,
    RenameBranchSchema,
    RenameHamletSchema,
    SetDenominatorsSchema,
    StartImportSchema,
    WithdrawSchema,
    answer,
    denominators_row_reader,
    hamlets_row_reader,
    refusal,
    row_reader,
)

MAX_PAGE = 500
MAX_NAMED = 5000
MAX_MANY = 2000  # units of one batched directory or figures call
IMPORT_POLL_SECONDS = 1.0
IDLE_POLL_SECONDS = 8.0  # the slowest poll of an idle worker (a new job wakes it)


class RegistrationService(ObservableService):
    name = "registration"

    config = Config()
    db = MongoDatabase(prepare=lambda db: _prepare(db))
    outbox = OutboxRelay(*store.OUTBOX_COLLECTIONS)

    # -- enrolments --------------------------------------------------------------------

    @rpc
    def register(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Register a subject of ``kind`` (household, clan, community, learning_unit, citizen).

        Returns ``{"enrolment": {...}}`` or ``{"errors": [{field, key, message}]}``.
        """
        schema = REGISTER_SCHEMAS[SubjectKind(kind)]

        def run() -> dict[str, Any]:
            command = MESSAGES.load(schema(), payload)
            registered = enrolment.register(
                self._directory(command.tenant),
                self._registrations(command.tenant),
                command,
                self._settings(command.tenant),
                hamlets=self._hamlets(command.tenant),
            )
            if registered.created:
                self.outbox.kick()
            return {"enrolment": answers.REGISTERED.dump(registered)}

        return answer(run)

    @rpc
    def withdraw(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(WithdrawSchema(), payload)
            registrations = self._registrations(data.pop("tenant"))
            withdrawn = enrolment.withdraw(registrations, **data)
            self.outbox.kick()
            return {"enrolment": answers.WITHDRAWN.dump(withdrawn)}

        return answer(run)

    @rpc
    def correct(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Correct an enrolled registration's details (see ``enrolment.correct``)."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(CorrectRegistrationSchema(), payload)
            registrations = self._registrations(data.pop("tenant"))
            enrolment_id = data.pop("enrolment_id")
            corrected = enrolment.correct(registrations, enrolment_id, data)
            return {"registration": answers.REGISTRATION.dump(corrected)}

        return answer(run)

    @rpc
    def subjects(
        self,
        tenant: str,
        unit_path: str | list[str],
        year: int,
        title: str | None = None,
        status: str | None = None,
        search: str | None = None,
        after: str | None = None,
        first: int = 50,
    ) -> dict[str, Any]:
        """A page of the unit's enrolments (and those below it), inside ``tenant`` only;
        ``unit_path`` may be several paths (a unit's predecessors, for a year before it
        existed: one list over them, paged with one opaque cursor)."""
        given = [unit_path] if isinstance(unit_path, str) else list(unit_path)[:MAX_PAGE]
        paths = [p for p in map(UnitPath.parse, dict.fromkeys(given)) if p.tenant == tenant]
        if not paths:
            return dict(answers.SUBJECTS_PAGE.dump(enrolment.Page([], None)))
        page = enrolment.list_subjects(
            self._registrations(tenant),
            paths,
            year,
            title,
            status,
            search,
            after,
            max(1, min(first, MAX_PAGE)),
        )
        return dict(answers.SUBJECTS_PAGE.dump(page))

    @rpc
    def enrolment(self, tenant: str, enrolment_id: str) -> dict[str, Any] | None:
        """Where an enrolment of ``tenant`` belongs (for access checks); None if not there."""
        found = self._registrations(tenant).get_enrolment(enrolment_id)
        return answers.dumped(answers.ENROLMENT_PLACE, found)

    @rpc
    def registration(self, tenant: str, enrolment_id: str) -> dict[str, Any] | None:
        """One registration of ``tenant`` with its subject's details (its page); None if not
        there. The gateway checks the caller's reach on ``unitpath``."""
        found = enrolment.details(self._registrations(tenant), enrolment_id)
        return answers.dumped(answers.REGISTRATION, found)

    @rpc
    def contact(self, tenant: str, subject_id: str) -> dict[str, Any] | None:
        """Name, phone, e-mail and unit of a subject of ``tenant`` (for notification)."""
        found = enrolment.contact(self._directory(tenant), self._registrations(tenant), subject_id)
        return answers.dumped(answers.CONTACT, found)

    @rpc
    def contacts(self, tenant: str, subject_ids: list[str]) -> dict[str, Any]:
        """:meth:`contact` of many subjects of ``tenant`` (at most ``MAX_NAMED``), by id;
        unknown ones are absent (notification's delivery pass asks once per batch)."""
        found = enrolment.contacts(
            self._directory(tenant), self._registrations(tenant), list(subject_ids)[:MAX_NAMED]
        )
        return {sid: answers.dumped(answers.CONTACT, c) for sid, c in found.items()}

    @rpc
    def enrolment_names(self, tenant: str, enrolment_ids: list[str]) -> dict[str, Any]:
        """Who each of the tenant's enrolments is (name, subject, unit), by id, at most
        ``MAX_NAMED`` at a time; ids of other tenants or unknown ones are absent."""
        found = self._registrations(tenant).enrolments_named(list(enrolment_ids)[:MAX_NAMED])
        return {e.id: answers.NAMED_ENROLMENT.dump(e) for e in found}

    @rpc
    def subject_names(self, tenant: str, subject_ids: list[str]) -> dict[str, Any]:
        """Who each of the tenant's subjects is (name, kind, unit), by id, at most ``MAX_NAMED``."""
        found = self._registrations(tenant).subjects_named(list(subject_ids)[:MAX_NAMED])
        return {s.id: answers.NAMED_SUBJECT.dump(s) for s in found}

    # -- the association: branches and members -----------------------------------------

    @rpc
    def create_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            data = MESSAGES.load(CreateBranchSchema(), payload)
            tenant = data.pop("tenant")
            unit, created = association.create_branch(
                self._directory(tenant), self._branches(tenant), **data
            )
            return {"branch": answers.UNIT.dump(unit), "created": created}

        return answer(create)

    @rpc
    def rename_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def rename() -> dict[str, Any]:
            data = MESSAGES.load(RenameBranchSchema(), payload)
            tenant = data.pop("tenant")
            unit = association.rename_branch(
                self._directory(tenant), self._branches(tenant), **data
            )
            return {"branch": answers.UNIT.dump(unit)}

        return answer(rename)

    @rpc
    def close_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        def close() -> dict[str, Any]:
            data = MESSAGES.load(CloseBranchSchema(), payload)
            tenant = data.pop("tenant")
            unit = association.close_branch(self._directory(tenant), self._branches(tenant), **data)
            return {"branch": answers.UNIT.dump(unit)}

        return answer(close)

    @rpc
    def set_branch_members(self, payload: dict[str, Any]) -> dict[str, Any]:
        def record() -> dict[str, Any]:
            data = MESSAGES.load(BranchMembersSchema(), payload)
            tenant = data.pop("tenant")
            members = association.set_branch_members(
                self._directory(tenant), self._branches(tenant), **data
            )
            return {"members": answers.MEMBER_COUNT.dump(members)}

        return answer(record)

    @rpc
    def add_member(self, payload: dict[str, Any]) -> dict[str, Any]:
        def record() -> dict[str, Any]:
            data = MESSAGES.load(AddMemberSchema(), payload)
            tenant = data.pop("tenant")
            added = association.add_member(self._directory(tenant), self._branches(tenant), **data)
            if added.created:
                self.outbox.kick()
            return {"member": answers.MEMBER_ADDED.dump(added)}

        return answer(record)

    @rpc
    def move_branch(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Re-attach a branch to another commune from a day (a new version under it, linked
        to the old one; member counts of that year on go with it)."""

        def move() -> dict[str, Any]:
            data = MESSAGES.load(MoveBranchSchema(), payload)
            tenant = data.pop("tenant")
            unit = association.move_branch(self._directory(tenant), self._branches(tenant), **data)
            return {"branch": answers.UNIT.dump(unit)}

        return answer(move)

    @rpc
    def unit_figures(self, tenant: str, unit_path: str, year: int) -> dict[str, int]:
        """Members and branches of the unit and below it, inside ``tenant`` only."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:  # a unit of another province (or of none): "nothing"
            return {}
        figures = association.unit_figures(self._branches(tenant), path, year)
        return dict(answers.UNIT_FIGURES.dump(figures))

    @rpc
    def unit_figures_many(
        self, tenant: str, unit_paths: list[str], year: int
    ) -> dict[str, dict[str, int]]:
        """``unit_figures`` of many units at once (``{path: figures}``), inside ``tenant``
        only: the tenant's branches and member counts are read once for all of them."""
        paths = [UnitPath.parse(p) for p in dict.fromkeys(unit_paths[:MAX_MANY])]
        found = association.unit_figures_many(
            self._branches(tenant), [p for p in paths if p.tenant == tenant], year
        )
        return {
            str(p): dict(answers.UNIT_FIGURES.dump(found[p])) if p in found else {} for p in paths
        }

    # -- lists: imports and exports ----------------------------------------------------

    @rpc
    def start_import(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Accept a list for import; the work itself is done by ``process_imports``."""

        def accept() -> dict[str, Any]:
            data = MESSAGES.load(StartImportSchema(), payload)
            tenant = data.pop("tenant")
            job, created = imports.start(self._directory(tenant), self._import_jobs(tenant), **data)
            if created:
                wake(self.name, "process_imports")
            return {"job": answers.IMPORT_JOB.dump(job), "created": created}

        return answer(accept)

    @rpc
    def import_job(self, tenant: str, job_id: str) -> dict[str, Any] | None:
        return answers.dumped(answers.IMPORT_JOB, self._import_jobs(tenant).get(job_id))

    @rpc
    def import_error_report(self, tenant: str, job_id: str) -> str | None:
        """The job's error report, .xlsx as base64; None for another tenant's job."""
        jobs = self._import_jobs(tenant)
        job = jobs.get(job_id)
        if job is None:
            return None
        return base64.b64encode(imports.report(jobs, job)).decode("ascii")

    @rpc
    def export_registrations(self, tenant: str, unit_path: str, year: int) -> str | None:
        """The unit's registrations for a year as the officers' .xlsx record (base64)."""
        path = UnitPath.parse(unit_path)
        if path.tenant != tenant:  # another province's unit (or none): no file at all
            return None
        content = exports.registrations_workbook(self._registrations(tenant), path, year)
        return base64.b64encode(content).decode("ascii")

    @idle_timer(interval=IMPORT_POLL_SECONDS, idle_interval=IDLE_POLL_SECONDS)
    def process_imports(self) -> bool:
        """Work through waiting import jobs (of any province), one at a time per worker;
        woken by ``start_import``, polling rarely while there is none (True: found some)."""
        queue = AllTenantsImportQueue(self.db)
        found = False
        while (job := queue.claim(datetime.now(UTC), imports.LEASE)) is not None:
            tenant = job["tenant"]
            settings = self._settings(tenant)
            imports.run(
                self._directory(tenant),
                self._registrations(tenant),
                self._import_jobs(tenant),
                row_reader(job["kind"], tenant, job["commune_code"], job["year"], settings),
                job,
                after_batch=self.outbox.kick,
            )
            found = True
        return found

    @rpc
    def template(self, kind: str) -> str | None:
        """The import template of ``kind`` as base64 .xlsx; None for an unknown kind."""
        if kind not in SUBJECT_KINDS:
            return None
        return base64.b64encode(templates.template(kind)).decode("ascii")

    # -- the directory -----------------------------------------------------------------

    @rpc
    def get_unit(
        self, code: str, tenant: str | None = None, at: str | None = None
    ) -> dict[str, Any] | None:
        """A unit by its official code as it was at ``at`` (ISO date, default today); public
        directory data, optionally inside one tenant."""
        directory = self._public_directory()
        day = _day(at)
        unit = directory.get(tenant, code, day) if tenant else directory.find_by_code(code, day)
        return answers.dumped(answers.UNIT, unit)

    @rpc
    def unit_for_year(self, code: str, tenant: str, year: int) -> dict[str, Any] | None:
        """The unit a registration for ``year`` refers to: the directory as it stood at the
        end of that year (or today, while the year runs)."""
        day = hierarchy.registration_date(year, date.today())
        return answers.dumped(answers.UNIT, self._directory(tenant).get(code, day))

    @rpc
    def parent(self, unit_id_: str) -> dict[str, Any] | None:
        """A unit's parent as it stood while the unit existed (its last day, once closed)."""
        directory = self._public_directory()
        unit = directory.by_id(unit_id_)
        if unit is None or not unit.get("parent_code"):
            return None
        day = hierarchy.reference_day(unit, date.today())
        return answers.dumped(answers.UNIT, directory.get(unit["tenant"], unit["parent_code"], day))

    @rpc
    def figure_paths(self, unit_id_: str, year: int) -> list[str]:
        """Where a unit's figures for ``year`` are kept: its own path, or its predecessors'
        for a year before it was formed."""
        unit = self._public_directory().by_id(unit_id_)
        return [] if unit is None else hierarchy.figure_paths(unit, year)

    @rpc
    def figure_paths_many(self, unit_ids: list[str], year: int) -> dict[str, list[str]]:
        """``figure_paths`` of many units at once (``{unit id: paths}``; unknown ids absent)."""
        found = self._public_directory().by_ids(list(dict.fromkeys(unit_ids[:MAX_MANY])))
        return {i: hierarchy.figure_paths(u, year) for i, u in found.items()}

    @rpc
    def inherited_paths(self, tenant: str, unit_path: str) -> list[str]:
        """The paths whose records the officers of the tenant's unit at ``unit_path`` inherited:
        the units it was formed from, transitively (only their own subtrees)."""
        return self._public_directory().inherited_paths(tenant, unit_path)

    @rpc
    def children_many(self, unit_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """``children`` of many units at once (``{unit id: children}``; unknown ids absent)."""
        directory = self._public_directory()
        parents = directory.by_ids(list(dict.fromkeys(unit_ids[:MAX_MANY])))
        found = directory.children_of_many(list(parents.values()))
        return {i: list(answers.UNITS.dump(children)) for i, children in found.items()}

    @rpc
    def get_units(self, unit_ids: list[str]) -> list[dict[str, Any]]:
        """Units by their version ids (as linked from predecessors and successors)."""
        directory = self._public_directory()
        return list(
            answers.UNITS.dump([u for u in map(directory.by_id, unit_ids) if u is not None])
        )

    @rpc
    def children(self, unit_id_: str) -> list[dict[str, Any]]:
        directory = self._public_directory()
        parent = directory.by_id(unit_id_)
        return [] if parent is None else list(answers.UNITS.dump(directory.children(parent)))

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
        directory = self._public_directory()
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
        return list(answers.UNITS.dump(found))

    # -- denominators (dân số, hộ gia đình, ...) and branches by kind ----------------------

    @rpc
    def set_denominators(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A unit's figures for a year with their source and date (figures left out keep
        their stored values). Returns ``{"denominators": {...}}`` or ``{"errors": [...]}``."""

        def record() -> dict[str, Any]:
            data = MESSAGES.load(SetDenominatorsSchema(), payload)
            tenant = data.pop("tenant")
            store = self._denominators(tenant)
            entered = denominators.set_denominators(
                self._directory(tenant),
                store,
                data.pop("unit_code"),
                data.pop("year"),
                {f: data.get(f) for f in denominators.FIGURES},
                data["source"],
                data.get("as_of") or date.today(),
                data.get("mountain"),
            )
            path = entered.document["unitpath"]
            found = denominators.denominators_many(store, [path], entered.year)[path]
            return {"denominators": {**found, "unitCode": entered.unit_code, "year": entered.year}}

        return answer(record)

    @rpc
    def denominators_many(
        self, tenant: str, paths: list[str], year: int
    ) -> dict[str, dict[str, Any]]:
        """Each unit's denominators for ``year`` (``{path: {population, households, adults,
        clans, hamlets, units, staff: int | None, mountain: bool, sources: [{figure, source,
        as_of, unit_code}], incomplete: [figure]}}``): its own entries, else the sum of the
        units below (see ``denominators.domain``); one subtree read for all of them."""
        return denominators.denominators_many(self._denominators(tenant), list(paths), year)

    @rpc
    def denominators_of(self, tenant: str, paths: list[str], year: int) -> dict[str, Any]:
        """The sum over ``paths`` (a unit's figure paths) of :meth:`denominators_many`, in the
        same shape."""
        return denominators.denominators_of(self._denominators(tenant), list(paths), year)

    @rpc
    def import_denominators(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A sheet of denominators: ``{"imported": n}``, or ``{"errors": [...]}`` naming each
        row's problem (nothing written then)."""

        def load() -> dict[str, Any]:
            data = MESSAGES.load(ImportDenominatorsSchema(), payload)
            tenant = data["tenant"]
            imported, problems = denominators_sheet.import_sheet(
                self._directory(tenant),
                self._denominators(tenant),
                denominators_row_reader(),
                refusal,
                data["file_name"],
                data["content"],
                UnitPath.parse(data["scope"]),
            )
            if problems:
                return {
                    "errors": [
                        {"field": "content", "key": "denominators_file", "message": text}
                        for text in problems
                    ]
                }
            return {"imported": imported}

        return answer(load)

    @rpc
    def denominators_template(self) -> str:
        """The denominators sheet to fill in, base64 .xlsx."""
        return base64.b64encode(denominators_sheet.template()).decode("ascii")

    @rpc
    def branch_kinds_many(
        self, tenant: str, paths: list[str], year: int
    ) -> dict[str, dict[str, int]]:
        """``{path: {kind: count}}`` of the branches open in ``year`` at or below each unit
        (every kind present); one read of the province's branches."""
        wanted = [UnitPath.parse(p) for p in dict.fromkeys(paths[:MAX_MANY])]
        own = [p for p in wanted if p.tenant == tenant]
        found = branch_kinds.kinds_many(
            branch_kinds.province_branches(self._tenant_db(tenant)) if own else [], own, year
        )
        empty = branch_kinds.kinds_many([], [p for p in wanted if p.tenant != tenant], year)
        return {**empty, **found}

    # -- hamlets (thôn, bản, ấp, tổ dân phố, khu phố) -----------------------------------

    @rpc
    def create_hamlet(self, payload: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            data = MESSAGES.load(CreateHamletSchema(), payload)
            tenant = data.pop("tenant")
            unit, created = hamlets.create_hamlet(
                self._directory(tenant), self._hamlets(tenant), **data
            )
            return {"hamlet": answers.UNIT.dump(unit), "created": created}

        return answer(create)

    @rpc
    def rename_hamlet(self, payload: dict[str, Any]) -> dict[str, Any]:
        def rename() -> dict[str, Any]:
            data = MESSAGES.load(RenameHamletSchema(), payload)
            tenant = data.pop("tenant")
            unit = hamlets.rename_hamlet(self._directory(tenant), self._hamlets(tenant), **data)
            return {"hamlet": answers.UNIT.dump(unit), "created": False}

        return answer(rename)

    @rpc
    def close_hamlet(self, payload: dict[str, Any]) -> dict[str, Any]:
        def close() -> dict[str, Any]:
            data = MESSAGES.load(CloseHamletSchema(), payload)
            tenant = data.pop("tenant")
            unit = hamlets.close_hamlet(self._directory(tenant), self._hamlets(tenant), **data)
            return {"hamlet": answers.UNIT.dump(unit), "created": False}

        return answer(close)

    @rpc
    def import_hamlets(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A sheet of hamlets: ``{"created": n, "existing": m}``, or ``{"errors": [...]}``
        naming each row's problem (nothing created then)."""

        def load() -> dict[str, Any]:
            data = MESSAGES.load(ImportHamletsSchema(), payload)
            tenant = data["tenant"]
            created, existing, problems = hamlets_sheet.import_sheet(
                self._directory(tenant),
                self._hamlets(tenant),
                hamlets_row_reader(),
                refusal,
                data["file_name"],
                data["content"],
                UnitPath.parse(data["scope"]),
            )
            if problems:
                return {
                    "errors": [
                        {"field": "content", "key": "hamlets_file", "message": text}
                        for text in problems
                    ]
                }
            return {"created": created, "existing": existing}

        return answer(load)

    @rpc
    def attach_branch_hamlet(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A residential branch names its hamlet: ``{"branch": unit}`` or ``{"errors": ...}``."""

        def attach() -> dict[str, Any]:
            data = MESSAGES.load(AttachBranchHamletSchema(), payload)
            tenant = data.pop("tenant")
            unit = hamlets.attach_branch(self._directory(tenant), self._hamlets(tenant), **data)
            return {"branch": {**answers.UNIT.dump(unit), "hamletCode": unit["hamlet_code"]}}

        return answer(attach)

    @rpc
    def hamlets_template(self) -> str:
        """The hamlets sheet to fill in, base64 .xlsx."""
        return base64.b64encode(hamlets_sheet.template()).decode("ascii")

    # -- officer accounts and sessions (services/registration/accounts) ----------------

    @rpc
    def create_account(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``{"account": {...}, "password": generated or None}`` or ``{"errors": [...]}``;
        ``unit`` is the directory unit the gateway found (and checked) for the account."""

        def run() -> dict[str, Any]:
            data = accounts_rpc.CreateSchema().load(payload)
            account, password = self._accounts().create(**data)
            return {"account": accounts_rpc.dumped(account), "password": password}

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def account(self, tenant: str, username: str) -> dict[str, Any] | None:
        """An account of ``tenant`` (never its password hash); None otherwise."""
        found = self._accounts().account(tenant, str(username)[:256])
        return accounts_rpc.dumped(found) if found else None

    @rpc
    def set_account_status(
        self, tenant: str, username: str, status: str, by: str
    ) -> dict[str, Any]:
        """Disable (every session revoked) or enable an account."""

        def run() -> dict[str, Any]:
            found = self._accounts().set_status(tenant, username, Status(status), by)
            return {"account": accounts_rpc.dumped(found)}

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def reset_password(self, tenant: str, username: str, by: str) -> dict[str, Any]:
        """``{"account", "password"}``: a one-time password; every session revoked."""

        def run() -> dict[str, Any]:
            found, password = self._accounts().reset_password(tenant, username, by)
            return {"account": accounts_rpc.dumped(found), "password": password}

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def change_password(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = accounts_rpc.ChangePasswordSchema().load(payload)
            found = self._accounts().change_password(
                data["tenant"], data["username"], data["old_password"], data["new_password"]
            )
            return {"account": accounts_rpc.dumped(found)}

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def accounts(
        self, tenant: str, unit_path: str, after: str | None = None, first: int = 50
    ) -> dict[str, Any]:
        """A page of ``tenant``'s accounts at ``unit_path`` and below, by username."""
        prefix = unit_path.split("/")

        def within(account: Any) -> bool:
            return account.unit_path.split("/")[: len(prefix)] == prefix

        page, cursor = self._accounts().page(tenant, within, after, max(1, min(first, 100)))
        return {"items": [accounts_rpc.dumped(a) for a in page], "nextCursor": cursor}

    @rpc
    def sign_in(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``{"account", "session", "refreshToken", "refreshExpiresAt"}`` or the one refusal
        for an unknown username or a wrong password (a lock after repeated failures)."""

        def run() -> dict[str, Any]:
            data = accounts_rpc.SignInSchema().load(payload)
            return accounts_rpc.signed_in(*self._accounts().sign_in(**data))

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def federated_sign_in(self, username: str) -> dict[str, Any]:
        """The same answer as :meth:`sign_in` for a username the gateway's OIDC check vouched
        for (only the gateway calls this, after verifying the issuer's ID token)."""

        def run() -> dict[str, Any]:
            return accounts_rpc.signed_in(*self._accounts().federated_sign_in(str(username)))

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def refresh_session(self, refresh_token: str) -> dict[str, Any]:
        """The same answer as :meth:`sign_in` with a new refresh token (the old one spent)."""

        def run() -> dict[str, Any]:
            return accounts_rpc.signed_in(*self._accounts().refresh(str(refresh_token)))

        return accounts_rpc.answered(run, self._account_policy())

    @rpc
    def sign_out(self, session_id: str) -> bool:
        self._accounts().sign_out(str(session_id))
        return True

    @rpc
    def revoked_sessions(self, session_ids: list[str]) -> dict[str, bool]:
        """Whether each session is revoked (unknown ones are); the gateway caches this."""
        return self._accounts().revoked([str(s) for s in session_ids[:MAX_PAGE]])

    def _accounts(self) -> Accounts:
        return Accounts(accounts_store.AllTenantsAccounts(self.db), self._account_policy())

    def _account_policy(self) -> Any:
        return accounts_rpc.policy(self.config)

    # -- stores, built for one province ------------------------------------------------

    def _tenant_db(self, tenant: str) -> TenantDatabase:
        return TenantDatabase(self.db, tenant)

    def _directory(self, tenant: str) -> DirectoryStore:
        return DirectoryStore(self._tenant_db(tenant))

    def _public_directory(self) -> PublicDirectory:
        return PublicDirectory(self.db)

    def _registrations(self, tenant: str) -> Registrations:
        return Registrations(self._tenant_db(tenant))

    def _branches(self, tenant: str) -> Branches:
        return Branches(self._tenant_db(tenant))

    def _denominators(self, tenant: str) -> Denominators:
        return Denominators(self._tenant_db(tenant))

    def _hamlets(self, tenant: str) -> Hamlets:
        return Hamlets(self._tenant_db(tenant))

    def _import_jobs(self, tenant: str) -> ImportJobs:
        return ImportJobs(self._tenant_db(tenant))

    def _settings(self, tenant: str) -> RegistrationSettings:
        own = (self.config.get("TENANT_SETTINGS") or {}).get(tenant) or {}
        return RegistrationSettings(
            id_key=str(self.config["ID_HASH_KEY"]).encode("utf-8"),
            citizen_min_age=own.get("citizen_min_age"),
            citizen_max_age=own.get("citizen_max_age"),
        )


def _prepare(db: Any) -> None:
    store.prepare(db)
    accounts_store.prepare(db)


def _day(at: str | None) -> date | None:
    return date.fromisoformat(at) if at else None
