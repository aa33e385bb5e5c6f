"""The one error registration's rules and use cases raise: a request refused, named by an
English message key and the (snake_case) field it concerns. The edge turns it into the
caller's field name and the Vietnamese message (``schemas.refusal``)."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A rule refused the request; nothing was changed."""

    def __init__(self, field: str, key: str, **params: Any) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.params = params
