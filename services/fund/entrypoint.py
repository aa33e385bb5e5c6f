"""The nameko face of the fund service (Quỹ Khuyến học): RPCs for movements, figures and the
public statement; a timer that finishes movements a crash left half-done."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import timer

from khuyenhoc.outbox import OutboxRelay
from khuyenhoc.rpc import rpc
from khuyenhoc.storage import MongoDatabase, TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import answered
from khuyenhoc.web import ObservableService
from services.fund import answers, documents, service, store
from services.fund.ledger import LedgerError
from services.fund.messages import MESSAGES
from services.fund.schemas import (
    ApproveSchema,
    DonationSchema,
    FeeSchema,
    ProposeSchema,
    ReverseSchema,
    TransferSchema,
    refused,
)
from services.fund.settlers import Settler, is_gone, live_settlers

# A refusal of the rules comes back as field errors in Vietnamese with wire names.
REFUSALS = (LedgerError, refused)


DEFAULT_APPROVERS = ("authority",)
DEFAULT_PUBLIC_THRESHOLD = 0
"""Donors named in public (statement, honour roll) from this amount (đồng) up. The province's
choice (``TENANT_SETTINGS[tenant].fund.public_donor_threshold``; no official figure exists): by
default every donor who did not ask for anonymity is named; those below a province's threshold
are counted on one line, not named."""


MAX_STATS_PATHS = 2000  # units of one stats_many call
SWEEP_SECONDS = 5  # how often dead requests' movements are looked for (an indexed query)


class FundService(ObservableService):
    name = "fund"

    config = Config()
    db = MongoDatabase(prepare=store.prepare)
    outbox = OutboxRelay(*store.OUTBOX_COLLECTIONS)
    settler = Settler()

    def _store(self, tenant: str) -> store.FundStore:
        """The fund's documents of one province; nothing else is reachable through it."""
        return store.FundStore(TenantDatabase(self.db, tenant), self.settler)

    def _movement(
        self,
        schema: Any,
        payload: dict[str, Any],
        use_case: Callable[[service.Funds, dict[str, Any]], Any],
        answer: Callable[[Any], dict[str, Any]],
    ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(schema(), payload)
            done = use_case(self._store(data["tenant"]), data)
            self.outbox.kick()
            return answer(done)

        return answered(run, REFUSALS)

    @rpc
    def record_donation(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``{"donation": {...}, "created": bool}`` or ``{"errors": [...]}``."""
        return self._movement(
            DonationSchema,
            payload,
            service.record_donation,
            lambda done: answers.booked("donation", answers.DonationAnswer(), done),
        )

    @rpc
    def propose_disbursement(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._movement(
            ProposeSchema,
            payload,
            service.propose_disbursement,
            lambda done: {"disbursement": answers.DisbursementAnswer().dump(done)},
        )

    @rpc
    def approve_disbursement(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._movement(
            ApproveSchema,
            payload,
            service.approve_disbursement,
            lambda done: answers.booked("disbursement", answers.DisbursementAnswer(), done),
        )

    @rpc
    def record_transfer(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._movement(
            TransferSchema,
            payload,
            service.record_transfer,
            lambda done: answers.booked("transfer", answers.TransferAnswer(), done),
        )

    @rpc
    def record_fee(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._movement(
            FeeSchema,
            payload,
            service.record_fee,
            lambda done: answers.booked("fee", answers.FeeAnswer(), done),
        )

    @rpc
    def reverse_entry(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._movement(
            ReverseSchema,
            payload,
            service.reverse_entry,
            lambda done: {"reversal": answers.EntryAnswer().dump(done)},
        )

    @rpc
    def disbursement(self, tenant: str, ident: str) -> dict[str, Any] | None:
        """A proposal or payment of ``tenant`` (for the gateway's scope check)."""
        found = service.proposal(self._store(tenant), ident)
        return found.document() if found else None

    @rpc
    def entry(self, tenant: str, ident: str) -> dict[str, Any] | None:
        """A ledger transaction of ``tenant`` (a transfer by its id: its receiving leg)."""
        found = service.entry(self._store(tenant), ident)
        return answers.StoredEntryAnswer().dump(found) if found else None

    @rpc
    def fund(self, tenant: str, unit: dict[str, Any]) -> dict[str, Any]:
        return answers.FundAnswer().dump(service.fund_view(self._store(tenant), unit))

    @rpc
    def statement(self, tenant: str, code: str, start: str, end: str) -> dict[str, Any]:
        return answered(
            lambda: service.statement(
                self._store(tenant), code, date.fromisoformat(start), date.fromisoformat(end)
            ),
            REFUSALS,
        )

    @rpc
    def donations(
        self, tenant: str, code: str, after: str | None = None, first: int = 50
    ) -> dict[str, Any]:
        found = service.donations(self._store(tenant), code, after, first)
        return answers.page(answers.DonationAnswer(), found)

    @rpc
    def disbursements(
        self, tenant: str, code: str, after: str | None = None, first: int = 50
    ) -> dict[str, Any]:
        found = service.disbursements(self._store(tenant), code, after, first)
        return answers.page(answers.DisbursementAnswer(), found)

    @rpc
    def stats(self, tenant: str, unit_path: str, from_year: int, to_year: int) -> dict[str, int]:
        return service.stats(self._store(tenant), UnitPath.parse(unit_path), from_year, to_year)

    @rpc
    def stats_many(
        self, tenant: str, unit_paths: list[str], from_year: int, to_year: int
    ) -> dict[str, dict[str, int]]:
        """``stats`` of many units in one call (``{path: figures}``; another tenant's: ``{}``)."""
        store = self._store(tenant)
        return {
            path: service.stats(store, UnitPath.parse(path), from_year, to_year)
            for path in dict.fromkeys(unit_paths[:MAX_STATS_PATHS])
        }

    @rpc
    def honour_roll(self, tenant: str, code: str, year: int, first: int = 10) -> list[dict]:
        found = service.honour_roll(self._store(tenant), code, year, first)
        return list(answers.HonourLineAnswer().dump(found, many=True))

    @rpc
    def approvers(self, tenant: str) -> list[str]:
        """Roles that approve disbursements and reversals in a province (configuration; the
        fund's management council differs by province), ``authority`` by default."""
        configured = self._fund_settings(tenant).get("approvers")
        return list(configured or DEFAULT_APPROVERS)

    @rpc
    def public_statement(
        self,
        tenant: str,
        unit: dict[str, Any],
        start: str,
        end: str,
        threshold: int | None = None,
    ) -> dict[str, Any]:
        """The public statement (công khai) of a fund and period; no personal contact data."""
        return answered(lambda: self._public(tenant, unit, start, end, threshold), REFUSALS)

    @rpc
    def public_statement_file(
        self, tenant: str, unit: dict[str, Any], start: str, end: str, fmt: str
    ) -> dict[str, Any]:
        """The public statement as ``xlsx`` or ``pdf`` (base64)."""

        def run() -> dict[str, Any]:
            found = self._public(tenant, unit, start, end, None)
            render = documents.statement_xlsx if fmt == "xlsx" else documents.statement_pdf
            return {"content": base64.b64encode(render(found)).decode("ascii")}

        return answered(run, REFUSALS)

    @rpc
    def receipt(self, tenant: str, donation_id: str) -> dict[str, Any] | None:
        """A donation's receipt: its data and the printable PDF (base64), or None."""
        found = service.receipt(self._store(tenant), donation_id)
        if found is None:
            return None
        receipt: dict[str, Any] = answers.ReceiptAnswer().dump(found)
        content = base64.b64encode(documents.receipt_pdf(receipt)).decode("ascii")
        return {**receipt, "content": content}

    @rpc
    def contact(self, tenant: str, donation_id: str) -> dict[str, Any] | None:
        """The donor of a donation of ``tenant``, for the thank-you: ``{name, email, phone,
        unit_name}``, or None (unknown, or another province's)."""
        return service.contact(self._store(tenant), donation_id)

    @rpc
    def reconcile(self, tenant: str) -> dict[str, Any]:
        return answers.ReconciliationAnswer().dump(service.reconcile(self._store(tenant)))

    @timer(interval=SWEEP_SECONDS, eager=True)
    def settle_pending(self) -> None:
        """Finish movements whose request died between the commit and the settling: at once
        when their settler is gone (a restart after kill -9 finds them at start-up), else
        after ``SETTLE_GRACE``."""
        live = live_settlers(self.db)
        store.AllTenantsSettlement(self.db).settle_pending(
            gone=lambda by: is_gone(by, live), settler=self.settler
        )

    def _public(
        self, tenant: str, unit: dict[str, Any], start: str, end: str, threshold: int | None
    ) -> dict[str, Any]:
        if threshold is None:
            threshold = self._threshold(tenant)
        found = service.public_statement(
            self._store(tenant), unit, date.fromisoformat(start), date.fromisoformat(end), threshold
        )
        public: dict[str, Any] = answers.PublicStatementAnswer().dump(found)
        return public

    def _threshold(self, tenant: str) -> int:
        configured = self._fund_settings(tenant).get("public_donor_threshold")
        return DEFAULT_PUBLIC_THRESHOLD if configured is None else max(0, int(configured))

    @rpc
    def report_figures_many(
        self, tenant: str, paths: list[str], from_year: int, to_year: int
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """For the reports: ``{path: {"2024": {donations_total, disbursed_total, balance,
        awards_count, awards_amount, fees_total, own: {the same six}}}}``. Years are string keys
        (JSON's). Each year's figures are of that year for the unit and everything below it;
        ``own`` is the unit's own fund alone (the rest is the sum of the units below).
        ``awards_*`` are student awards: disbursements for scholarships, awards and university
        prizes (not sponsorship, community learning or other spending); ``balance`` is the Quỹ
        Khuyến học's at the end of the year, membership dues (``fees_total``) kept apart and
        not in it. O(units × years): the unit counters ``stats_many`` reads. Another tenant's
        paths answer ``{}``; at most ``MAX_STATS_PATHS`` paths and 50 years."""
        store = self._store(tenant)
        to_year = min(int(to_year), int(from_year) + 49)
        answer: dict[str, dict[str, dict[str, Any]]] = {}
        for path in dict.fromkeys(paths[:MAX_STATS_PATHS]):
            parsed = UnitPath.parse(path)
            if parsed.tenant != tenant:
                answer[path] = {}
                continue
            answer[path] = service.report_figures(store, parsed, int(from_year), to_year)
        return answer

    @rpc
    def consolidated_statement(
        self,
        tenant: str,
        unit: dict[str, Any],
        branches: list[dict[str, Any]],
        start: str,
        end: str,
    ) -> dict[str, Any]:
        """Báo cáo tổng hợp of a commune's fund with its branches' (the units as the gateway
        found them): each fund's public lines and the total, transfers between them left out of
        money in and out. Membership dues are kept apart (not in it)."""
        return answered(
            lambda: service.consolidated_statement(
                self._store(tenant),
                unit,
                branches,
                date.fromisoformat(start),
                date.fromisoformat(end),
            ),
            REFUSALS,
        )

    @rpc
    def consolidated_statement_file(
        self,
        tenant: str,
        unit: dict[str, Any],
        branches: list[dict[str, Any]],
        start: str,
        end: str,
        fmt: str,
    ) -> dict[str, Any]:
        """``consolidated_statement`` as ``xlsx`` or ``pdf`` (base64)."""

        def run() -> dict[str, Any]:
            found = service.consolidated_statement(
                self._store(tenant),
                unit,
                branches,
                date.fromisoformat(start),
                date.fromisoformat(end),
            )
            render = documents.consolidated_xlsx if fmt == "xlsx" else documents.consolidated_pdf
            return {"content": base64.b64encode(render(found)).decode("ascii")}

        return answered(run, REFUSALS)

    @rpc
    def honour_roll_file(
        self, tenant: str, unit: dict[str, Any], year: int, fmt: str
    ) -> dict[str, Any]:
        """Bảng vinh danh nhà hảo tâm of the unit (as the gateway found it for that year) and
        everything below it, as ``xlsx`` or ``pdf`` (base64): every donor from the province's
        threshold up (default: every donor), anonymous ones unnamed."""
        roll = service.honour_roll_file(
            self._store(tenant), unit, int(year), self._threshold(tenant)
        )
        render = documents.honour_roll_xlsx if fmt == "xlsx" else documents.honour_roll_pdf
        return {"content": base64.b64encode(render(roll)).decode("ascii")}

    def _fund_settings(self, tenant: str) -> dict[str, Any]:
        settings = (self.config.get("TENANT_SETTINGS") or {}).get(tenant) or {}
        return settings.get("fund") or {}
