"""The GraphQL gateway: ``/graphql`` over HTTP (GraphiQL for browsers), services over RPC.

This class only translates HTTP: each route hands the request's parts to a function of
:mod:`gateway.endpoint` (GraphQL) or :mod:`gateway.files` (downloads) with the RPC proxies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy
from nameko.web.handlers import http

from gateway import access_log, files
from gateway.access import INVALID_TOKEN_MESSAGE, UNAUTHENTICATED_MESSAGE
from gateway.assets import serve_static
from gateway.cors import Cors
from gateway.endpoint import answer_graphql, bearer_caller
from gateway.oidc import Oidc
from gateway.ratelimit import GatewayDoor
from gateway.reports import files as report_files
from gateway.rpc_calls import ServiceUnavailable, counted, timed
from gateway.web import public
from gateway.web.app import app_page
from khuyenhoc.auth import Caller, InvalidToken
from khuyenhoc.web import ObservableService, json_response

access_log.install()  # GET /graphql's query strings never reach the access log


class GatewayService(ObservableService):
    name = "gateway"

    config = Config()
    cors = Cors()
    oidc = Oidc()
    door = GatewayDoor()  # rate limits and the body cap (gateway/ratelimit.py)

    registration = RpcProxy("registration")
    scoring = RpcProxy("scoring")
    notification = RpcProxy("notification")
    fund = RpcProxy("fund")

    @http("GET,POST,OPTIONS", "/graphql")
    def graphql(self, request: Any) -> Any:
        if request.method == "OPTIONS":
            return self.cors.preflight(request)
        answer = answer_graphql(request, self.config["JWT_SECRET"], self._services())
        return self.cors.decorate(request, answer)

    @http("GET", "/static/<path:name>")
    def static(self, request: Any, name: str) -> Any:
        """GraphiQL's own files (gateway/static/): nothing loaded from the internet."""
        return serve_static(request, name)

    @http("GET", "/files/templates/<string:kind>.xlsx")
    def import_template(self, request: Any, kind: str) -> Any:
        return self._serve(request, lambda: files.import_template(self._rpc(), kind))

    @http("GET", "/files/templates/history/<string:code>.xlsx")
    def history_template(self, request: Any, code: str) -> Any:
        """Past years' recognitions to fill in, pre-filled with the unit's subjects."""
        return self._serve(
            request,
            lambda: files.history_template(
                self._rpc(), self._caller(request), code, request.args.get("year")
            ),
        )

    @http("GET", "/files/imports/<string:job_id>/errors.xlsx")
    def import_errors(self, request: Any, job_id: str) -> Any:
        return self._serve(
            request, lambda: files.import_errors(self._rpc(), self._caller(request), job_id)
        )

    @http("GET", "/files/exports/<string:code>/<int:year>.xlsx")
    def export_registrations(self, request: Any, code: str, year: int) -> Any:
        return self._serve(
            request,
            lambda: files.registrations_export(self._rpc(), self._caller(request), code, year),
        )

    @http("GET", "/files/evidence/<string:enrolment_id>/<string:evidence_id>")
    def evidence_file(self, request: Any, enrolment_id: str, evidence_id: str) -> Any:
        return self._serve(
            request,
            lambda: files.evidence(self._rpc(), self._caller(request), enrolment_id, evidence_id),
        )

    @http("GET", "/files/funds/<string:code>/statement-<string:period>.<string:ext>")
    def fund_statement_file(self, request: Any, code: str, period: str, ext: str) -> Any:
        return self._serve(request, lambda: files.fund_statement(self._rpc(), code, period, ext))

    @http("GET", "/files/funds/<string:code>/consolidated-<string:period>.<string:ext>")
    def consolidated_statement_file(self, request: Any, code: str, period: str, ext: str) -> Any:
        return self._serve(
            request, lambda: files.consolidated_statement(self._rpc(), code, period, ext)
        )

    @http("GET", "/files/fund/<string:code>/<string:year>/honour-roll.<string:ext>")
    def honour_roll_file(self, request: Any, code: str, year: str, ext: str) -> Any:
        return self._serve(request, lambda: files.honour_roll_file(self._rpc(), code, year, ext))

    @http("GET", "/files/receipts/<string:donation_id>.pdf")
    def donation_receipt(self, request: Any, donation_id: str) -> Any:
        return self._serve(
            request, lambda: files.receipt(self._rpc(), self._caller(request), donation_id)
        )

    @http("GET", "/files/decision-lists/<string:decision_id>.xlsx")
    def decision_list(self, request: Any, decision_id: str) -> Any:
        return self._serve(
            request, lambda: files.decision_list(self._rpc(), self._caller(request), decision_id)
        )

    @http("GET", "/files/decisions/<string:decision_id>")
    def decision_file(self, request: Any, decision_id: str) -> Any:
        return self._serve(
            request, lambda: files.decision_file(self._rpc(), self._caller(request), decision_id)
        )

    @http("GET", "/files/certificates/<string:proposal_id>.pdf")
    def certificates_file(self, request: Any, proposal_id: str) -> Any:
        return self._serve(
            request,
            lambda: files.certificates_pdf(
                self._rpc(),
                self._caller(request),
                proposal_id,
                files.part_number(request.args.get("part")),
                self._public_base_url(),
            ),
        )

    @http("GET", "/verify/<string:code>")
    def verify_certificate(self, request: Any, code: str) -> Any:
        """Public: the address a certificate's QR code opens (no token), kept short for the
        QR code; it answers the public verification page (/xac-minh), the one page for it."""
        return self._public(
            request,
            lambda: public.answer_verification(public.schema_query(self._rpc()), {"ma": code}),
        )

    @http("GET", "/verify")
    def verify_form(self, request: Any) -> Any:
        """Public: the same page for a code typed in (``?code=`` or ``?ma=``)."""
        code = request.args.get("code") or request.args.get("ma") or ""
        return self._public(
            request,
            lambda: public.answer_verification(public.schema_query(self._rpc()), {"ma": code}),
        )

    def _public_base_url(self) -> str:
        """Where the public reaches the gateway (``PUBLIC_BASE_URL``): what QR codes open."""
        configured = str(self.config.get("PUBLIC_BASE_URL") or "")
        return configured or f"http://{self.config.get('WEB_SERVER_ADDRESS') or '127.0.0.1:8000'}"

    @http("GET", "/files/list-reviews/minutes/<path:review_id>")
    def list_review_minutes(self, request: Any, review_id: str) -> Any:
        return self._serve(
            request,
            lambda: files.list_review_minutes(self._rpc(), self._caller(request), review_id),
        )

    @http("GET", "/files/list-reviews/sheet/<string:code>/<string:title>/<int:year>.xlsx")
    def review_sheet(self, request: Any, code: str, title: str, year: int) -> Any:
        return self._serve(
            request,
            lambda: files.review_sheet(self._rpc(), self._caller(request), code, title, year),
        )

    @http("GET", "/files/list-reviews/errors/<string:report_id>.xlsx")
    def review_sheet_errors(self, request: Any, report_id: str) -> Any:
        return self._serve(
            request,
            lambda: files.review_sheet_errors(self._rpc(), self._caller(request), report_id),
        )

    @http("GET", "/files/reports/<string:code>/<string:period>.<string:ext>")
    def report_file(self, request: Any, code: str, period: str, ext: str) -> Any:
        return self._serve(
            request,
            lambda: report_files.report_file(self._rpc(), self._caller(request), code, period, ext),
        )

    @http("GET", "/files/recognised/<string:code>/<int:year>/<string:title>.<string:ext>")
    def recognised_file(self, request: Any, code: str, year: int, title: str, ext: str) -> Any:
        return self._serve(
            request,
            lambda: report_files.recognised_file(
                self._rpc(), self._caller(request), code, year, title, ext
            ),
        )

    # -- public pages (gateway/web/public.py): no sign-in, server-rendered, Vietnamese --------

    @http("GET", "/cong-khai")
    def public_index(self, request: Any) -> Any:
        """The public pages' entry: a form naming a unit, a year and a page."""
        return self._public(request, lambda: public.answer_index(request.args))

    @http("GET", "/cong-khai/quy/<string:code>")
    def public_fund_page(self, request: Any, code: str) -> Any:
        """Công khai quỹ of a unit for ``?tu=&den=`` (at most a year)."""
        return self._public(
            request,
            lambda: public.answer_statement(
                public.schema_query(self._rpc()), code, request.args, date.today()
            ),
        )

    @http("GET", "/cong-khai/vinh-danh/<string:code>/<string:year>")
    def public_honour_page(self, request: Any, code: str, year: str) -> Any:
        def page() -> Any:
            rpc = self._rpc()
            unit = public.unit_by_code(rpc, code)
            return public.answer_honour_roll(public.schema_query(rpc), unit, year)

        return self._public(request, page)

    @http("GET", "/cong-khai/niem-yet/<string:code>/<string:year>")
    def public_postings_page(self, request: Any, code: str, year: str) -> Any:
        def page() -> Any:
            rpc = self._rpc()
            unit = public.unit_by_code(rpc, code)
            return public.answer_postings(public.schema_query(rpc), unit, year)

        return self._public(request, page)

    @http("GET", "/cong-khai/danh-sach/<string:posting_id>")
    def public_posting_page(self, request: Any, posting_id: str) -> Any:
        """One posted list in full, a page at a time (``?sau=<cursor>``)."""
        return self._public(
            request,
            lambda: public.answer_posting(
                public.schema_query(self._rpc()), posting_id, request.args
            ),
        )

    @http("GET", "/xac-minh")
    def public_verify_page(self, request: Any) -> Any:
        """Xác minh giấy công nhận by its code (``?ma=``), with the form."""
        return self._public(
            request,
            lambda: public.answer_verification(public.schema_query(self._rpc()), request.args),
        )

    @http("GET", "/")
    def web_app(self, request: Any) -> Any:
        """The officers' web app (gateway/static/app/): sign-in, then the officer's unit."""
        return app_page()

    @http("GET", "/app")
    def web_app_root(self, request: Any) -> Any:
        return app_page()

    @http("GET", "/app/<path:rest>")
    def web_app_page(self, request: Any, rest: str) -> Any:
        """Deep links answer the same page; its script routes on the address."""
        return app_page()

    def _rpc(self) -> SimpleNamespace:
        """The proxies, each call counted (``khuyenhoc_gateway_rpc_calls_total``)."""
        return counted(self._services())[0]

    def _public(self, request: Any, produce: Callable[[], Any]) -> Any:
        """A public page, within the per-address rate limit (gateway/ratelimit.py)."""
        refused = self.door.public(request)
        if refused is not None:
            return refused
        try:
            return produce()
        except ServiceUnavailable as error:
            return json_response(503, {"error": error.message})

    def _services(self) -> SimpleNamespace:
        proxies = {
            "registration": self.registration,
            "scoring": self.scoring,
            "notification": self.notification,
            "fund": self.fund,
        }
        return SimpleNamespace(
            # every call bounded by RPC_TIMEOUT_SECONDS (gateway/rpc_calls.py)
            **timed(proxies, self.config.get("RPC_TIMEOUT_SECONDS")),
            door=self.door,
            # sign-in's access tokens: minutes they live (gateway/accounts.py; default 15)
            access_minutes=self.config.get("ACCESS_TOKEN_MINUTES"),
            # the province's identity provider, if the deployment names one (gateway/oidc.py)
            oidc=self.oidc,
        )

    def _caller(self, request: Any) -> Caller:
        """Files that hold names need a token, like the GraphQL fields that hold them."""
        try:
            # with the paths its unit inherited (a 2025 commune's old communes' files)
            caller = bearer_caller(request, self.config["JWT_SECRET"], self._services())
        except InvalidToken:
            raise files.Refusal(401, INVALID_TOKEN_MESSAGE) from None
        if caller is None:
            raise files.Refusal(401, UNAUTHENTICATED_MESSAGE)
        return caller

    @http("OPTIONS", "/files/<path:rest>")
    def files_preflight(self, request: Any, rest: str) -> Any:
        """A browser app of an allowed origin (``CORS_ORIGINS``) may fetch files with a token."""
        return self.cors.preflight(request, methods="GET")

    def _serve(self, request: Any, produce: Callable[[], Any]) -> Any:
        """A file or its refusal, with the CORS headers an allowed origin's app needs (it may
        read the file's name in ``Content-Disposition``)."""
        try:
            answer = produce()
        except files.Refusal as refused:
            answer = json_response(refused.status, {"error": refused.message})
        except ServiceUnavailable as error:
            answer = json_response(503, {"error": error.message})
        return self.cors.decorate(request, answer, expose="Content-Disposition")
