"""The GraphQL gateway: ``/graphql`` over HTTP (GraphiQL for browsers), services over RPC."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from graphql import GraphQLError
from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from gateway.access import FORBIDDEN_MESSAGE, INVALID_TOKEN_MESSAGE, UNAUTHENTICATED_MESSAGE
from gateway.schema import schema
from khuyenhoc.auth import Caller, InvalidToken, verify_token
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.web import ObservableService, json_response
from services.registration.spreadsheets import SUBJECT_KINDS, template

log = logging.getLogger(__name__)

GRAPHIQL_PAGE = (Path(__file__).parent / "graphiql.html").read_text(encoding="utf-8")
INTERNAL_MESSAGE = "Lỗi hệ thống, vui lòng thử lại sau."


def _wants_html(request: Any) -> bool:
    return "text/html" in request.headers.get("Accept", "") and not request.args.get("query")


def _parse_request(request: Any) -> dict[str, Any]:
    if request.method == "GET":
        variables = request.args.get("variables")
        return {
            "query": request.args.get("query"),
            "variables": json.loads(variables) if variables else None,
            "operationName": request.args.get("operationName"),
        }
    body = json.loads(request.get_data(as_text=True) or "{}")
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    return body


def _format_error(error: GraphQLError) -> dict[str, Any]:
    """Client errors pass through; anything else is logged and answered without internals."""
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        log.error("resolver failed at %s", error.path, exc_info=error.original_error)
        return {
            "message": INTERNAL_MESSAGE,
            "path": error.path,
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    return error.formatted


def _caller(request: Any, secret: str) -> Caller | None:
    """The token's caller; None without a token; InvalidToken for a bad one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("expected 'Authorization: Bearer <token>'")
    return verify_token(secret, token.strip())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _refusal(status: int, message: str) -> tuple[int, dict[str, str], str]:
    return json_response(status, {"error": message})


