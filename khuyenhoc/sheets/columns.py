"""Columns as data: what a service's list holds, how templates write each header and how real
files spell it. A service may build its columns at run time (one per indicator of a criteria
set); :class:`Layout` checks them and prepares the lookups the reader matches headers with."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from khuyenhoc.text import search_key

Parser = Callable[[object], tuple[object, str | None]]
"""A custom cell parser: a non-blank cell's value -> (typed value, None) or (None, problem key)."""

PARSERS = ("text", "int", "number", "year", "phone", "digits", "bool", "date", "choice")
MAX_COLUMNS = 200  # a list wider than this is not a list a service declares


@dataclass(frozen=True)
class Column:
    """One column of a list.

    ``headers``: the first is the header templates write, the others are spellings seen in real
    files (compared without case, diacritics, punctuation or notes in parentheses, so an id that
    tells two columns apart must stand outside parentheses). ``required``: a file without the
    column is refused. ``filled``: every data row needs a value (a blank cell is a row problem).
    ``parse``: one of :data:`PARSERS` or a :data:`Parser`. ``choices``: for "choice", label ->
    value, the first label of a value being the one templates offer. ``example`` is written in a
    template's example row; ``help`` replaces the rule a template's guide gives for the column.
    """

    field: str
    headers: tuple[str, ...]
    required: bool = False
    parse: str | Parser = "text"
    choices: Mapping[str, str] = dataclasses.field(default_factory=dict)
    example: object = None
    help: str = ""
    filled: bool = False
    max_length: int = 1000  # longer text is a row problem ("too_long")

    def __post_init__(self) -> None:
        if not self.headers or not all(isinstance(h, str) and h.strip() for h in self.headers):
            raise ValueError(f"column {self.field!r} needs at least one header")
        if isinstance(self.parse, str) and self.parse not in PARSERS:
            raise ValueError(f"column {self.field!r}: unknown parse {self.parse!r}")
        if (self.parse == "choice") != bool(self.choices):
            raise ValueError(f"column {self.field!r}: choices go with parse='choice' only")

    @property
    def header(self) -> str:
        """The header as templates write it."""
        return self.headers[0]

    @property
    def as_text(self) -> bool:
        """Cells of this column are formatted as text, so Excel keeps leading zeros."""
        return self.parse in ("phone", "digits")


INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width spaces, BOM, soft hyphen
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
_PARENTHESISED = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=8192)
def match_key(text: str) -> str:
    """Headers and choice labels compare by this key: case, diacritics, punctuation, "(*)"
    marks and notes in parentheses do not matter ("Năm sinh\\n(yyyy)" is "Năm sinh").
    Cached: a list's header search matches every top cell several times, and its choice
    columns repeat a few labels on every row (a pure function of the text)."""
    key = search_key(INVISIBLE.sub("", text))
    bare = _NOT_ALNUM.sub(" ", _PARENTHESISED.sub(" ", key)).strip()
    return bare or _NOT_ALNUM.sub(" ", key).strip()


def _unique_lookup(pairs: Iterable[tuple[str, str]], where: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for text, target in pairs:
        key = match_key(text)
        if not key:
            raise ValueError(f"{where}: {text!r} has nothing to match by")
        if lookup.setdefault(key, target) != target:
            raise ValueError(f"{where}: {text!r} would mean both {lookup[key]} and {target}")
    return lookup


def labels_of(column: Column) -> list[str]:
    """The label offered for each allowed value (the first one listed for it)."""
    seen: dict[str, str] = {}
    for label, value in column.choices.items():
        seen.setdefault(value, label)
    return list(seen.values())


class Layout:
    """A checked list of columns with its lookups: fields unique, no header or choice label
    meaning two things. Raises ValueError for columns that could not be read unambiguously."""

    def __init__(self, columns: Sequence[Column]) -> None:
        columns = tuple(columns)
        if not columns:
            raise ValueError("a list needs at least one column")
        if len(columns) > MAX_COLUMNS:
            raise ValueError(f"at most {MAX_COLUMNS} columns")
        fields = [c.field for c in columns]
        if len(set(fields)) != len(fields):
            raise ValueError(f"fields must be unique: {fields}")
        self.columns = columns
        self.by_field = {c.field: c for c in columns}
        self.headers = _unique_lookup(
            ((name, c.field) for c in columns for name in c.headers), "headers"
        )
        self.choices = {
            c.field: _unique_lookup(
                chain(c.choices.items(), ((v, v) for v in c.choices.values())), c.field
            )
            for c in columns
            if c.parse == "choice"
        }
        self.labels = {  # choice field -> value -> the label templates offer for it
            c.field: {c.choices[label]: label for label in labels_of(c)}
            for c in columns
            if c.parse == "choice"
        }

    def header_of(self, field: str) -> str:
        """The template header for a field, to name a column in messages and reports."""
        try:
            return self.by_field[field].header
        except KeyError:
            raise KeyError(f"no column {field!r}") from None


def layout(columns: Sequence[Column] | Layout) -> Layout:
    return columns if isinstance(columns, Layout) else Layout(columns)
