"""Matching headers and choice labels however they are typed (case, diacritics, invisible
characters, notes in parentheses)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

from khuyenhoc.text import search_key
from services.registration.lists.columns import COLUMNS, SUBJECT_KINDS, Column


def header_of(kind: str, field: str) -> str:
    """The template header for a field, to name a column in messages and exports."""
    for column in columns_of(kind):
        if column.field == field:
            return column.header
    raise KeyError(f"{kind} has no field {field!r}")


INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width spaces, BOM, soft hyphen
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
_PARENTHESISED = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def match_key(text: str) -> str:
    """Headers and choice labels compare by this key: case, diacritics, punctuation, "(*)"
    marks and notes in parentheses do not matter ("Năm sinh\\n(yyyy)" is "Năm sinh")."""
    key = search_key(INVISIBLE.sub("", text))
    bare = _NOT_ALNUM.sub(" ", _PARENTHESISED.sub(" ", key)).strip()
    return bare or _NOT_ALNUM.sub(" ", key).strip()


def columns_of(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise ValueError(f"unknown subject kind {kind!r}; one of {SUBJECT_KINDS}") from None


def _unique_lookup(pairs: Iterable[tuple[str, str]], where: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for text, target in pairs:
        key = match_key(text)
        if lookup.setdefault(key, target) != target:
            raise AssertionError(f"{where}: {text!r} would mean both {lookup[key]} and {target}")
    return lookup


HEADER_LOOKUP = {
    kind: _unique_lookup(
        ((name, c.field) for c in columns for name in (c.header, *c.aliases)), kind
    )
    for kind, columns in COLUMNS.items()
}
CHOICE_LOOKUP = {
    (kind, c.field): _unique_lookup(
        chain(c.choices.items(), ((v, v) for v in c.choices.values())), f"{kind}.{c.field}"
    )
    for kind, columns in COLUMNS.items()
    for c in columns
    if c.value == "choice"
}


def labels_of(column: Column) -> list[str]:
    """The label offered for each allowed value (the first one listed for it)."""
    seen: dict[str, str] = {}
    for label, value in column.choices.items():
        seen.setdefault(value, label)
    return list(seen.values())