class GatewayService(ObservableService):
    name = "gateway"

    config = Config()

    registration = RpcProxy("registration")
    scoring = RpcProxy("scoring")
    notification = RpcProxy("notification")
    fund = RpcProxy("fund")

    @http("GET,POST", "/graphql")
    def graphql(self, request: Any) -> tuple[int, dict[str, str], str]:
        if request.method == "GET" and _wants_html(request):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, GRAPHIQL_PAGE
        try:
            params = _parse_request(request)
        except ValueError as exc:
            return json_response(400, {"errors": [{"message": f"Yêu cầu không hợp lệ: {exc}"}]})
        if not params.get("query"):
            return json_response(400, {"errors": [{"message": "Thiếu truy vấn (query)."}]})
        try:
            caller = _caller(request, self.config["JWT_SECRET"])
        except InvalidToken:
            return json_response(
                401,
                {
                    "errors": [
                        {
                            "message": INVALID_TOKEN_MESSAGE,
                            "extensions": {"code": "UNAUTHENTICATED"},
                        }
                    ]
                },
            )
        context = SimpleNamespace(
            caller=caller,
            rpc=SimpleNamespace(
                registration=self.registration,
                scoring=self.scoring,
                notification=self.notification,
                fund=self.fund,
            ),
        )
        result = schema.execute(
            params["query"],
            variable_values=params.get("variables"),
            operation_name=params.get("operationName"),
            context_value=context,
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [_format_error(error) for error in result.errors]
        return json_response(200, payload)

    @http("GET", "/files/templates/<string:kind>.xlsx")
    def import_template(self, request: Any, kind: str) -> Any:
        """The blank list officers fill in for a kind of subject (public)."""
        if kind not in SUBJECT_KINDS:
            return _refusal(404, "Không có mẫu cho loại danh sách này.")
        return _xlsx(template(kind), f"mau-dang-ky-{kind}.xlsx")

    @http("GET", "/files/imports/<string:job_id>/errors.xlsx")
    def import_errors(self, request: Any, job_id: str) -> Any:
        caller, _, refusal = self._private(
            request,
            lambda tenant: self.registration.import_job(tenant, job_id),
            "unitpath",
            "Không tìm thấy lượt nhập này.",
        )
        if refusal:
            return refusal
        content = self.registration.import_error_report(caller.tenant, job_id)
        return _xlsx(base64.b64decode(content), f"loi-nhap-{job_id}.xlsx")

    @http("GET", "/files/exports/<string:code>/<int:year>.xlsx")
    def export_registrations(self, request: Any, code: str, year: int) -> Any:
        """A unit's registrations for a year: the officers' paper record."""
        caller, unit, refusal = self._private(
            request,
            lambda tenant: self.registration.get_unit(code, tenant, f"{year}-12-31"),
            "path",
            "Không tìm thấy đơn vị này.",
        )
        if refusal:
            return refusal
        content = self.registration.export_registrations(caller.tenant, unit["path"], year)
        return _xlsx(base64.b64decode(content), f"dang-ky-{code}-{year}.xlsx")

    @http("GET", "/files/evidence/<string:enrolment_id>/<string:evidence_id>")
    def evidence_file(self, request: Any, enrolment_id: str, evidence_id: str) -> Any:
        _, found, refusal = self._private(
            request,
            lambda tenant: self.scoring.evidence_file(tenant, enrolment_id, evidence_id),
            "unitpath",
            "Không tìm thấy minh chứng này.",
        )
        if refusal:
            return refusal
        return Response(
            base64.b64decode(found["content"]),
            mimetype=found["content_type"],
            headers={"Content-Disposition": "attachment"},
        )

    @http("GET", "/files/funds/<string:code>/statement-<string:period>.<string:ext>")
    def fund_statement_file(self, request: Any, code: str, period: str, ext: str) -> Any:
        """Công khai quỹ (public): ``statement-2024-01-01-2024-12-31.xlsx`` or ``.pdf``."""
        start, end = period[:10], period[11:]
        try:
            date.fromisoformat(start)
            date.fromisoformat(end)
            valid = ext in ("xlsx", "pdf") and period[10] == "-"
        except (ValueError, IndexError):
            valid = False
        if not valid:
            return _refusal(404, "Không có tệp công khai này.")
        unit = self.registration.get_unit(code, None, None)
        if unit is None:
            return _refusal(404, "Không tìm thấy đơn vị này.")
        wire = {k: unit.get(k) for k in ("code", "path", "name", "level")}
        found = self.fund.public_statement_file(unit["tenant"], wire, start, end, ext)
        if "errors" in found:
            return _refusal(400, found["errors"][0]["message"])
        content = base64.b64decode(found["content"])
        filename = f"cong-khai-quy-{code}-{start}-{end}.{ext}"
        if ext == "xlsx":
            return _xlsx(content, filename)
        return _pdf(content, filename)

    @http("GET", "/files/receipts/<string:donation_id>.pdf")
    def donation_receipt(self, request: Any, donation_id: str) -> Any:
        """Biên lai: a donation's printable receipt, for a token whose subtree holds the fund."""
        _, found, refusal = self._private(
            request,
            lambda tenant: self.fund.receipt(tenant, donation_id),
            "unitPath",
            "Không tìm thấy biên lai này.",
        )
        if refusal:
            return refusal
        return _pdf(base64.b64decode(found["content"]), f"bien-lai-{found['receiptNumber']}.pdf")

    def _private(
        self,
        request: Any,
        find: Callable[[str], dict[str, Any] | None],
        path_field: str,
        missing: str,
    ) -> tuple[Caller, dict[str, Any], None] | tuple[None, None, Any]:
        """A private file's record, looked up in the caller's tenant, if the caller's subtree
        holds its unit; otherwise the refusal: 401 without a valid token, 404 when it is not
        there (another tenant's included), 403 outside the caller's subtree."""
        caller, refusal = self._file_caller(request)
        if caller is None:
            return None, None, refusal
        found = find(caller.tenant)
        if found is None:
            return None, None, _refusal(404, missing)
        if not caller.covers(UnitPath.parse(found[path_field])):
            return None, None, _refusal(403, FORBIDDEN_MESSAGE)
        return caller, found, None

    def _file_caller(self, request: Any) -> tuple[Caller | None, Any]:
        """Files that hold names need a token, like the GraphQL fields that hold them."""
        try:
            caller = _caller(request, self.config["JWT_SECRET"])
        except InvalidToken:
            return None, _refusal(401, INVALID_TOKEN_MESSAGE)
        if caller is None:
            return None, _refusal(401, UNAUTHENTICATED_MESSAGE)
        return caller, None
