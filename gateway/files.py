"""The files the gateway serves: import templates, import error reports, exports, evidence,
fund statements, receipts and certificates (giấy công nhận).

Each function takes the services' RPC proxies (and, for private files, the caller) and returns
the file, or raises :class:`Refusal`. A private file is looked up in the caller's tenant and
served only if the caller's subtree holds its unit: 404 when it is not there (another tenant's
included), 403 outside the caller's subtree or for a partner's token, 401 without a valid token.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from gateway import certificates
from gateway.access import (
    CERTIFICATE_PRINTERS,
    FORBIDDEN_MESSAGE,
    FUND_KEEPERS,
    REGISTRARS,
    is_partner,
)
from gateway.messages import message
from gateway.scoring import history_sheet
from gateway.wire import UNIT_NOT_FOUND_MESSAGE, wire_unit
from gateway.years import FIRST_YEAR, last_year, year_problem
from khuyenhoc.auth import Caller, Role
from khuyenhoc.sheets import export_rows
from khuyenhoc.tenancy import UnitPath

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _plausible_year(year: int | str) -> int:
    """The year of a file's address, refused (400, the reason) outside 2000..next year: the
    same rule as every GraphQL year (gateway/years.py)."""
    value = int(year) if isinstance(year, int) or str(year).isdigit() else None
    problem = year_problem(value)
    if value is None or problem:
        raise Refusal(400, problem or message("year_range", low=FIRST_YEAR, high=last_year()))
    return value


class Refusal(Exception):
    """A file not served: the HTTP status and the message the client reads."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def attachment(content: bytes, mimetype: str, filename: str | None = None) -> Response:
    disposition = f'attachment; filename="{filename}"' if filename else "attachment"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": disposition})


def _private(
    caller: Caller,
    find: Callable[[str], dict[str, Any] | None],
    path_field: str,
    missing: str,
) -> dict[str, Any]:
    """A private file's record, looked up in the caller's tenant, if the caller's subtree
    holds its unit. Every private file is an officers' file (lists of people, receipts,
    evidence, error reports with rows of names): never a partner's (gateway.access), before
    anything is looked up."""
    if is_partner(caller):
        raise Refusal(403, FORBIDDEN_MESSAGE)
    found = find(caller.tenant)
    if found is None:
        raise Refusal(404, missing)
    if not caller.covers(UnitPath.parse(found[path_field])):
        raise Refusal(403, FORBIDDEN_MESSAGE)
    return found


# Templates of the directory's sheets: registration's RPC and the file's name.
SHEET_TEMPLATES = {
    "denominators": ("denominators_template", "mau-so-lieu-dan-so-ho-gia-dinh.xlsx"),
    "hamlets": ("hamlets_template", "mau-danh-sach-thon-to-dan-pho.xlsx"),
}


def import_template(rpc: Any, kind: str) -> Response:
    """The blank list officers fill in for a kind of subject (public); ``denominators`` and
    ``hamlets``: the sheets of units' figures and of a commune's hamlets."""
    if kind in SHEET_TEMPLATES:
        method, filename = SHEET_TEMPLATES[kind]
        return attachment(base64.b64decode(getattr(rpc.registration, method)()), XLSX, filename)
    content = rpc.registration.template(kind)
    if content is None:
        raise Refusal(404, message("template_not_found"))
    return attachment(base64.b64decode(content), XLSX, f"mau-dang-ky-{kind}.xlsx")


def import_errors(rpc: Any, caller: Caller, job_id: str) -> Response:
    """The rows of an import that were refused, with why."""
    _private(
        caller,
        lambda tenant: rpc.registration.import_job(tenant, job_id),
        "unitpath",
        message("import_not_found"),
    )
    content = rpc.registration.import_error_report(caller.tenant, job_id)
    return attachment(base64.b64decode(content), XLSX, f"loi-nhap-{job_id}.xlsx")


