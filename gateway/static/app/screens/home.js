// The home of a unit (/app/don-vi/<code>?nam=<year>): each title's figures with a chart,
// progress against the targets, and drill-down to the units below with a breadcrumb back.

import * as api from "../api.js";
import { titleChart } from "../chart.js";
import { go, route, section } from "../router.js";
import { alertBox, el, link, loading, percent, provisionalBadge, show } from "../ui.js";

export const TITLES = [
  ["FAMILY", "Gia đình học tập"],
  ["CITIZEN", "Công dân học tập"],
  ["CLAN", "Dòng họ học tập"],
  ["COMMUNITY", "Cộng đồng học tập cấp thôn"],
  ["COMMUNE_COMMUNITY", "Cộng đồng học tập cấp xã"],
  ["UNIT", "Đơn vị học tập"],
];
export const LEVELS = {
  PROVINCE: "Cấp tỉnh",
  DISTRICT: "Cấp huyện",
  COMMUNE: "Cấp xã",
  HAMLET: "Thôn, tổ dân phố",
  BRANCH: "Chi hội",
};
export const FIRST_YEAR = 2016;

export function unitPath(code, year) {
  const path = `/app/don-vi/${encodeURIComponent(code)}`;
  return year ? `${path}?nam=${year}` : path;
}

function chosenYear() {
  const value = Number(new URLSearchParams(location.search).get("nam"));
  const now = new Date().getFullYear();
  return Number.isInteger(value) && value >= FIRST_YEAR && value <= now + 1 ? value : now;
}

const ANCESTORS = "parent { code name level parent { code name level parent { code name level } } }";
const HOME = `query UnitHome($code: String!, $year: Int!) {
  orgUnit(code: $code) {
    code name level path ${ANCESTORS}
    children { code name level kindName }
    stats(year: $year) {
      ${TITLES.map(([key]) => `${key}: title(title: ${key}) { registered reviewed recognised provisional provisionalReason }`).join("\n      ")}
    }
    progress(year: $year) {
      numerator denominator share met missing
      target { code label share provisional provisionalReason }
    }
  }
}`;

function breadcrumb(unit, homeCode, year) {
  const chain = [];
  for (let node = unit; node; node = node.parent) {
    chain.unshift(node);
    if (node.code === homeCode) break;
  }
  if (chain[0].code !== homeCode) chain.splice(0, chain.length - 1); // outside the officer's reach
  if (chain.length < 2) return null; // the officer's own unit: nothing to go back up to
  const items = chain.map((node, index) =>
    el(
      "li",
      {},
      index === chain.length - 1
        ? el("span", { "aria-current": "page", text: node.name })
        : link(unitPath(node.code, year), node.name),
    ),
  );
  return el("nav", { class: "crumbs", "aria-label": "Đơn vị cấp trên" }, el("ol", {}, items));
}

function yearPicker(code, year) {
  const now = new Date().getFullYear();
  const select = el("select", {
    id: "year",
    onchange: () => go(unitPath(code, select.value)),
  });
  for (let option = now + 1; option >= FIRST_YEAR; option -= 1) {
    select.append(el("option", { value: String(option), selected: option === year, text: String(option) }));
  }
  return el("div", { class: "field inline" }, el("label", { for: "year", text: "Năm" }), select);
}


function figures(stats) {
  return el(
    "section",
    { class: "titles", "aria-labelledby": "titles-heading" },
    el("h2", { id: "titles-heading", text: "Số liệu theo danh hiệu" }),
    el(
      "div",
      { class: "grid" },
      TITLES.map(([key, name]) => {
        const row = stats[key];
        const headingId = `title-${key}`;
        return el(
          "article",
          { class: "card title", "data-title": key, "aria-labelledby": headingId },
          el("h3", { id: headingId, text: name }),
          row.provisional ? provisionalBadge(row.provisionalReason) : null,
          el(
            "dl",
            { class: "numbers" },
            [["registered", "Đăng ký"], ["reviewed", "Bình xét"], ["recognised", "Công nhận"]].map(
              ([field, label]) =>
                el(
                  "div",
                  {},
                  el("dt", { text: label }),
                  el("dd", { "data-figure": field, text: row[field].toLocaleString("vi-VN") }),
                ),
            ),
          ),
          titleChart(name, row),
        );
      }),
    ),
  );
}


