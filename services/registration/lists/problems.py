"""What can be wrong with a list: file-level errors (the whole file is refused) and the
cell-level reasons reported per row (their texts are in ``messages``)."""

from __future__ import annotations

from services.registration.messages import CELL_PROBLEMS, FILE_PROBLEMS

REASONS = CELL_PROBLEMS  # cell-level reasons by key


class SpreadsheetError(ValueError):
    """The file as a whole cannot be imported; `key` says why, the message says it in Vietnamese."""

    def __init__(self, key: str, missing: tuple[str, ...] = (), **params: object) -> None:
        self.key = key
        self.missing = missing  # template headers of the missing required columns
        super().__init__(FILE_PROBLEMS[key].format(**params))
