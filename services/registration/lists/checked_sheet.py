"""Sheets whose every row must pass before anything is written (the denominators, the
hamlets): read within bounds, each row checked by the caller's rule, the problems worded as an
officer reads them ("Dòng n, cột …: …"). The caller writes only when there is no problem."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

from khuyenhoc.sheets import Layout, SpreadsheetError, read_all, reason_text
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.errors import Refused

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 200

Accepted = TypeVar("Accepted")
Wording = Callable[[Refused], InvalidInput]
"""The edge's wording of a rule's refusal (``schemas.refusal``), passed in."""


def checked_rows(
    layout: Layout,
    file_name: str,
    content: bytes,
    check: Callable[[dict[str, object]], Accepted],
    wording: Wording,
    wire_names: Mapping[str, str] | None = None,
) -> tuple[list[Accepted], list[str]]:
    """What ``check`` made of each row (its values in wire names, dates as ISO text), and the
    problems of the rows it refused (``InvalidInput`` or ``Refused``) or the sheet found; at
    most :data:`MAX_ERRORS` problems. ``wire_names``: a rule's field → the sheet's field."""
    if len(content) > MAX_BYTES:
        raise Refused("content", "file_too_large")
    try:
        headers, rows = read_all(content, file_name, layout, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    except SpreadsheetError as exc:
        raise Refused("content", exc.key, text=str(exc)) from exc
    names = wire_names or {}

    def header(field: str) -> str:
        wire = names.get(field, field)
        column = layout.by_field.get(wire)
        return headers.get(wire) or (column.header if column is not None else wire)

    accepted: list[Accepted] = []
    problems: list[str] = []
    for row in rows:
        if len(problems) >= MAX_ERRORS:
            break
        if row.problems:
            problems += [f"Dòng {row.number}, cột {h}: {reason_text(r)}" for h, r in row.problems]
            continue
        values = {k: _wire(v) for k, v in row.values.items() if v is not None}
        try:
            accepted.append(check(values))
            continue
        except InvalidInput as exc:
            errors = exc.errors
        except Refused as exc:
            errors = wording(exc).errors
        problems += [f"Dòng {row.number}, cột {header(e.field)}: {e.message}" for e in errors]
    return accepted, problems[:MAX_ERRORS]


def within(scope: UnitPath, path: str) -> bool:
    """Whether ``path`` is the scope's unit or below it."""
    text = str(scope)
    return path == text or path.startswith(text + "/")


def _wire(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
