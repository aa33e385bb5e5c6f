// A unit's report (/app/bao-cao/<code>?tu=<from>&den=<to>): every section of the `report` query
// as tables (titles with both rates, progress against the targets with provisional badges, the
// fund, awards, the units below), with the xlsx/PDF downloads of the report and, per title and
// year, of the recognised list.

import * as api from "../api.js";
import { go, param, route, section } from "../router.js";
import {
  alertBox, day, downloadButton, el, field, link, loading, money, number, percent,
  provisionalBadge, show, table,
} from "../ui.js";
import { LEVELS, TITLES } from "./home.js";

// Who reads reports (gateway/access.py REPORT_READERS: every role but a partner system) and who
// reads the recognised lists, which name people (DECISION_READERS).
const READERS = [
  "PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER", "AUTHORITY",
  "FUND_MANAGER", "AUDITOR",
];
const LIST_READERS = [
  "PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER", "AUTHORITY", "AUDITOR",
];
const MAX_YEARS = 10;
const FIRST_YEAR = 2000;
const DEFAULT_SPAN = 5; // the five-year review

const PROGRESS_FIELDS = `numerator numeratorName denominator denominatorName share met missing
  target { code label share milestoneYear decision provisional provisionalReason }`;
const REPORT = `query UnitReport($code: String!, $from: Int!, $to: Int!) {
  report(unitCode: $code, fromYear: $from, toYear: $to) {
    fromYear toYear generatedOn issuer notes
    unit { code name level path scheme names { year name } }
    households population members membersShareOfPopulation branchesTotal
    branches { kind kindName count }
    titles { year title titleName registered recognised recognisedLevel1 recognisedLevel2
      denominator denominatorName rateOfRegistered rateOfDenominator }
    progress { ${PROGRESS_FIELDS} }
    progressByYear { year rows { ${PROGRESS_FIELDS} } }
    communityRatings { year level label source }
    awards { count amount byYear { year count amount } }
    fund { donationsTotal disbursedTotal balance byYear { year donationsTotal disbursedTotal balance } }
    children { code name level households population members donationsTotal
      registered { title count } recognised { title count } }
  }
}`;

const TITLE_NAMES = Object.fromEntries(TITLES);

// A unit's level (UnitLevel) in Vietnamese, as it reads inside a sentence ("cấp xã").
function levelName(level) {
  const name = level ? LEVELS[String(level).toUpperCase()] : null;
  return name ? name.toLowerCase() : level ? String(level) : "";
}

export function reportPath(code, from, to) {
  const path = `/app/bao-cao/${encodeURIComponent(code)}`;
  return from && to ? `${path}?tu=${from}&den=${to}` : path;
}

// The period in the address, or the last five years up to this one.
function chosenPeriod() {
  const now = new Date().getFullYear();
  let to = Number(param("den"));
  let from = Number(param("tu"));
  if (!Number.isInteger(to) || to < FIRST_YEAR || to > now + 1) to = now;
  if (!Number.isInteger(from) || from < FIRST_YEAR || from > to) from = to - DEFAULT_SPAN + 1;
  if (to - from + 1 > MAX_YEARS) from = to - MAX_YEARS + 1;
  return { from, to };
}

function yearSelect(id, chosen) {
  const now = new Date().getFullYear();
  const select = el("select", { id, name: id });
  for (let year = now + 1; year >= FIRST_YEAR; year -= 1) {
    select.append(el("option", { value: String(year), selected: year === chosen, text: String(year) }));
  }
  return select;
}

function periodForm(code, period) {
  const from = yearSelect("report-from", period.from);
  const to = yearSelect("report-to", period.to);
  const error = el("div", { id: "period-error", "aria-live": "assertive" });
  return el(
    "form",
    {
      class: "toolbar report-period",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        error.replaceChildren();
        const start = Number(from.value);
        const end = Number(to.value);
        if (start > end) {
          error.append(alertBox("Năm bắt đầu phải trước hoặc bằng năm kết thúc."));
          from.focus();
          return;
        }
        if (end - start + 1 > MAX_YEARS) {
          error.append(alertBox(`Một báo cáo gồm tối đa ${MAX_YEARS} năm.`));
          from.focus();
          return;
        }
        go(reportPath(code, start, end));
      },
    },
    field("Từ năm", from),
    field("Đến năm", to),
    el("button", { type: "submit", id: "report-show", text: "Xem báo cáo" }),
    error,
  );
}

function figure(name, value, attrs = {}) {
  return el("span", { "data-figure": name, ...attrs, text: value });
}

