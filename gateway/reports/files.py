"""The report files the gateway serves (routes in ``gateway.entrypoint``):

- ``/files/reports/<unitCode>/<from>-<to>.xlsx|.pdf``: the unit's report over at most ten
  years, for any officer, authority, fund manager or auditor whose subtree holds the unit
  (not the public, not partners);
- ``/files/recognised/<unitCode>/<year>/<TITLE>.xlsx|.pdf``: the list of the subjects a
  unit's decisions of a year recognised for a title (names are personal data: officers,
  authorities and auditors in reach only).

The unit is the one the last year's map has (``registration.unit_for_year``), looked up in the
caller's tenant: 404 when the tenant holds no such unit (another tenant's included), 403
outside the caller's subtree or for a role that does not read it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from werkzeug.wrappers import Response

from gateway.access import FORBIDDEN_MESSAGE, REPORT_READERS
from gateway.certificates import MOTTO, in_text, issuer
from gateway.files import PDF, XLSX, Refusal, _private, attachment_named
from gateway.messages import message
from gateway.reports.compose import build_report
from gateway.reports.layout import Column, Document, Section, Table, text_of
from gateway.reports.pdf import document_pdf, report_pdf
from gateway.reports.xlsx import document_xlsx, report_xlsx
from gateway.scoring.decisions import DECISION_READERS
from gateway.wire import UNIT_NOT_FOUND_MESSAGE
from khuyenhoc.auth import Caller, Role
from khuyenhoc.vocabulary import TITLE_NAMES, TITLES

MAX_YEARS = 10
FIRST_YEAR, LAST_YEAR = 2000, 2100
EXTENSIONS = {"xlsx": XLSX, "pdf": PDF}
# Who reads a report: every role of the association and the authorities, in reach; the
# partners (who read anonymised feeds) do not.
# Who reads the recognised lists (names): those who read the decisions.
LIST_READERS: frozenset[Role] = DECISION_READERS
NAMES_PER_CALL = 5000  # registration's enrolment_names answers at most this many at a time
HOLDER_HEADERS = {
    "FAMILY": "Họ và tên chủ hộ",
    "CLAN": "Dòng họ",
    "COMMUNITY": "Thôn, tổ dân phố",
    "COMMUNE_COMMUNITY": "Xã, phường",
    "UNIT": "Tên đơn vị",
    "CITIZEN": "Họ và tên",
}


def years(period: str) -> tuple[int, int]:
    """``2021-2025`` → (2021, 2025); anything else, a span over ten years or years out of
    range is a 400 with the reason in Vietnamese."""
    first, _, last = period.partition("-")
    if not (first.isdigit() and last.isdigit() and len(first) == 4 and len(last) == 4):
        raise Refusal(400, message("report_period"))
    start, end = int(first), int(last)
    if not (FIRST_YEAR <= start <= end <= LAST_YEAR):
        raise Refusal(400, message("report_period"))
    if end - start + 1 > MAX_YEARS:
        raise Refusal(400, message("report_too_long", most=MAX_YEARS))
    return start, end


def _kind(ext: str) -> str:
    if ext not in EXTENSIONS:
        raise Refusal(404, message("report_file_kind"))
    return ext


def _unit(rpc: Any, caller: Caller, code: str, year: int, roles: frozenset[Role]) -> dict:
    unit = _private(
        caller,
        lambda tenant: rpc.registration.unit_for_year(code, tenant, year),
        "path",
        UNIT_NOT_FOUND_MESSAGE,
    )
    if caller.role not in roles:
        raise Refusal(403, FORBIDDEN_MESSAGE)
    return unit


def report_file(rpc: Any, caller: Caller, code: str, period: str, ext: str) -> Response:
    """The unit's report over ``period`` (``2021-2025``) as .xlsx or .pdf."""
    kind = _kind(ext)
    start, end = years(period)
    unit = _unit(rpc, caller, code, end, REPORT_READERS)

    report = build_report(rpc, unit, start, end)
    content = report_xlsx(report) if kind == "xlsx" else report_pdf(report)
    span = str(start) if start == end else f"{start}-{end}"
    return attachment_named(content, EXTENSIONS[kind], f"Báo cáo {unit['name']} {span}.{kind}")


# -- the recognised lists ----------------------------------------------------------------------


