"""A list as read: its data rows, each with the number the officer sees."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SheetRow:
    """One data row: the number the officer sees, the cleaned values (every field of the
    columns found, None where blank or unreadable) and what could not be read, as
    (header as written in the file, problem key) pairs."""

    number: int
    values: dict[str, object]
    problems: tuple[tuple[str, str], ...]


class SheetRows(Iterator[SheetRow]):
    """The data rows of one list, read lazily.

    `headers` maps each field found to the header as written in the file, so problems and
    service errors can name the column the officer knows; `header_row` is the (lowest) header
    row's number.
    """

    def __init__(self, rows: Iterator[SheetRow], headers: dict[str, str], header_row: int) -> None:
        self._rows = rows
        self.headers = headers
        self.header_row = header_row

    def __next__(self) -> SheetRow:
        return next(self._rows)

    def close(self) -> None:
        """Release the workbook early when not reading to the end."""
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()
