"""The public pages (no sign-in): rendered on the server, in Vietnamese, no script at all.

Addresses (ASCII, Vietnamese words):

- ``/cong-khai/quy/<unitCode>?tu=YYYY-MM-DD&den=YYYY-MM-DD`` — the fund's transparency
  statement (công khai quỹ) of a unit for a period of at most :data:`MAX_PERIOD_DAYS` days
  (default: the current calendar year up to today);
- ``/cong-khai/vinh-danh/<unitCode>/<year>`` — the honour roll (tôn vinh nhà hảo tâm), the
  first :data:`HONOUR_ROLL_CAP` donors, with the whole roll as xlsx/PDF;
- ``/cong-khai/niem-yet/<unitCode>/<year>`` — the proposal lists now posted (niêm yết), the
  first :data:`POSTING_ROWS_CAP` names of each list;
- ``/xac-minh?ma=<code>`` — verification of a certificate by its code (mã tra cứu), with a form.

Each handler runs the same public GraphQL queries a client would, through the gateway's own
schema in-process (no token: the caller is None), and renders escaped HTML. The page's only
asset is ``/static/public/public.css`` (hashed ``?v=`` address, see :mod:`gateway.assets`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlencode

from gateway.assets import versioned
from gateway.endpoint import execute_query, format_error
from gateway.messages import message
from khuyenhoc.vocabulary import TITLE_NAMES

Answer = tuple[int, dict[str, str], str]
# (data, errors) of a GraphQL document run without a token
Query = Callable[[str, dict[str, Any]], tuple[dict[str, Any] | None, list[dict[str, Any]]]]

MAX_PERIOD_DAYS = 366
HONOUR_ROLL_CAP = 50
POSTING_ROWS_CAP = 100  # a page of a posted list: the API's page cap
MIN_YEAR, MAX_YEAR = 2000, 2100
CODE_MAX = 64

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": PAGE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

DONOR_KINDS = {
    "person": "Cá nhân",
    "family": "Gia đình",
    "clan": "Dòng họ",
    "organisation": "Tổ chức",
    "enterprise": "Doanh nghiệp",
    "overseas": "Người Việt Nam ở nước ngoài",
}
SUBJECT_KINDS = {
    "household": "Hộ gia đình",
    "clan": "Dòng họ",
    "community": "Cộng đồng",
    "learning_unit": "Đơn vị",
    "citizen": "Công dân",
    "commune": "Xã, phường",
}
CERTIFICATE_STATUS_CLASS = {"VALID": "ok", "EXPIRED": "warn", "REVOKED": "bad"}

STATEMENT_QUERY = """query PublicStatementPage($unitCode: String!, $from: Date!, $to: Date!) {
  publicFundStatement(unitCode: $unitCode, from: $from, to: $to) {
    unitCode unitName from to opening totalIn totalOut closing
    moneyIn { label amount count } moneyOut { label amount count }
    earmarks { name opening received spent closing }
    donors { name amount count } othersCount othersAmount threshold xlsxUrl pdfUrl
  }
}"""
HONOUR_QUERY = """query HonourRollPage($unitCode: String!, $year: Int!, $first: Int!) {
  honourRoll(unitCode: $unitCode, year: $year, first: $first) { rank name kind total count }
}"""
POSTINGS_QUERY = """query PostingsPage($unitCode: String!, $year: Int!, $first: Int!) {
  postings(unitCode: $unitCode, year: $year) {
    id unitCode unitName title year postedFrom postingEnds ended total
    rows(first: $first) { nodes { name subjectKind level } pageInfo { hasNextPage endCursor } }
  }
}"""
POSTING_QUERY = """query PostingPage($id: String!, $after: String, $first: Int!) {
  posting(id: $id) {
    id unitCode unitName title year postedFrom postingEnds ended total
    rows(first: $first, after: $after) {
      nodes { name subjectKind level } pageInfo { hasNextPage endCursor }
    }
  }
}"""
VERIFY_QUERY = """query VerifyPage($code: String!) {
  verifyCertificate(code: $code) {
    code number status statusText titleName year level holderName unitName
    decisionNumber decisionDate validUntil revokedOn
  }
}"""


# -- formats -----------------------------------------------------------------------------------


def money(value: Any) -> str:
    """``"1234567"`` → ``1.234.567 đ`` (Vietnamese thousands separator)."""
    amount = int(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}{abs(amount):,} đ".replace(",", ".")


def day(iso: str | None) -> str:
    """``2025-01-31`` → ``31/01/2025``; empty for nothing."""
    if not iso:
        return ""
    return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# -- the page frame ----------------------------------------------------------------------------


def document(title: str, body: str, *, crumbs: str = "") -> str:
    """A whole page: ``lang="vi"``, one stylesheet of the gateway's own, no script."""
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · Khuyến học</title>"
        '<link rel="stylesheet" href="/static/public/public.css"></head><body>'
        '<header class="top"><a class="brand" href="/cong-khai">Khuyến học · Công khai</a>'
        f"</header><main>{crumbs}<h1>{esc(title)}</h1>{body}</main>"
        '<footer class="foot">Nền tảng Khuyến học · Thông tin công khai, không cần đăng nhập'
        "</footer></body></html>"
    )
    return versioned(page)


