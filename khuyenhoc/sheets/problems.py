"""What can be wrong with a file as a whole (it is refused) and the texts of row problems."""

from __future__ import annotations

from collections.abc import Mapping

from khuyenhoc.sheets.messages import CELL_PROBLEMS, FILE_PROBLEMS


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; `key` says why, the message says it in Vietnamese."""

    def __init__(self, key: str, missing: tuple[str, ...] = (), **params: object) -> None:
        self.key = key
        self.missing = missing  # template headers of the missing required columns
        super().__init__(FILE_PROBLEMS[key].format(**params))


def reason_text(reason: str, reasons: Mapping[str, str] | None = None) -> str:
    """A row problem's Vietnamese text: a cell problem key, a caller's own key, or already text."""
    if reasons and reason in reasons:
        return reasons[reason]
    return CELL_PROBLEMS.get(reason, reason)