def recognised_rows(rpc: Any, tenant: str, unit_code: str, title: str, year: int) -> list[tuple]:
    """(name, level, decision number, decision date, provisional) per subject holding the
    title: recognised by a decision on the platform or imported from the commune's records
    (``scoring.title_holders``, revoked ones left out), in the order of their decisions."""
    holders = rpc.scoring.title_holders(tenant, unit_code, title, year) or []
    ids = [holder["enrolment_id"] for holder in holders]
    named: dict[str, Any] = {}
    for at in range(0, len(ids), NAMES_PER_CALL):
        named.update(rpc.registration.enrolment_names(tenant, ids[at : at + NAMES_PER_CALL]))
    # an imported recognition is no enrolment of its year: its subject is who it names
    subjects = sorted({h["subject_id"] for h in holders if h["enrolment_id"] not in named})
    for at in range(0, len(subjects), NAMES_PER_CALL):
        found = rpc.registration.subject_names(tenant, subjects[at : at + NAMES_PER_CALL])
        named.update({f"subject:{k}": v for k, v in found.items()})

    def name(holder: Mapping[str, Any]) -> str | None:
        found = named.get(holder["enrolment_id"]) or named.get(f"subject:{holder['subject_id']}")
        return (found or {}).get("name")

    return [
        (
            name(holder),
            holder.get("level"),
            holder.get("decision_number") or "",
            _day_text(holder.get("decision_date")),
            bool(holder.get("provisional")),
        )
        for holder in holders
    ]


def _day_text(day: str | None) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y") if day else ""


def recognised_document(
    unit: Mapping[str, Any],
    title: str,
    year: int,
    decisions: Sequence[Mapping[str, Any]],
    rows: Sequence[tuple],
    today: date,
) -> Document:
    """The list as the decision's annex reads: "DANH SÁCH ... ĐƯỢC CÔNG NHẬN NĂM ...", one row
    per subject with its level and the decision that recognised it."""
    title_name = TITLE_NAMES[title]
    table = Table(
        (
            Column("STT", 14, "C"),
            Column(HOLDER_HEADERS[title], 113, "L"),
            Column("Mức độ", 25, "C"),
            Column("Quyết định số", 50, "L"),
            Column("Ngày quyết định", 30, "C"),
            Column("Ghi chú", 45, "L"),
        )
    )
    for index, (name, level, number, day, provisional) in enumerate(rows, start=1):
        table.add(
            str(index),
            name,
            f"Mức độ {level}" if level else "",
            number,
            day,
            "Theo bộ tiêu chí tạm thời" if provisional else "",
        )
    if not rows:
        table.add("", message("recognised_none"), "", "", "", "")
    by = issuer(unit, decisions[0].get("authority") if len(decisions) == 1 else None)
    heading: tuple[str, ...] = (
        "DANH SÁCH",
        f"{title_name.upper()} ĐƯỢC CÔNG NHẬN NĂM {year}",
        f"{unit['name']}",
    )
    if len(decisions) == 1:
        only = decisions[0]
        day = date.fromisoformat(only["date"]).strftime("%d/%m/%Y")
        heading += (f"(Kèm theo Quyết định số {only['number']} ngày {day} của {by.name})",)
    notes = [message("recognised_source")]
    if any(name is None for name, *_ in rows):
        notes.append(message("recognised_unnamed"))
    return Document(
        issuer=by.lines,
        number_line="",
        motto=MOTTO,
        place_and_date=f"Lập ngày {today:%d/%m/%Y}",
        title=heading,
        sections=[Section("", [f"Tổng số: {text_of(len(rows))}"], [(None, table)])],
        notes=notes,
        signature=(),
        recipients=(),
        file_title=f"Danh sách {title_name} được công nhận năm {year} – {in_text(unit['name'])}",
    )


def recognised_file(
    rpc: Any, caller: Caller, code: str, year: int, title: str, ext: str
) -> Response:
    """The subjects a unit's decisions of ``year`` recognised for ``title``, as .xlsx or .pdf."""
    kind = _kind(ext)
    if title not in TITLES:
        raise Refusal(404, message("recognised_title"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Refusal(400, message("report_period"))
    unit = _unit(rpc, caller, code, year, LIST_READERS)
    found = rpc.scoring.decisions(caller.tenant, unit["code"], year) or []
    decisions = [d for d in found if d.get("title") == title]
    rows = recognised_rows(rpc, caller.tenant, unit["code"], title, year)
    doc = recognised_document(unit, title, year, decisions, rows, date.today())
    content = document_xlsx(doc) if kind == "xlsx" else document_pdf(doc)
    name = f"Danh sách {TITLE_NAMES[title]} {unit['name']} {year}.{kind}"
    return attachment_named(content, EXTENSIONS[kind], name)