function facts(report) {
  const rows = [
    ["households", "Số hộ gia đình", number(report.households)],
    ["population", "Dân số", number(report.population)],
    ["members", "Số hội viên", number(report.members)],
    ["membersShareOfPopulation", "Tỷ lệ hội viên so với dân số", percent(report.membersShareOfPopulation)],
    ["branchesTotal", "Số chi hội", number(report.branchesTotal)],
  ];
  return el(
    "section",
    { class: "report-part", "aria-labelledby": "facts-heading" },
    el("h2", { id: "facts-heading", text: `Tổ chức hội và dân số (năm ${report.toYear})` }),
    el(
      "dl",
      { class: "report-facts" },
      rows.map(([key, label, value]) =>
        el("div", {}, el("dt", { text: label }), el("dd", {}, figure(key, value === "—" ? "Chưa nhập" : value))),
      ),
    ),
    report.branches.length
      ? table(
        "Chi hội theo loại",
        [
          { label: "Loại chi hội", cell: (row) => row.kindName },
          { label: "Số chi hội", cell: (row) => figure("count", number(row.count)) },
        ],
        report.branches,
        { rowAttrs: (row) => ({ "data-branch-kind": row.kind }) },
      )
      : null,
  );
}

function titleRows(report, account) {
  const lists = LIST_READERS.includes(account.role);
  const columns = [
    { label: "Năm", cell: (row) => String(row.year) },
    { label: "Danh hiệu", cell: (row) => row.titleName || TITLE_NAMES[row.title] },
    { label: "Đăng ký", cell: (row) => figure("registered", number(row.registered)) },
    { label: "Công nhận", cell: (row) => figure("recognised", number(row.recognised)) },
    { label: "Mức độ 1", cell: (row) => figure("recognisedLevel1", number(row.recognisedLevel1)) },
    { label: "Mức độ 2", cell: (row) => figure("recognisedLevel2", number(row.recognisedLevel2)) },
    { label: "Tỷ lệ công nhận / đăng ký", cell: (row) => figure("rateOfRegistered", percent(row.rateOfRegistered)) },
    {
      label: "Mẫu số (tổng số)",
      cell: (row) =>
        el(
          "span",
          {},
          figure("denominator", row.denominator === null ? "Chưa nhập" : number(row.denominator)),
          row.denominatorName ? el("small", { text: row.denominatorName }) : null,
        ),
    },
    { label: "Tỷ lệ công nhận / tổng số", cell: (row) => figure("rateOfDenominator", percent(row.rateOfDenominator)) },
  ];
  if (lists) {
    columns.push({
      label: "Danh sách công nhận",
      cell: (row) => {
        if (!row.recognised) return "—";
        const base = `/files/recognised/${encodeURIComponent(report.unit.code)}/${row.year}/${row.title}`;
        const name = `Danh sách ${row.titleName || row.title} ${row.year}`;
        return el(
          "span",
          { class: "list-downloads" },
          downloadButton("Excel", `${base}.xlsx`, `${name}.xlsx`, { "data-list": `${row.year}-${row.title}-xlsx`, "aria-label": `${name} (Excel)` }),
          downloadButton("PDF", `${base}.pdf`, `${name}.pdf`, { "data-list": `${row.year}-${row.title}-pdf`, "aria-label": `${name} (PDF)` }),
        );
      },
    });
  }
  return el(
    "section",
    { class: "report-part", "aria-labelledby": "titles-heading" },
    el("h2", { id: "titles-heading", text: "Danh hiệu học tập theo năm" }),
    el("p", {
      class: "hint",
      text: "Tỷ lệ công nhận / đăng ký: số được công nhận trên số đăng ký. Tỷ lệ công nhận / tổng số: số được công nhận trên mẫu số của chương trình (tổng số hộ, dòng họ, thôn, đơn vị, người lớn).",
    }),
    table("Danh hiệu học tập theo năm", columns, report.titles, {
      rowAttrs: (row) => ({ "data-year": String(row.year), "data-title": row.title }),
    }),
  );
}

