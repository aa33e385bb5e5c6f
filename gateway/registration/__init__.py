"""Registration: bulk imports, enrolments of every kind of subject, the association's branches
and members."""

from typing import Any

from gateway.registration import branches, enrolments, imports

QUERIES: dict[str, Any] = {**imports.QUERIES, **enrolments.QUERIES}
MUTATIONS: dict[str, Any] = {**imports.MUTATIONS, **enrolments.MUTATIONS, **branches.MUTATIONS}

__all__ = ["MUTATIONS", "QUERIES"]
