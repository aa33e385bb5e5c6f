"""The directory of units (public) with their subjects and figures (private)."""

from typing import Any

from gateway.directory import denominators, hamlets
from gateway.directory.queries import QUERIES

MUTATIONS: dict[str, Any] = {**denominators.MUTATIONS, **hamlets.MUTATIONS}

__all__ = ["MUTATIONS", "QUERIES"]
