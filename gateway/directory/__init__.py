"""The directory of units (public) with their subjects and figures (private)."""

from typing import Any

from gateway.directory.queries import QUERIES

MUTATIONS: dict[str, Any] = {}

__all__ = ["MUTATIONS", "QUERIES"]