function progress(rows) {
  const section = el(
    "section",
    { class: "progress", "aria-labelledby": "progress-heading" },
    el("h2", { id: "progress-heading", text: "Tiến độ so với chỉ tiêu" }),
  );
  if (!rows.length) {
    section.append(el("p", { class: "hint", text: "Không có chỉ tiêu cho năm này." }));
    return section;
  }
  const body = rows.map((row) => {
    const verdict =
      row.met === null ? "Chưa đủ số liệu" : row.met ? "Đạt" : "Chưa đạt";
    const provisional = row.target.provisional;
    return el(
      "tr",
      { "data-target": row.target.code },
      el(
        "th",
        { scope: "row" },
        row.target.label,
        provisional ? provisionalBadge(row.target.provisionalReason) : null,
      ),
      el("td", { "data-label": "Chỉ tiêu", text: percent(row.target.share) }),
      el("td", { "data-label": "Đạt được", text: percent(row.share) }),
      el(
        "td",
        { "data-label": "Kết quả", class: row.met ? "met" : row.met === false ? "unmet" : "" },
        verdict,
        row.missing.length ? el("small", { text: row.missing.join(" ") }) : null,
      ),
    );
  });
  section.append(
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        {},
        el("caption", { class: "sr-only", text: "Tỉ lệ đạt được so với chỉ tiêu" }),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col", text: "Chỉ tiêu" }),
            el("th", { scope: "col", text: "Mức" }),
            el("th", { scope: "col", text: "Đạt được" }),
            el("th", { scope: "col", text: "Kết quả" }),
          ),
        ),
        el("tbody", {}, body),
      ),
    ),
  );
  return section;
}

function childrenList(unit, year) {
  const section = el(
    "section",
    { class: "children", "aria-labelledby": "children-heading" },
    el("h2", { id: "children-heading", text: "Đơn vị trực thuộc" }),
  );
  if (!unit.children.length) {
    section.append(el("p", { class: "hint", text: "Không có đơn vị trực thuộc." }));
    return section;
  }
  section.append(
    el(
      "ul",
      { class: "units" },
      unit.children.map((child) =>
        el(
          "li",
          {},
          link(unitPath(child.code, year), child.name, { "data-code": child.code }),
          el("span", { class: "level", text: child.kindName || LEVELS[child.level] || child.level }),
        ),
      ),
    ),
  );
  return section;
}

async function homeScreen(code) {
  const account = api.currentAccount();
  const year = chosenYear();
  loading("Đang tải số liệu…");
  let unit;
  try {
    unit = (await api.query(HOME, { code, year })).orgUnit;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return; // the sign-in screen took over
    show(
      "Không xem được",
      el("h1", { text: "Không xem được đơn vị này" }),
      alertBox(failure.message),
      el("p", {}, link(unitPath(account.unitCode, year), "Về đơn vị của tôi")),
    );
    return;
  }
  if (!unit) {
    show("Không tìm thấy", el("h1", { text: "Không tìm thấy đơn vị" }), alertBox(`Không có đơn vị mã ${code}.`));
    return;
  }
  show(
    unit.name,
    breadcrumb(unit, account.unitCode, year),
    el(
      "div",
      { class: "heading" },
      el("h1", { id: "unit-name", "data-code": unit.code, "data-year": String(year), text: unit.name }),
      yearPicker(unit.code, year),
    ),
    figures(unit.stats),
    progress(unit.progress),
    childrenList(unit, year),
  );
}

route(/^\/app\/don-vi\/([^/]+)$/, (found) => homeScreen(decodeURIComponent(found[1])));
section({ key: "home", label: "Tổng quan", href: (account) => unitPath(account.unitCode) });
