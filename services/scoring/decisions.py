"""Use cases of the decision as a document (quyết định công nhận): reading decisions, who
signs them, and the decision's list as a spreadsheet (import: rows of enrolment id and level,
checked first, row-level errors; the export is the gateway's). Taking a decision is
:func:`services.scoring.service.decide`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import Column, SpreadsheetError, error_report, read_all
from services.scoring import service
from services.scoring.criteria_sets import CriteriaSet
from services.scoring.domain import DecisionDocument, Proposal, Refused, authorities_for
from services.scoring.service import Decided

if TYPE_CHECKING:  # adapters are passed in
    from services.scoring.ports import Assessments, Decisions, EvidenceFiles, Proposals

MAX_LISTED = 200  # decisions answered for one unit and year


def authorities(
    sets: Sequence[CriteriaSet], configured: Mapping[str, Any], title: str, year: int | None
) -> list[str]:
    """Who signs a title's decisions: the province's setting, else the ``decided_by`` of the
    set in force for ``year`` (the province's own sets first), else the default."""
    decided_by: tuple[str, ...] = ()
    if year is not None:
        in_force = (s for s in sets if s.title == title and s.in_force(year) and s.decided_by)
        decided_by = next((s.decided_by for s in in_force), ())
    return authorities_for(title, configured, decided_by)


def decision(decisions: Decisions, decision_id: str) -> DecisionDocument | None:
    return decisions.get(decision_id)


def of_unit(
    proposals: Proposals, decisions: Decisions, unit_code: str, year: int
) -> list[DecisionDocument]:
    """The decisions on a unit's lists of a year, by title then in the order taken: one read
    of the proposals (deterministic ids) and one of the decisions they name."""
    ids = [
        decision_id
        for _, proposal in sorted(proposals.of_unit(unit_code, year).items())
        for decision_id in proposal.decisions
    ]
    return decisions.many(ids[:MAX_LISTED])


def decision_file(
    decisions: Decisions, files: EvidenceFiles, decision_id: str
) -> dict[str, Any] | None:
    """A decision's scanned file with its metadata and the unit it belongs to; None when the
    tenant holds no such decision or file."""
    found = decisions.get(decision_id)
    meta = found.file if found else None
    if found is None or not meta:
        return None
    content = files.get(meta["id"], meta["chunks"])
    if content is None:
        return None
    return {**meta, "unitpath": found.unitpath, "content": content}


# --- the decision's list as a spreadsheet --------------------------------------------------------

SHEET_COLUMNS = (
    Column("enrolment_id", ("Mã đăng ký", "Mã hồ sơ"), required=True, filled=True, max_length=200),
    Column("name", ("Họ và tên", "Tên đối tượng", "Chủ hộ")),
    Column("level", ("Mức độ",), parse="int"),
)
MAX_SHEET_ROWS = 5000
MAX_SHEET_BYTES = 5 << 20


@dataclass(frozen=True)
class RowError:
    """A row of a decision list that cannot be taken: its number as the officer sees it."""

    row: int
    enrolment_id: str | None
    header: str
    key: str


def read_decision_list(
    proposal: Proposal, file_name: str, content: bytes
) -> tuple[list[str], list[RowError]]:
    """The enrolments a decision's list names (rows: enrolment id, optional level), checked
    against the proposal: every row outside it, twice on the list or at another level than
    proposed is an error; the whole file is refused when it cannot be read."""
    try:
        headers, rows = read_all(
            content, file_name, SHEET_COLUMNS, max_rows=MAX_SHEET_ROWS, max_bytes=MAX_SHEET_BYTES
        )
    except SpreadsheetError as exc:
        raise Refused("sheet", "sheet_unreadable", str(exc)) from exc
    proposed = dict(zip(proposal.enrolments, proposal.levels or [], strict=False))
    enrolment_header = headers.get("enrolment_id", SHEET_COLUMNS[0].headers[0])
    level_header = headers.get("level", SHEET_COLUMNS[2].headers[0])
    wanted: list[str] = []
    errors: list[RowError] = []
    for row in rows:
        enrolment_id = row.values.get("enrolment_id")
        found = str(enrolment_id).strip() if enrolment_id is not None else None
        errors += [RowError(row.number, found, header, key) for header, key in row.problems]
        if row.problems or not found:
            continue
        level = row.values.get("level")
        if found not in set(proposal.enrolments):
            errors.append(RowError(row.number, found, enrolment_header, "not_in_proposal"))
        elif found in wanted:
            errors.append(RowError(row.number, found, enrolment_header, "duplicate_row"))
        elif level is not None and proposed.get(found) is not None and level != proposed[found]:
            errors.append(RowError(row.number, found, level_header, "level_differs"))
        else:
            wanted.append(found)
    if not wanted and not errors:
        raise Refused("sheet", "sheet_empty")
    return wanted, errors


def decide_from_sheet(
    assessments: Assessments,
    proposals: Proposals,
    sets: Sequence[CriteriaSet],
    proposal_id: str,
    sheet_file_name: str,
    sheet: bytes,
    **decision: Any,
) -> Decided | list[RowError]:
    """A decision whose list comes as a spreadsheet: the rows are checked first and, if any is
    wrong, nothing is decided and the row errors are the answer; else the decision as
    :func:`~services.scoring.service.decide` takes it, for the enrolments listed."""
    proposal = proposals.get(proposal_id)
    if proposal is None:
        raise Refused("proposal_id", "proposal_not_found")
    wanted, errors = read_decision_list(proposal, sheet_file_name, sheet)
    if errors:
        return errors
    return service.decide(
        assessments, proposals, sets, proposal_id, enrolment_ids=wanted, **decision
    )


def row_error_report(errors: Sequence[RowError], reasons: Mapping[str, str]) -> bytes:
    """The rows refused, as an .xlsx the officer fixes the list from (Dòng, Cột, Lý do)."""
    return error_report(
        "DANH SÁCH LỖI — QUYẾT ĐỊNH CÔNG NHẬN",
        [(e.row, e.header, e.key) for e in errors],
        reasons=reasons,
    )
