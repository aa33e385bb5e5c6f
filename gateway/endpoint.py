"""GraphQL over HTTP: the request's query and token in, the schema's answer out.

The nameko entrypoint hands each request here with the services' RPC proxies; nothing here
knows nameko. Errors a client caused pass through with their ``extensions``; anything else is
logged and answered without internals.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from graphql import GraphQLError

from gateway.access import INVALID_TOKEN_MESSAGE
from gateway.messages import message
from gateway.schema import schema
from khuyenhoc.auth import Caller, InvalidToken, verify_token
from khuyenhoc.web import json_response

log = logging.getLogger(__name__)

GRAPHIQL_PAGE = (Path(__file__).parent / "graphiql.html").read_text(encoding="utf-8")
INTERNAL_MESSAGE = message("internal")

Answer = tuple[int, dict[str, str], str]


def bearer_caller(request: Any, secret: str) -> Caller | None:
    """The token's caller; None without a token; InvalidToken for a bad one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("expected 'Authorization: Bearer <token>'")
    return verify_token(secret, token.strip())


def format_error(error: GraphQLError) -> dict[str, Any]:
    """Client errors pass through; anything else is logged and answered without internals."""
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        log.error("resolver failed at %s", error.path, exc_info=error.original_error)
        return {
            "message": INTERNAL_MESSAGE,
            "path": error.path,
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    return dict(error.formatted)


def answer_graphql(request: Any, secret: str, rpc: SimpleNamespace) -> Answer:
    """``/graphql``: GraphiQL for a browser, else the query executed for the token's caller."""
    if request.method == "GET" and _wants_html(request):
        return 200, {"Content-Type": "text/html; charset=utf-8"}, GRAPHIQL_PAGE
    try:
        params = _parse_request(request)
    except ValueError as exc:
        return json_response(400, {"errors": [{"message": message("bad_request", reason=exc)}]})
    if not params.get("query"):
        return json_response(400, {"errors": [{"message": message("missing_query")}]})
    try:
        caller = bearer_caller(request, secret)
    except InvalidToken:
        error = {"message": INVALID_TOKEN_MESSAGE, "extensions": {"code": "UNAUTHENTICATED"}}
        return json_response(401, {"errors": [error]})
    result = schema.execute(
        params["query"],
        variable_values=params.get("variables"),
        operation_name=params.get("operationName"),
        context_value=SimpleNamespace(caller=caller, rpc=rpc),
    )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [format_error(error) for error in result.errors]
    return json_response(200, payload)


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