function progressTable(caption, rows, id) {
  return table(
    caption,
    [
      {
        label: "Chỉ tiêu",
        cell: (row) =>
          el(
            "span",
            {},
            row.target.label,
            row.target.provisional ? provisionalBadge(row.target.provisionalReason) : null,
            row.target.provisional && row.target.provisionalReason
              ? el("small", { class: "provisional-reason", text: row.target.provisionalReason })
              : null,
          ),
      },
      { label: "Mức phải đạt", cell: (row) => figure("targetShare", percent(row.target.share)) },
      {
        label: "Tử số",
        cell: (row) => el("span", {}, figure("numerator", number(row.numerator)), el("small", { text: row.numeratorName })),
      },
      {
        label: "Mẫu số",
        cell: (row) => el("span", {}, figure("denominator", number(row.denominator)), el("small", { text: row.denominatorName })),
      },
      { label: "Đạt được", cell: (row) => figure("share", percent(row.share)) },
      {
        label: "Kết quả",
        cell: (row) =>
          el(
            "span",
            { class: row.met ? "met" : row.met === false ? "unmet" : "" },
            figure("met", row.met === null ? "Chưa đủ số liệu" : row.met ? "Đạt" : "Chưa đạt"),
            row.missing.length ? el("small", { text: row.missing.join(" ") }) : null,
          ),
      },
    ],
    rows,
    { empty: "Không có chỉ tiêu cho năm này.", rowAttrs: (row) => ({ "data-target": row.target.code, "data-progress": id }) },
  );
}

function progress(report) {
  const part = el(
    "section",
    { class: "report-part", "aria-labelledby": "progress-heading" },
    el("h2", { id: "progress-heading", text: `Tiến độ so với chỉ tiêu (năm ${report.toYear})` }),
    progressTable("Tiến độ so với chỉ tiêu", report.progress, String(report.toYear)),
  );
  const earlier = report.progressByYear.filter((year) => year.year !== report.toYear && year.rows.length);
  if (earlier.length) {
    part.append(
      el(
        "details",
        { class: "report-earlier" },
        el("summary", { text: `Tiến độ các năm trước (${earlier.map((year) => year.year).join(", ")})` }),
        earlier.flatMap((year) => [
          el("h3", { class: "report-year", text: `Năm ${year.year}` }),
          progressTable(`Tiến độ năm ${year.year}`, year.rows, String(year.year)),
        ]),
      ),
    );
  }
  return part;
}

function ratings(report) {
  return el(
    "section",
    { class: "report-part", "aria-labelledby": "ratings-heading" },
    el("h2", { id: "ratings-heading", text: "Xếp loại cộng đồng học tập cấp xã" }),
    table(
      "Xếp loại cộng đồng học tập cấp xã theo năm",
      [
        { label: "Năm", cell: (row) => String(row.year) },
        { label: "Xếp loại", cell: (row) => figure("rating", row.label || (row.level ? `Mức ${row.level}` : "Chưa xếp loại")) },
        { label: "Nguồn", cell: (row) => row.source },
      ],
      report.communityRatings,
      { empty: "Chưa có xếp loại trong giai đoạn này.", rowAttrs: (row) => ({ "data-year": String(row.year) }) },
    ),
  );
}

function awards(report) {
  return el(
    "section",
    { class: "report-part", "aria-labelledby": "awards-heading" },
    el("h2", { id: "awards-heading", text: "Khen thưởng, học bổng" }),
    el("p", {}, "Tổng cộng: ", figure("awards-count", number(report.awards.count)), " suất, ",
      figure("awards-amount", money(report.awards.amount)), "."),
    table(
      "Khen thưởng theo năm",
      [
        { label: "Năm", cell: (row) => String(row.year) },
        { label: "Số suất", cell: (row) => figure("count", number(row.count)) },
        { label: "Số tiền", cell: (row) => figure("amount", money(row.amount)) },
      ],
      report.awards.byYear,
      { empty: "Chưa có khen thưởng trong giai đoạn này.", rowAttrs: (row) => ({ "data-year": String(row.year) }) },
    ),
  );
}

function fund(report) {
  const totals = report.fund;
  return el(
    "section",
    { class: "report-part", "aria-labelledby": "fund-heading" },
    el("h2", { id: "fund-heading", text: "Quỹ khuyến học" }),
    el(
      "dl",
      { class: "report-facts" },
      [
        ["donationsTotal", "Tổng ủng hộ", totals.donationsTotal],
        ["disbursedTotal", "Tổng đã chi", totals.disbursedTotal],
        ["balance", `Số dư cuối năm ${report.toYear}`, totals.balance],
      ].map(([key, label, value]) => el("div", {}, el("dt", { text: label }), el("dd", {}, figure(`fund-${key}`, money(value))))),
    ),
    table(
      "Quỹ khuyến học theo năm",
      [
        { label: "Năm", cell: (row) => String(row.year) },
        { label: "Ủng hộ", cell: (row) => figure("donationsTotal", money(row.donationsTotal)) },
        { label: "Đã chi", cell: (row) => figure("disbursedTotal", money(row.disbursedTotal)) },
        { label: "Số dư cuối năm", cell: (row) => figure("balance", money(row.balance)) },
      ],
      totals.byYear,
      { rowAttrs: (row) => ({ "data-year": String(row.year) }) },
    ),
  );
}