def registrations_export(rpc: Any, caller: Caller, code: str, year: int) -> Response:
    """A unit's registrations for a year: the officers' paper record."""
    year = _plausible_year(year)
    unit = _private(
        caller,
        lambda tenant: rpc.registration.get_unit(code, tenant, f"{year}-12-31"),
        "path",
        UNIT_NOT_FOUND_MESSAGE,
    )
    content = rpc.registration.export_registrations(caller.tenant, unit["path"], year)
    return attachment(base64.b64decode(content), XLSX, f"dang-ky-{code}-{year}.xlsx")


def evidence(rpc: Any, caller: Caller, enrolment_id: str, evidence_id: str) -> Response:
    found = _private(
        caller,
        lambda tenant: rpc.scoring.evidence_file(tenant, enrolment_id, evidence_id),
        "unitpath",
        message("evidence_not_found"),
    )
    return attachment(base64.b64decode(found["content"]), found["content_type"])


def statement_period(period: str, ext: str) -> tuple[str, str]:
    """The first and last day of ``2024-01-01-2024-12-31`` (a statement's file name), for an
    .xlsx or a .pdf; anything else is no such file."""
    start, end = period[:10], period[11:]
    try:
        date.fromisoformat(start)
        date.fromisoformat(end)
        valid = ext in ("xlsx", "pdf") and period[10] == "-"
    except (ValueError, IndexError):
        valid = False
    if not valid:
        raise Refusal(404, message("statement_file_not_found"))
    return start, end


def fund_statement(rpc: Any, code: str, period: str, ext: str) -> Response:
    """Công khai quỹ (public): ``statement-2024-01-01-2024-12-31.xlsx`` or ``.pdf``."""
    start, end = statement_period(period, ext)
    # the unit as it stood at the period's end: a 2024 statement carries the 2024 name
    unit = rpc.registration.get_unit(code, None, end)
    if unit is None:
        raise Refusal(404, UNIT_NOT_FOUND_MESSAGE)
    found = rpc.fund.public_statement_file(unit["tenant"], wire_unit(unit), start, end, ext)
    if "errors" in found:
        raise Refusal(400, found["errors"][0]["message"])
    filename = f"cong-khai-quy-{code}-{start}-{end}.{ext}"
    return attachment(base64.b64decode(found["content"]), XLSX if ext == "xlsx" else PDF, filename)


def consolidated_statement(rpc: Any, code: str, period: str, ext: str) -> Response:
    """Báo cáo tổng hợp quỹ of a commune with its branches (public, like the statement):
    ``consolidated-2024-01-01-2024-12-31.xlsx`` or ``.pdf``; the commune and its branches as
    the directory stood at the period's end."""
    start, end = statement_period(period, ext)
    unit = rpc.registration.get_unit(code, None, end)
    if unit is None:
        raise Refusal(404, UNIT_NOT_FOUND_MESSAGE)
    branches = [u for u in rpc.registration.children(unit["_id"]) if u.get("level") == "branch"]
    found = rpc.fund.consolidated_statement_file(
        unit["tenant"], wire_unit(unit), [wire_unit(b) for b in branches], start, end, ext
    )
    if "errors" in found:
        raise Refusal(400, found["errors"][0]["message"])
    filename = f"tong-hop-quy-{code}-{start}-{end}.{ext}"
    return attachment(base64.b64decode(found["content"]), XLSX if ext == "xlsx" else PDF, filename)


def honour_roll_file(rpc: Any, code: str, year: str, ext: str) -> Response:
    """Bảng vinh danh nhà hảo tâm (public, like the honour roll query): every donor of the unit
    and below in ``year`` from the province's threshold up (default: every donor), anonymous
    ones unnamed; the unit under its name at the end of that year."""
    _plausible_year(year)
    if ext not in ("xlsx", "pdf"):
        raise Refusal(404, message("honour_roll_file_not_found"))
    unit = rpc.registration.get_unit(code, None, f"{year}-12-31")
    if unit is None:
        raise Refusal(404, UNIT_NOT_FOUND_MESSAGE)
    found = rpc.fund.honour_roll_file(unit["tenant"], wire_unit(unit), int(year), ext)
    filename = f"vinh-danh-nha-hao-tam-{code}-{year}.{ext}"
    return attachment(base64.b64decode(found["content"]), XLSX if ext == "xlsx" else PDF, filename)