def page(status: int, title: str, body: str) -> Answer:
    return status, dict(PAGE_HEADERS), document(title, body)


def error_page(status: int, text: str) -> Answer:
    title = {400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy"}.get(status, "Lỗi hệ thống")
    return page(status, title, f'<p class="notice bad" role="alert">{esc(text)}</p>')


def table(
    caption: str,
    headers: Iterable[str],
    rows: Iterable[Iterable[str]],
    numeric: set[int],
    wide: frozenset[int] = frozenset(),
    row_header: int = 0,
) -> str:
    """An accessible table: a caption, column headers, the cell ``row_header`` of a row (the
    name it is about) as its header; cells already escaped. Columns in ``numeric`` align
    right; columns in ``wide`` are left out on a phone's width (the files hold everything)."""

    def css(i: int) -> str:
        names = [name for name, on in (("num", i in numeric), ("wide", i in wide)) if on]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{css(i)}>{esc(h)}</th>' for i, h in enumerate(headers))
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            tag, end = ("th scope=row", "th") if i == row_header else ("td", "td")
            cells.append(f"<{tag}{css(i)}>{cell}</{end}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    if not lines:
        return f'<p class="empty">{esc(caption)}: chưa có.</p>'
    return (
        f'<div class="scroll"><table><caption>{esc(caption)}</caption><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(lines)}</tbody></table></div>"
    )


# -- the pages from the queries' answers (pure) ------------------------------------------------


def statement_page(s: Mapping[str, Any]) -> str:
    period = f"từ {day(s['from'])} đến {day(s['to'])}"
    summary = (
        '<dl class="figures">'
        f"<div><dt>Số dư đầu kỳ</dt><dd>{money(s['opening'])}</dd></div>"
        f"<div><dt>Tổng thu</dt><dd>{money(s['totalIn'])}</dd></div>"
        f"<div><dt>Tổng chi</dt><dd>{money(s['totalOut'])}</dd></div>"
        f"<div><dt>Số dư cuối kỳ</dt><dd>{money(s['closing'])}</dd></div></dl>"
    )
    money_in = table(
        "Thu theo nguồn",
        ("Nguồn", "Số lượt", "Số tiền"),
        ((esc(r["label"]), esc(r["count"]), money(r["amount"])) for r in s["moneyIn"]),
        {1, 2},
    )
    money_out = table(
        "Chi theo mục đích",
        ("Mục đích", "Số lượt", "Số tiền"),
        ((esc(r["label"]), esc(r["count"]), money(r["amount"])) for r in s["moneyOut"]),
        {1, 2},
    )
    earmarks = table(
        "Khoản chỉ định",
        ("Khoản", "Đầu kỳ", "Đã thu", "Đã chi", "Còn lại"),
        (
            (
                esc(e["name"]),
                money(e["opening"]),
                money(e["received"]),
                money(e["spent"]),
                money(e["closing"]),
            )
            for e in s["earmarks"]
        ),
        {1, 2, 3, 4},
        frozenset({1}),
    )
    donors = table(
        f"Nhà hảo tâm (ủng hộ từ {money(s['threshold'])})",
        ("Nhà hảo tâm", "Số lần", "Số tiền"),
        ((esc(d["name"]), esc(d["count"]), money(d["amount"])) for d in s["donors"]),
        {1, 2},
    )
    others = ""
    if s["othersCount"]:
        others = (
            f"<p>Và {esc(s['othersCount'])} lượt ủng hộ khác (ẩn danh hoặc dưới mức nêu tên): "
            f"{money(s['othersAmount'])}.</p>"
        )
    year = s["to"][:4]
    files = (
        '<ul class="files">'
        f'<li><a href="{esc(s["xlsxUrl"])}">Tải bảng công khai (Excel .xlsx)</a></li>'
        f'<li><a href="{esc(s["pdfUrl"])}">Tải bảng công khai (PDF)</a></li>'
        f'<li><a href="/cong-khai/vinh-danh/{quote(s["unitCode"])}/{esc(year)}">'
        f"Bảng vinh danh nhà hảo tâm năm {esc(year)}</a></li></ul>"
    )
    return (
        f'<p class="lead">{esc(s["unitName"])} · {esc(period)}</p>{summary}'
        f"<h2>Thu</h2>{money_in}<h2>Chi</h2>{money_out}<h2>Khoản chỉ định</h2>{earmarks}"
        f"<h2>Nhà hảo tâm</h2>{donors}{others}<h2>Tải về</h2>{files}"
        f"{period_form(s['unitCode'], s['from'], s['to'])}"
    )


def period_form(unit_code: str, start: str, end: str) -> str:
    return (
        f'<form class="ask" method="get" action="/cong-khai/quy/{quote(unit_code)}">'
        f'<label>Từ ngày <input type="date" name="tu" value="{esc(start)}" required></label>'
        f'<label>Đến ngày <input type="date" name="den" value="{esc(end)}" required></label>'
        "<button>Xem</button></form>"
        f'<p class="hint">Mỗi lần xem tối đa {MAX_PERIOD_DAYS} ngày.</p>'
    )


def honour_page(unit_name: str, unit_code: str, year: int, lines: list[Mapping[str, Any]]) -> str:
    rows = (
        (
            esc(line["rank"]),
            esc(line["name"]),
            esc(DONOR_KINDS.get(line["kind"], line["kind"])),
            esc(line["count"]),
            money(line["total"]),
        )
        for line in lines
    )
    files = f"/files/fund/{quote(unit_code)}/{year}/honour-roll"
    return (
        f'<p class="lead">{esc(unit_name)} · Năm {year}</p>'
        + table(
            "Nhà hảo tâm ủng hộ nhiều nhất",
            ("Hạng", "Nhà hảo tâm", "Đối tượng", "Số lần", "Tổng ủng hộ"),
            rows,
            {0, 3, 4},
            frozenset({2, 3}),
            row_header=1,
        )
        + f'<p class="hint">Hiển thị tối đa {HONOUR_ROLL_CAP} nhà hảo tâm; bảng đầy đủ:</p>'
        f'<ul class="files"><li><a href="{files}.xlsx">Tải bảng vinh danh (Excel .xlsx)</a></li>'
        f'<li><a href="{files}.pdf">Tải bảng vinh danh (PDF)</a></li>'
        f'<li><a href="/cong-khai/quy/{quote(unit_code)}?tu={year}-01-01&amp;den={year}-12-31">'
        f"Công khai quỹ năm {year}</a></li></ul>"
    )


def flat_posting(p: Mapping[str, Any]) -> dict[str, Any]:
    """A posting as the pages show it: its page of rows as a list, and the cursor to go on
    (``nextCursor``, None on the last page) from the rows' connection."""
    rows = p.get("rows") or {}
    info = rows.get("pageInfo") or {}
    going_on = info.get("endCursor") if info.get("hasNextPage") else None
    return {**p, "rows": rows.get("nodes") or [], "nextCursor": going_on}


def posting_section(p: Mapping[str, Any], first_number: int = 1) -> str:
    """One posted list: its title, period and state, a page of its rows (numbered from
    ``first_number``), and a link to the next page when the list goes on."""
    title = TITLE_NAMES.get(p["title"], p["title"])
    state = "Đã hết thời gian niêm yết" if p["ended"] else "Đang niêm yết"
    rows = (
        (
            esc(first_number + i),
            esc(r.get("name") or "—"),
            esc(SUBJECT_KINDS.get(r["subjectKind"], r["subjectKind"])),
            esc(r["level"] or ""),
        )
        for i, r in enumerate(p["rows"])
    )
    more = ""
    if p.get("nextCursor"):
        shown_to = first_number + len(p["rows"]) - 1
        query = urlencode({"sau": p["nextCursor"], "stt": shown_to + 1})
        more = (
            f'<p class="hint">Đã hiển thị {esc(first_number)}–{esc(shown_to)} trên tổng số '
            f'{esc(p["total"])} đối tượng. <a href="/cong-khai/danh-sach/{quote(p["id"], safe="")}'
            f'?{esc(query)}">Xem tiếp</a></p>'
        )
    return (
        f"<section><h2>{esc(title)} năm {esc(p['year'])}</h2>"
        f'<p><span class="tag {"warn" if p["ended"] else "ok"}">{state}</span> '
        f"từ {day(p['postedFrom'])} đến {day(p['postingEnds'])} · "
        f"{esc(p['total'])} đối tượng</p>"
        + table(
            "Danh sách đề nghị công nhận",
            ("STT", "Tên", "Loại", "Mức độ"),
            rows,
            {0, 3},
            row_header=1,
        )
        + more
        + "</section>"
    )


NAMES_HINT = (
    '<p class="hint">Tên người được ghi theo quy định công khai của tỉnh '
    "(có thể chỉ ghi chữ cái đầu).</p>"
)


def postings_page(unit_name: str, year: int, postings: list[Mapping[str, Any]]) -> str:
    lead = f'<p class="lead">{esc(unit_name)} · Năm {year}</p>'
    if not postings:
        return lead + '<p class="empty">Hiện không có danh sách nào đang niêm yết.</p>'
    return lead + "".join(posting_section(p) for p in postings) + NAMES_HINT


def posting_page(p: Mapping[str, Any], first_number: int) -> str:
    back = f"/cong-khai/niem-yet/{quote(p['unitCode'])}/{esc(p['year'])}"
    return (
        f'<p class="lead">{esc(p.get("unitName") or p["unitCode"])} · Năm {esc(p["year"])}</p>'
        + posting_section(p, first_number)
        + NAMES_HINT
        + f'<p><a href="{back}">Các danh sách đang niêm yết của đơn vị</a></p>'
    )


def verify_form(code: str = "") -> str:
    return (
        '<form class="ask" method="get" action="/xac-minh">'
        f'<label>Mã tra cứu <input name="ma" value="{esc(code)}" maxlength="{CODE_MAX}" '
        'placeholder="Ví dụ 20-ABCD…" autocomplete="off" required></label>'
        "<button>Tra cứu</button></form>"
        '<p class="hint">Mã tra cứu in trên giấy công nhận, cạnh mã QR.</p>'
    )


def verification_page(found: Mapping[str, Any] | None, code: str) -> str:
    if found is None:
        return (
            f'<p class="notice bad" role="alert">{esc(message("public_certificate_not_found"))}'
            f"</p>{verify_form(code)}"
        )
    status = found["statusText"]
    if found.get("revokedOn"):
        status += f" ngày {day(found['revokedOn'])}"
    rows = [
        ("Danh hiệu", found["titleName"]),
        ("Năm", str(found["year"])),
        ("Mức độ", str(found["level"]) if found.get("level") else ""),
        ("Được công nhận", found["holderName"]),
        ("Đơn vị", found["unitName"]),
        ("Quyết định", f"Số {found['decisionNumber']} ngày {day(found['decisionDate'])}"),
        ("Có giá trị đến", day(found.get("validUntil"))),
        ("Số giấy công nhận", found["number"]),
        ("Mã tra cứu", found["code"]),
    ]
    items = "".join(
        f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>" for label, value in rows if value
    )
    css = CERTIFICATE_STATUS_CLASS.get(found["status"], "warn")
    return (
        f'<p class="notice {css}" role="status">{esc(status)}</p>'
        f'<dl class="card">{items}</dl>{verify_form()}'
    )


# -- the handlers --------------------------------------------------------------------------------


def parse_period(start: str | None, end: str | None, today: date) -> tuple[str, str]:
    """``?tu=&den=`` as ISO days; the current year up to today when both are absent. Raises
    ValueError with the Vietnamese reason."""
    if not start and not end:
        return date(today.year, 1, 1).isoformat(), today.isoformat()
    try:
        first = date.fromisoformat(start or "")
        last = date.fromisoformat(end or "")
    except ValueError:
        raise ValueError(message("public_period_format")) from None
    if last < first or last - first > timedelta(days=MAX_PERIOD_DAYS - 1):
        raise ValueError(message("public_period_range", days=MAX_PERIOD_DAYS))
    return first.isoformat(), last.isoformat()


def parse_year(text: str) -> int:
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValueError(message("public_year", low=MIN_YEAR, high=MAX_YEAR))
    return int(text)


def _valid_code(code: str) -> bool:
    return 0 < len(code) <= 16 and code.isalnum() and code.isascii()


def _failed(errors: list[dict[str, Any]]) -> Answer:
    first = errors[0]
    if (first.get("extensions") or {}).get("code") == "BAD_USER_INPUT":
        return error_page(400, str(first.get("message") or message("invalid_input")))
    return error_page(500, message("internal"))


def answer_statement(query: Query, unit_code: str, args: Mapping[str, str], today: date) -> Answer:
    if not _valid_code(unit_code):
        return error_page(404, message("unit_not_found"))
    try:
        start, end = parse_period(args.get("tu"), args.get("den"), today)
    except ValueError as bad:
        return error_page(400, str(bad))
    data, errors = query(STATEMENT_QUERY, {"unitCode": unit_code, "from": start, "to": end})
    if errors:
        return _failed(errors)
    found = (data or {}).get("publicFundStatement")
    if found is None:
        return error_page(404, message("unit_not_found"))
    return page(200, "Công khai Quỹ Khuyến học", statement_page(found))


def answer_honour_roll(query: Query, unit: Mapping[str, Any] | None, year_text: str) -> Answer:
    if unit is None:
        return error_page(404, message("unit_not_found"))
    try:
        year = parse_year(year_text)
    except ValueError as bad:
        return error_page(400, str(bad))
    data, errors = query(
        HONOUR_QUERY, {"unitCode": unit["code"], "year": year, "first": HONOUR_ROLL_CAP}
    )
    if errors:
        return _failed(errors)
    lines = (data or {}).get("honourRoll") or []
    body = honour_page(unit["name"], unit["code"], year, lines)
    return page(200, "Tôn vinh nhà hảo tâm", body)


def answer_postings(query: Query, unit: Mapping[str, Any] | None, year_text: str) -> Answer:
    if unit is None:
        return error_page(404, message("unit_not_found"))
    try:
        year = parse_year(year_text)
    except ValueError as bad:
        return error_page(400, str(bad))
    data, errors = query(
        POSTINGS_QUERY, {"unitCode": unit["code"], "year": year, "first": POSTING_ROWS_CAP}
    )
    if errors:
        return _failed(errors)
    postings: list[Mapping[str, Any]] = [
        flat_posting(p) for p in (data or {}).get("postings") or []
    ]
    return page(
        200, "Niêm yết danh sách đề nghị công nhận", postings_page(unit["name"], year, postings)
    )


def answer_posting(query: Query, posting_id: str, args: Mapping[str, str]) -> Answer:
    """One posted list, a page at a time (``?sau=<cursor>&stt=<first row's number>``)."""
    after = (args.get("sau") or "")[: CODE_MAX * 4] or None
    number = args.get("stt") or "1"
    first_number = int(number) if number.isdigit() and 0 < int(number) < 10**7 else 1
    data, errors = query(
        POSTING_QUERY,
        {"id": posting_id[: CODE_MAX * 2], "after": after, "first": POSTING_ROWS_CAP},
    )
    if errors:
        return _failed(errors)
    found = (data or {}).get("posting")
    if found is None:
        return error_page(404, message("public_posting_not_found"))
    return page(
        200, "Niêm yết danh sách đề nghị công nhận", posting_page(flat_posting(found), first_number)
    )


PAGES = {
    "quy": "Công khai quỹ",
    "vinh-danh": "Tôn vinh nhà hảo tâm",
    "niem-yet": "Niêm yết danh sách đề nghị công nhận",
}


def index_form(unit_code: str = "", year: str = "", chosen: str = "quy") -> str:
    options = "".join(
        f'<option value="{key}"{" selected" if key == chosen else ""}>{esc(label)}</option>'
        for key, label in PAGES.items()
    )
    return (
        '<form class="ask" method="get" action="/cong-khai">'
        f'<label>Mã đơn vị (xã, phường…) <input name="don-vi" value="{esc(unit_code)}" '
        'maxlength="16" inputmode="numeric" placeholder="Ví dụ 06184" required></label>'
        f'<label>Năm <input name="nam" value="{esc(year)}" maxlength="4" inputmode="numeric" '
        'placeholder="Ví dụ 2025" required></label>'
        f'<label>Xem <select name="xem">{options}</select></label>'
        "<button>Xem</button></form>"
        '<p class="hint">Tra cứu giấy công nhận: <a href="/xac-minh">Xác minh giấy công nhận</a>.'
        "</p>"
    )


def answer_index(args: Mapping[str, str]) -> Answer:
    """``/cong-khai``: a form naming a unit, a year and a page; filled in, a redirect there."""
    title = "Thông tin công khai"
    unit_code = (args.get("don-vi") or "").strip()
    year_text = (args.get("nam") or "").strip()
    chosen = args.get("xem") or "quy"
    if not unit_code and not year_text:
        return page(200, title, index_form())
    form = index_form(unit_code[:16], year_text[:4], chosen)
    if not _valid_code(unit_code):
        text = message("unit_not_found")
        return page(400, title, f'<p class="notice bad" role="alert">{esc(text)}</p>{form}')
    try:
        year = parse_year(year_text)
    except ValueError as bad:
        return page(400, title, f'<p class="notice bad" role="alert">{esc(bad)}</p>{form}')
    if chosen == "vinh-danh":
        address = f"/cong-khai/vinh-danh/{quote(unit_code)}/{year}"
    elif chosen == "niem-yet":
        address = f"/cong-khai/niem-yet/{quote(unit_code)}/{year}"
    else:
        address = statement_address(unit_code, f"{year}-01-01", f"{year}-12-31")
    headers = {**PAGE_HEADERS, "Location": address}
    return 303, headers, ""


def answer_verification(query: Query, args: Mapping[str, str]) -> Answer:
    code = (args.get("ma") or args.get("so") or "").strip()[:CODE_MAX]
    title = "Xác minh giấy công nhận"
    if not code:
        return page(200, title, verify_form())
    data, errors = query(VERIFY_QUERY, {"code": code})
    if errors:
        return _failed(errors)
    found = (data or {}).get("verifyCertificate")
    return page(200 if found else 404, title, verification_page(found, code))


def unit_by_code(rpc: Any, unit_code: str) -> dict[str, Any] | None:
    """The unit a public address names (the code is national: it names its province)."""
    if not _valid_code(unit_code):
        return None
    found: dict[str, Any] | None = rpc.registration.get_unit(unit_code)
    return found


def schema_query(rpc: Any) -> Query:
    """Run a document through the gateway's schema in-process, as an anonymous caller."""

    def run(text: str, variables: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
        context = SimpleNamespace(caller=None, rpc=rpc, secret=None, access_minutes=None)
        result = execute_query(text, variables, None, context)
        return result.data, [format_error(e) for e in result.errors or []]

    return run


def statement_address(unit_code: str, start: str, end: str) -> str:
    return f"/cong-khai/quy/{quote(unit_code)}?{urlencode({'tu': start, 'den': end})}"
