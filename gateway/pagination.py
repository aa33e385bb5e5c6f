"""The one pagination convention of the API: Relay connections with opaque, validated cursors.

Every paged list answers ``XConnection { edges { cursor node } nodes pageInfo { hasNextPage
endCursor } }`` and takes ``first`` (1 to 100, default 50; anything else is refused with a field
error, never clamped) and ``after`` (an ``endCursor`` of the same list). A cursor is
base64url of ``[version, the service's own cursor]`` followed by a short digest keyed by the
list (its kind and owner, e.g. one fund's donations): a cursor that is not base64, was edited,
belongs to another list or to another version of this codec is refused on ``after`` in
Vietnamese. The digest is a checksum, not a secret: a cursor is a position and carries no
rights (access is checked on every page as on the first).

Services keep their RPC: a service that pages with its own cursor gets it back unwrapped
(:func:`cursor_page`); a list a service answers as the first N rows (``orgUnits``,
``notifications``) is paged here by offset within what the service answers at most, with the
last row's key as an anchor so rows added in front do not repeat (:func:`window_page`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import graphene
from graphql import GraphQLError

from gateway.messages import message
from gateway.wire import field_error

VERSION = 1
DEFAULT_FIRST = 50
MAX_FIRST = 100
_DIGEST = 8


# --- the codec ----------------------------------------------------------------------------------


def _digest(body: bytes, kind: str, scope: str) -> bytes:
    key = f"khuyenhoc-cursor|{kind}|{scope}".encode()[:64]
    return hashlib.blake2b(body, key=key, digest_size=_DIGEST).digest()


def encode_cursor(kind: str, value: Any, scope: str = "", version: int = VERSION) -> str:
    """An opaque cursor for ``value`` (the service's cursor, or this module's position) in the
    list ``kind`` of ``scope``."""
    body = json.dumps([version, value], separators=(",", ":"), ensure_ascii=False).encode()
    raw = body + _digest(body, kind, scope)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None, kind: str, scope: str = "") -> Any:
    """The value inside ``cursor`` (None for no cursor); a field error on ``after`` for one that
    is not a cursor of this list (garbage, edited, another list's) or of an older codec."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body, digest = raw[:-_DIGEST], raw[-_DIGEST:]
        decoded = json.loads(body)
        if not isinstance(decoded, list):
            raise ValueError("not a cursor")
        version, value = decoded
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise invalid_cursor() from None
    if version != VERSION:
        raise field_error("after", "cursor_version", message("cursor_version"))
    if len(digest) != _DIGEST or digest != _digest(body, kind, scope):
        raise invalid_cursor()
    return value


def invalid_cursor() -> GraphQLError:
    return field_error("after", "invalid_cursor", message("invalid_cursor"))


def check_first(first: int | None, most: int = MAX_FIRST) -> int:
    """``first`` as asked, or a field error when it is outside 1..``most`` (never clamped)."""
    if first is None or not 1 <= first <= most:
        raise field_error("first", "page_size", message("page_size", most=most))
    return first


# --- building pages -----------------------------------------------------------------------------


def connection_of(
    nodes: Sequence[Any], cursors: Sequence[str], has_next: bool, total: int | None = None
) -> dict[str, Any]:
    """What a connection type resolves from: nodes, one cursor each, whether more follow."""
    return {
        "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, nodes, strict=True)],
        "nodes": list(nodes),
        "page_info": {
            "has_next_page": has_next,
            "end_cursor": cursors[-1] if cursors else None,
        },
        "total_count": total,
    }


def cursor_page(
    kind: str,
    scope: str,
    first: int | None,
    after: str | None,
    fetch: Callable[[Any, int], tuple[Sequence[Any], Any]],
    total: int | None = None,
) -> dict[str, Any]:
    """A page of a list the service pages with its own cursor: ``fetch(service_cursor, first)``
    answers ``(items, next service cursor or None)``. Every edge of the page carries the page's
    next cursor (the service knows no position inside a page), so ``endCursor`` is what goes on."""
    size = check_first(first)
    position = decode_cursor(after, kind, scope)
    if isinstance(position, dict) and position.get("end"):
        return connection_of([], [], False, total)
    if position is not None and not (isinstance(position, dict) and "s" in position):
        raise invalid_cursor()
    items, following = fetch(position["s"] if position else None, size)
    going_on = {"s": following} if following is not None else {"end": True}
    cursors = [encode_cursor(kind, going_on, scope)] * len(items)
    return connection_of(items, cursors, following is not None, total)


def window_page(
    kind: str,
    scope: str,
    first: int | None,
    after: str | None,
    fetch: Callable[[int], Sequence[Any]],
    key_of: Callable[[Any], Any],
    most: int,
) -> dict[str, Any]:
    """A page of a list the service answers as its first ``limit`` rows (at most ``most``):
    the cursor is the row's offset and key; the next page starts after that key where it is
    found (rows added in front shift it), else at the offset."""
    size = check_first(first)
    position = decode_cursor(after, kind, scope)
    if isinstance(position, dict) and position.get("end"):
        return connection_of([], [], False)
    if position is not None and not (
        isinstance(position, dict) and isinstance(position.get("o"), int) and position["o"] >= 0
    ):
        raise invalid_cursor()
    offset = position["o"] if position else 0
    slack = MAX_FIRST if position else 0
    rows = list(fetch(min(most, offset + size + 1 + slack)))
    start = offset
    if position is not None:
        keys = [key_of(row) for row in rows]
        if position.get("k") in keys:
            start = keys.index(position.get("k")) + 1
    chosen = rows[start : start + size]
    cursors = [
        encode_cursor(kind, {"o": start + n + 1, "k": key_of(row)}, scope)
        for n, row in enumerate(chosen)
    ]
    return connection_of(chosen, cursors, len(rows) > start + size)


# --- the GraphQL types --------------------------------------------------------------------------


class PageInfo(graphene.ObjectType):
    """Where a page of a connection ends (thông tin trang): whether more follow, and the
    cursor to ask for them."""

    has_next_page = graphene.Boolean(
        required=True, description="More items follow this page (còn trang sau)"
    )
    end_cursor = graphene.String(
        description="The last item's cursor: pass it as `after` for the next page; null on an "
        "empty page"
    )


def page_arguments(what: str) -> dict[str, Any]:
    """``first`` and ``after`` of a connection field of ``what`` (plural, English)."""
    return {
        "first": graphene.Int(
            default_value=DEFAULT_FIRST,
            description=f"Page size (số {what} mỗi trang): 1 to {MAX_FIRST}, default "
            f"{DEFAULT_FIRST}; outside that range the query is refused",
        ),
        "after": graphene.String(
            description="Opaque cursor (con trỏ trang): the `pageInfo.endCursor` of the previous "
            "page; a cursor that was changed or belongs to another list is refused"
        ),
    }


def connection(node: Any, name: str, what: str, total: str | None = None) -> type:
    """The ``<name>Connection`` type (and its ``<name>Edge``) over ``node``; ``what`` names the
    items in English with their Vietnamese term; ``total`` describes a cheap ``totalCount``
    (left out when not given)."""
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "__doc__": f"One item of a page of {what}, with its cursor (một mục của trang).",
            "cursor": graphene.String(
                required=True, description="Opaque cursor: pass as `after` to go on after it"
            ),
            "node": graphene.Field(node, required=True, description="The item (mục)"),
        },
    )
    fields: dict[str, Any] = {
        "__doc__": f"A page of {what} (một trang), Relay-style: `edges` with cursors, or "
        "`nodes` alone, and `pageInfo` to go on.",
        "edges": graphene.List(
            graphene.NonNull(edge), required=True, description="The page's items with cursors"
        ),
        "nodes": graphene.List(
            graphene.NonNull(node),
            required=True,
            description="The page's items without cursors (for simple clients)",
        ),
        "page_info": graphene.Field(
            PageInfo, required=True, description="Whether more follow, and from where"
        ),
    }
    if total:
        fields["total_count"] = graphene.Int(required=True, description=total)
    return type(f"{name}Connection", (graphene.ObjectType,), fields)