RECEIPT_READERS: frozenset[Role] = FUND_KEEPERS | {Role.AUTHORITY, Role.AUDITOR}
"""Who prints a receipt (phiếu thu): those who keep the fund, its approvers and auditors."""


def receipt(rpc: Any, caller: Caller, donation_id: str) -> Response:
    """Phiếu thu: a donation's printable receipt, for a fund keeper, authority or auditor whose
    subtree holds the fund (a partner's token is refused: donors' names are personal data)."""
    found = _private(
        caller,
        lambda tenant: rpc.fund.receipt(tenant, donation_id),
        "unitPath",
        message("receipt_not_found"),
    )
    if caller.role not in RECEIPT_READERS:
        raise Refusal(403, FORBIDDEN_MESSAGE)
    return attachment(
        base64.b64decode(found["content"]), PDF, f"bien-lai-{found['receiptNumber']}.pdf"
    )


def decision_file(rpc: Any, caller: Caller, decision_id: str) -> Response:
    """A recognition decision's scanned file, for a token whose subtree holds its unit."""
    found = _private(
        caller,
        lambda tenant: rpc.scoring.decision_file(tenant, decision_id),
        "unitpath",
        message("decision_file_not_found"),
    )
    return attachment(base64.b64decode(found["content"]), found["content_type"])


def decision_list(rpc: Any, caller: Caller, decision_id: str) -> Response:
    """A recognition decision's list as an .xlsx (Mã đăng ký, Họ và tên, Mức độ: the columns
    ``decideRecognitionFromSheet`` reads back), for a token whose subtree holds its unit."""
    found = _private(
        caller,
        lambda tenant: rpc.scoring.decision(tenant, decision_id),
        "unitpath",
        message("decision_not_found"),
    )
    ids = [s["enrolment_id"] for s in found["subjects"]]
    named = rpc.registration.enrolment_names(caller.tenant, ids) if ids else {}
    rows = [
        (
            s["enrolment_id"],
            (named.get(s["enrolment_id"]) or {}).get("name"),
            s.get("level"),
            "Có" if s.get("provisional") else "",
        )
        for s in found["subjects"]
    ]
    day = date.fromisoformat(found["date"])
    title = f"DANH SÁCH KÈM THEO QUYẾT ĐỊNH SỐ {found['number']} NGÀY {day:%d/%m/%Y}"
    content = export_rows(title, DECISION_LIST_COLUMNS, rows)
    return attachment(content, XLSX, f"danh-sach-quyet-dinh-{found['year']}.xlsx")


DECISION_LIST_COLUMNS = (
    ("enrolment_id", "Mã đăng ký"),
    ("name", "Họ và tên"),
    ("level", "Mức độ"),
    ("provisional", "Theo bộ tiêu chí tạm thời"),
)


PAGES_PER_FILE = 1000  # about 17 ms of CPU a page: a file is ready in well under a minute


def part_number(given: str | None) -> int:
    """``?part=`` of a file served in parts: 1 when absent."""
    if given is None or given == "":
        return 1
    if not given.isdigit() or not 1 <= int(given) <= 10_000:
        raise Refusal(400, message("certificate_part"))
    return int(given)


def certificates_pdf(
    rpc: Any, caller: Caller, proposal_id: str, part: int, base_url: str
) -> Response:
    """Giấy công nhận: one page per subject a decided list recognised, in parts of
    ``PAGES_PER_FILE`` pages (``?part=2`` for the next ones)."""
    _private(
        caller,
        lambda tenant: rpc.scoring.proposal(tenant, proposal_id),
        "unitpath",
        message("certificates_not_found"),
    )
    if caller.role not in CERTIFICATE_PRINTERS:
        raise Refusal(403, FORBIDDEN_MESSAGE)
    found = rpc.scoring.certificates(caller.tenant, proposal_id, part, PAGES_PER_FILE)
    if found is None:
        raise Refusal(404, message("certificates_not_found"))
    if "errors" in found:
        raise Refusal(400, found["errors"][0]["message"])
    if not found["certificates"]:
        raise Refusal(404, message("certificates_not_found"))
    content = certificates.render(
        certificates.pages(rpc, caller.tenant, found, base_url), certificates.cooperative
    )
    suffix = f"-phan-{part}" if found["parts"] > 1 else ""
    name = "giay-cong-nhan-" + "-".join(proposal_id.split(":")[1:]) + suffix + ".pdf"
    return attachment(content, PDF, name)


