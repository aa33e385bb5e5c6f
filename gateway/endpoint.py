"""GraphQL over HTTP: the request's query and token in, the schema's answer out.

The nameko entrypoint hands each request here with the services' RPC proxies; nothing here
knows nameko. Errors a client caused pass through with their ``extensions``; anything else is
logged and answered without internals.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import replace
from threading import Lock
from types import SimpleNamespace
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution import execute_sync

from gateway import inputs, limits
from gateway.access import INVALID_TOKEN_MESSAGE
from gateway.accounts import SESSIONS
from gateway.assets import graphiql_page
from gateway.coercion import coercion_refusal
from gateway.messages import message
from gateway.ratelimit import CREDENTIALS, SIGN_IN_FIELDS, Door
from gateway.rpc_calls import counted
from gateway.schema import schema
from gateway.ttl_cache import TtlCache
from khuyenhoc.auth import Caller, InvalidToken, verify_token
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.web import json_response

log = logging.getLogger(__name__)

INTERNAL_MESSAGE = message("internal")

Answer = tuple[int, dict[str, str], str]

# Parsed and validated query documents, by schema and text: clients send the same few texts
# again and again, and parsing + validating them was a third of the gateway's CPU.
QUERY_CACHE_SIZE = 512
QUERY_CACHE_MAX_TEXT = 64 * 1024  # longer texts are parsed each time (and not kept)
# A client sending this header (any non-empty value) gets ``extensions.rpcCalls``.
DEBUG_RPC_HEADER = "X-Debug-Rpc-Calls"


class _Prepared:
    """A query text parsed, validated and weighed once (:mod:`gateway.limits`): its document,
    or the errors it always has (a refusal for a query too large or too heavy among them)."""

    __slots__ = ("document", "errors")

    def __init__(self, document: DocumentNode | None, errors: list[GraphQLError]) -> None:
        self.document = document
        self.errors = errors


class QueryCache:
    """A bounded LRU of prepared query texts, keyed by the schema and the text."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, str], _Prepared] = OrderedDict()
        self._lock = Lock()

    def prepared(self, graphql_schema: GraphQLSchema, text: str) -> _Prepared:
        key = (id(graphql_schema), text)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = _prepare(graphql_schema, text)
        if len(text) <= QUERY_CACHE_MAX_TEXT:
            with self._lock:
                self._entries[key] = found
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._entries)


def _prepare(graphql_schema: GraphQLSchema, text: str) -> _Prepared:
    if len(text) > limits.MAX_QUERY_CHARS:
        return _Prepared(None, [limits.too_large(len(text))])
    try:
        document = parse(text, max_tokens=limits.MAX_TOKENS)
    except GraphQLError as error:
        if "tokens" in error.message and "Parsing aborted" in error.message:
            return _Prepared(None, [limits.too_large(len(text))])
        return _Prepared(None, [error])
    refused = limits.refusals(graphql_schema, document)  # first: validation is quadratic
    if refused:
        return _Prepared(None, refused)
    errors = validate(graphql_schema, document)
    return _Prepared(None, list(errors)) if errors else _Prepared(document, [])


QUERIES = QueryCache()


def execute_query(
    text: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Any,
    cache: QueryCache = QUERIES,
) -> ExecutionResult:
    """``schema.execute`` with the query's parse and validation done once per distinct text;
    variables are still coerced and checked on every request."""
    graphql_schema = schema.graphql_schema
    prepared = cache.prepared(graphql_schema, text)
    if prepared.document is None:
        return ExecutionResult(data=None, errors=list(prepared.errors))
    refused = inputs.refusal(
        prepared.document,
        operation_name if isinstance(operation_name, str) else None,
        variables if isinstance(variables, dict) else None,
    )
    if refused is not None:
        return ExecutionResult(data=None, errors=[refused])
    result = execute_sync(
        graphql_schema,
        prepared.document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
    )
    if result.data is None and result.errors and all(e.path is None for e in result.errors):
        # refused before anything ran (variables that do not fit): reworded, coerced again only
        # then, so a request that fits is coerced once
        worded = coercion_refusal(
            graphql_schema,
            prepared.document,
            operation_name if isinstance(operation_name, str) else None,
            variables if isinstance(variables, dict) else None,
        )
        if worded is not None:
            return ExecutionResult(data=None, errors=[worded])
    return result


