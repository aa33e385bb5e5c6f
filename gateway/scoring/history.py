"""Past years: ``importTitleHistory`` brings a commune's earlier recognitions (decisions of
2019–2024 per title, with number, date, level) onto the platform, so title history, "n năm
liền" and multi-year figures are true from day one.

For registrars of the importing unit's subtree. The gateway resolves every row's subject with
registration's ``subject_names`` (the caller's tenant only) and hands scoring each subject's
kind and unit; scoring refuses, per row, a subject that does not exist in the tenant or lies
outside the unit, checks every row before writing anything, and answers counts and row errors.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REGISTRARS
from gateway.messages import message
from gateway.mutations import Write, in_subtree, mutation, unit
from gateway.vocabulary import Title
from gateway.wire import enum_value, unit_not_found

MAX_ROWS = 5_000  # as scoring's bound (its ``too_many_rows``)


class HistoryRowInput(graphene.InputObjectType):
    """One past-year recognition (công nhận năm trước) from the commune's records."""

    row = graphene.Int(description="The row's number in the officer's list (default: position)")
    subject_id = graphene.String(required=True, description="As registration names the subject")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(required=True, description="The year recognised (năm công nhận)")
    decision_number = graphene.String(required=True, description="Số quyết định")
    decision_date = graphene.String(required=True, description="Ngày ký, YYYY-MM-DD")
    level = graphene.Int(description="Mức độ, where the title that year had levels")
    signer = graphene.String(description="Người ký, when the record names one")


class ImportTitleHistoryInput(graphene.InputObjectType):
    """Past-year recognitions of a unit's subjects, imported from its records."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="The importing unit (a commune)")
    rows = graphene.List(
        graphene.NonNull(HistoryRowInput),
        required=True,
        description="The recognitions, one per row",
    )
    dry_run = graphene.Boolean(description="Check only: nothing is written")


class HistoryRowError(graphene.ObjectType):
    """Why one row of a history import was refused."""

    row = graphene.Int(required=True, description="The row's number in the input, from 1")
    field = graphene.String(required=True, description="The refused field, in the input's names")
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class TitleHistoryImport(graphene.ObjectType):
    """What an import did. Any row error: nothing was written."""

    rows = graphene.Int(required=True, description="Rows recorded")
    imported = graphene.Int(required=True, description="Recognitions written now")
    unchanged = graphene.Int(required=True, description="Rows already imported as they are")
    errors = graphene.List(
        graphene.NonNull(HistoryRowError),
        required=True,
        description="Row errors; empty when nothing was refused",
    )


def import_history(write: Write) -> Any:
    return send(write, write.input["rows"], bool(write.input.get("dry_run")))


def send(write: Write, given: list[dict[str, Any]], dry_run: bool) -> Any:
    """``scoring.import_history`` for rows as the input names them (snake_case), each
    subject resolved by registration in the caller's tenant."""
    assert write.found is not None
    if len(given) > MAX_ROWS:  # refused before anything is resolved or sent
        text = message("too_many_history_rows")
        return {"errors": [{"field": "rows", "key": "too_many_rows", "message": text}]}
    ids = sorted({r["subject_id"] for r in given})
    named = write.rpc.registration.subject_names(write.tenant, ids)
    rows = []
    for position, r in enumerate(given, start=1):
        subject = named.get(r["subject_id"]) or {}
        rows.append(
            {
                "row": r.get("row") or position,
                "subjectId": r["subject_id"],
                "subjectKind": subject.get("subjectKind"),
                "unitPath": subject.get("unitpath"),
                "title": enum_value(r["title"]),
                "year": r["year"],
                "decisionNumber": r["decision_number"],
                "decisionDate": r["decision_date"],
                "level": r.get("level"),
                "signer": r.get("signer"),
            }
        )
    return write.rpc.scoring.import_history(
        {
            "tenant": write.tenant,
            "scope": write.found["path"],
            "rows": rows,
            "by": write.caller.subject,
            "dryRun": dry_run,
        }
    )


ImportTitleHistory = mutation(
    "ImportTitleHistory",
    TitleHistoryImport,
    import_history,
    input=ImportTitleHistoryInput,
    lookup=unit("unit_code", ended_ok=True),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer="history",
    doc="Công nhận của các năm trước: imported, marked so, counted in their years' figures, "
    "announced to partners without SMS or e-mail.",
)

QUERIES: dict[str, Any] = {}
MUTATIONS: dict[str, Any] = {"import_title_history": ImportTitleHistory.Field()}