function count(list, title) {
  const found = list.find((item) => item.title === title);
  return found ? found.count : 0;
}

function children(report, period) {
  const columns = [
    { label: "Đơn vị", cell: (row) => link(reportPath(row.code, period.from, period.to), row.name, { "data-code": row.code }) },
    { label: "Hộ gia đình", cell: (row) => figure("households", number(row.households)) },
    { label: "Dân số", cell: (row) => figure("population", number(row.population)) },
    { label: "Hội viên", cell: (row) => figure("members", number(row.members)) },
    ...TITLES.map(([key, name]) => ({
      label: `${name} (đăng ký / công nhận)`,
      cell: (row) =>
        el(
          "span",
          { "data-title": key },
          figure("registered", number(count(row.registered, key))),
          " / ",
          figure("recognised", number(count(row.recognised, key))),
        ),
    })),
    { label: "Ủng hộ quỹ", cell: (row) => figure("donationsTotal", money(row.donationsTotal)) },
  ];
  return el(
    "section",
    { class: "report-part report-children", "aria-labelledby": "report-children-heading" },
    el("h2", { id: "report-children-heading", text: `Đơn vị trực thuộc (năm ${report.toYear})` }),
    table("Số liệu các đơn vị trực thuộc", columns, report.children, {
      empty: "Không có đơn vị trực thuộc.",
      rowAttrs: (row) => ({ "data-child": row.code }),
    }),
  );
}

function notes(report) {
  if (!report.notes.length) return null;
  return el(
    "section",
    { class: "report-part", "aria-labelledby": "notes-heading" },
    el("h2", { id: "notes-heading", text: "Cách đọc số liệu" }),
    el("ul", { class: "report-notes" }, report.notes.map((note) => el("li", { text: note }))),
  );
}

function downloads(report) {
  const span = `${report.fromYear}-${report.toYear}`;
  const base = `/files/reports/${encodeURIComponent(report.unit.code)}/${span}`;
  const name = `Báo cáo ${report.unit.name} ${span}`;
  return el(
    "div",
    { class: "actions report-downloads" },
    downloadButton("Tải báo cáo Excel (.xlsx)", `${base}.xlsx`, `${name}.xlsx`, { id: "report-xlsx" }),
    downloadButton("Tải báo cáo PDF", `${base}.pdf`, `${name}.pdf`, { id: "report-pdf" }),
  );
}

async function reportScreen(code, account) {
  const period = chosenPeriod();
  loading("Đang lập báo cáo…");
  let report;
  try {
    report = (await api.query(REPORT, { code, from: period.from, to: period.to })).report;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return; // the sign-in screen took over
    show(
      "Không xem được báo cáo",
      el("h1", { text: "Không xem được báo cáo này" }),
      alertBox(failure.message),
      el("p", {}, link(reportPath(account.unitCode), "Về báo cáo của đơn vị tôi")),
    );
    return;
  }
  const unit = report.unit;
  const span = report.fromYear === report.toYear ? `năm ${report.toYear}` : `giai đoạn ${report.fromYear}–${report.toYear}`;
  show(
    `Báo cáo ${unit.name}`,
    el(
      "div",
      { class: "heading" },
      el("h1", {
        id: "report-title", "data-code": unit.code, "data-from": String(report.fromYear), "data-to": String(report.toYear),
        text: `Báo cáo ${unit.name}, ${span}`,
      }),
    ),
    el(
      "p",
      { class: "hint report-meta" },
      `${report.issuer} · ${levelName(unit.level)} · mã ${unit.code} · lập ngày ${day(report.generatedOn)}`,
      unit.scheme ? ` · theo bản đồ hành chính ${unit.scheme}` : "",
    ),
    periodForm(unit.code, period),
    downloads(report),
    facts(report),
    titleRows(report, account),
    progress(report),
    ratings(report),
    awards(report),
    fund(report),
    children(report, period),
    notes(report),
  );
}

route(/^\/app\/bao-cao\/([^/]+)$/, (found, account) => reportScreen(decodeURIComponent(found[1]), account));
section({
  key: "reports",
  label: "Báo cáo",
  href: (account) => reportPath(account.unitCode),
  roles: READERS,
  match: (path) => path.startsWith("/app/bao-cao/"),
});