def bearer_caller(request: Any, secret: str, rpc: Any = None) -> Caller | None:
    """The token's caller; None without a token; InvalidToken for a bad one. With ``rpc``,
    the caller also holds the paths its unit inherited (see :class:`InheritedPaths`)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("expected 'Authorization: Bearer <token>'")
    caller = verify_token(secret, token.strip())
    if caller.session is not None and (rpc is None or SESSIONS.revoked(caller.session, rpc)):
        raise InvalidToken("the session was revoked")
    return INHERITED.fill(caller, rpc) if rpc is not None else caller


INHERITED_TTL_SECONDS = 60.0
INHERITED_CACHE_SIZE = 4096


class InheritedPaths:
    """The paths a caller's unit inherited from the units it was formed from (a 2025 commune's
    old communes): asked of registration (``inherited_paths``) once per (tenant, unit path)
    and kept ~60 s, so a reorganisation reaches the officers within a minute and a request
    costs no extra RPC. If registration cannot answer, the caller keeps its own subtree only."""

    def __init__(self, ttl: float = INHERITED_TTL_SECONDS, size: int = INHERITED_CACHE_SIZE):
        self.cache: TtlCache[tuple[str, str], tuple[UnitPath, ...]] = TtlCache(ttl, size)

    def fill(self, caller: Caller, rpc: Any) -> Caller:
        paths = self.paths(caller.tenant, str(caller.unit_path), rpc)
        return replace(caller, inherited=paths) if paths else caller

    def paths(self, tenant: str, unit_path: str, rpc: Any) -> tuple[UnitPath, ...]:
        def ask() -> tuple[UnitPath, ...]:
            answered = rpc.registration.inherited_paths(tenant, unit_path)
            return tuple(UnitPath.parse(p) for p in answered or [])

        try:
            return self.cache.get((tenant, unit_path), ask)
        except Exception:  # registration away: no inherited reach, never a failed request
            log.warning("inherited paths of %s unavailable", unit_path, exc_info=True)
            return ()

    def clear(self) -> None:
        self.cache.clear()


INHERITED = InheritedPaths()


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
        return graphiql_page()
    door = getattr(rpc, "door", None)
    refused = _at_the_door(door, request) if door is not None else None
    if refused is not None:
        return refused
    try:
        params = _parse_request(request)
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested past Python's
        return json_response(400, {"errors": [{"message": message("bad_request", reason=exc)}]})
    if not params.get("query"):
        return json_response(400, {"errors": [{"message": message("missing_query")}]})
    if request.method == "GET" and _is_mutation(params["query"], params.get("operationName")):
        return mutation_over_get()
    refused = _signing_in_too_often(door, request, params) if door is not None else None
    if refused is not None:
        return refused
    try:
        caller = bearer_caller(request, secret, rpc)
    except InvalidToken:
        error = {"message": INVALID_TOKEN_MESSAGE, "extensions": {"code": "UNAUTHENTICATED"}}
        return json_response(401, {"errors": [error]})
    if not isinstance(params["query"], str):
        return json_response(400, {"errors": [{"message": message("missing_query")}]})
    counted_rpc, tally = counted(rpc)
    result = execute_query(
        params["query"],
        params.get("variables"),
        params.get("operationName"),
        SimpleNamespace(
            caller=caller,
            rpc=counted_rpc,
            secret=secret,
            access_minutes=getattr(rpc, "access_minutes", None),
            oidc=getattr(rpc, "oidc", None),
        ),
    )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [format_error(error) for error in result.errors]
    if request.headers.get(DEBUG_RPC_HEADER):
        payload["extensions"] = {"rpcCalls": {"total": tally.calls, **tally.by_method}}
    return json_response(200, payload)


def _at_the_door(door: Door, request: Any) -> Answer | None:
    """Before anything is parsed: the body's size, then anonymous requests per address (a
    token's per token, when configured)."""
    header = request.headers.get("Authorization", "")
    return door.body_too_large(request) or (door.token(header) if header else door.public(request))


def _signing_in_too_often(door: Door, request: Any, params: dict[str, Any]) -> Answer | None:
    """Sign-in per address and per credential (the username, the refresh token)."""
    text, name = params.get("query"), params.get("operationName")
    if not isinstance(text, str):
        return None  # refused with 400 right after
    document = QUERIES.prepared(schema.graphql_schema, text).document
    name = name if isinstance(name, str) and name else None
    operation = get_operation_ast(document, name) if document is not None else None
    roots = set()
    if operation is not None:
        roots = {
            s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)
        }
    if document is not None and roots & SIGN_IN_FIELDS:
        refused = door.check("sign_in", door.address(request))
        variables = params.get("variables")
        values = inputs.argument_values(
            document, name, variables if isinstance(variables, dict) else None
        )
        for path, value in values:
            if refused is None and path in CREDENTIALS and isinstance(value, str):
                refused = door.credential(value)
        return refused
    return None


def mutation_over_get() -> Answer:
    """405 for a mutation sent with GET: a link or a prefetch must never change data."""
    error = {"message": message("mutation_over_get"), "extensions": {"code": "METHOD_NOT_ALLOWED"}}
    status, headers, body = json_response(405, {"errors": [error]})
    return status, {**headers, "Allow": "POST"}, body


def _is_mutation(text: Any, operation_name: Any) -> bool:
    """Whether the operation a request would run (by ``operationName`` among several) is a
    mutation; a text that does not parse, or names no single operation, is left to execution,
    which answers its error without running anything."""
    if not isinstance(text, str):
        return False
    prepared = QUERIES.prepared(schema.graphql_schema, text)
    document = prepared.document
    if document is None:
        if len(text) > limits.MAX_QUERY_CHARS:
            return False
        try:
            document = parse(text, max_tokens=limits.MAX_TOKENS)
        except GraphQLError:
            return False
    name = operation_name if isinstance(operation_name, str) and operation_name else None
    operation = get_operation_ast(document, name)
    return operation is not None and operation.operation == OperationType.MUTATION


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