def history_template(rpc: Any, caller: Caller, code: str, year: str | None) -> Response:
    """The list of past years' recognitions to fill in, pre-filled with the unit's subjects
    enrolled in ``?year=`` (default this year): registrars whose subtree holds the unit."""
    wanted = _plausible_year(year) if year else None
    unit = _private(
        caller,
        lambda tenant: rpc.registration.get_unit(code, tenant),
        "path",
        UNIT_NOT_FOUND_MESSAGE,
    )
    if caller.role not in REGISTRARS:
        raise Refusal(403, FORBIDDEN_MESSAGE)
    content = history_sheet.template(rpc, caller.tenant, unit["path"], wanted or date.today().year)
    return attachment(content, XLSX, f"mau-cong-nhan-cac-nam-truoc-{code}.xlsx")


def list_review_minutes(rpc: Any, caller: Caller, review_id: str) -> Response:
    """The minutes file of a list review (biên bản bình xét), inside the caller's subtree."""
    found = _private(
        caller,
        lambda tenant: rpc.scoring.list_review_file(tenant, review_id),
        "unitpath",
        message("list_review_not_found"),
    )
    return attachment(base64.b64decode(found["content"]), found["content_type"])


def review_sheet(rpc: Any, caller: Caller, code: str, title: str, year: int) -> Response:
    """The unit's review sheet (biên bản bình xét), pre-filled with its enrolments' names and
    self-assessments, for registrars whose subtree holds the unit."""
    year = _plausible_year(year)
    unit = _private(
        caller,
        lambda tenant: rpc.registration.unit_for_year(code, tenant, year),
        "path",
        UNIT_NOT_FOUND_MESSAGE,
    )
    if caller.role not in REGISTRARS:
        raise Refusal(403, FORBIDDEN_MESSAGE)
    ids = rpc.scoring.review_sheet_enrolments(caller.tenant, unit["code"], title, year)
    named = rpc.registration.enrolment_names(caller.tenant, ids) if ids else {}
    names = {i: (found or {}).get("name") or "" for i, found in named.items()}
    content = rpc.scoring.review_sheet(caller.tenant, unit["code"], title, year, names)
    if content is None:
        raise Refusal(404, message("review_sheet_not_found"))
    return attachment(base64.b64decode(content), XLSX, f"binh-xet-{code}-{title}-{year}.xlsx")


def review_sheet_errors(rpc: Any, caller: Caller, report_id: str) -> Response:
    """The rows of an uploaded review sheet that were refused, with why."""
    found = _private(
        caller,
        lambda tenant: rpc.scoring.list_review_report(tenant, report_id),
        "unitpath",
        message("list_review_not_found"),
    )
    return attachment(base64.b64decode(found["content"]), XLSX, f"loi-binh-xet-{report_id}.xlsx")


def attachment_named(content: bytes, mimetype: str, filename: str) -> Response:
    """An attachment whose name may hold Vietnamese: an ASCII fallback (diacritics dropped,
    "đ" as "d", anything else as "-") and the name itself as ``filename*`` (RFC 6266)."""
    ascii_name = ascii_filename(filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": disposition})


def ascii_filename(name: str) -> str:
    """``Báo cáo Phường Đồng Đăng 2021-2025.pdf`` → ``Bao-cao-Phuong-Dong-Dang-2021-2025.pdf``."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if not unicodedata.combining(c))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", kept).strip("-")
    return safe or "tep"
