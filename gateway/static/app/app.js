// The officers' web app: sign-in and the home of a unit (figures, progress, drill-down).
// Addresses: /app/dang-nhap (sign-in), /app/don-vi/<code>?nam=<year> (a unit's home); "/" goes
// to the officer's own unit.

import * as api from "./api.js";
import { titleChart } from "./chart.js";

const TITLES = [
  ["FAMILY", "Gia đình học tập"],
  ["CITIZEN", "Công dân học tập"],
  ["CLAN", "Dòng họ học tập"],
  ["COMMUNITY", "Cộng đồng học tập cấp thôn"],
  ["COMMUNE_COMMUNITY", "Cộng đồng học tập cấp xã"],
  ["UNIT", "Đơn vị học tập"],
];
const LEVELS = {
  province: "Cấp tỉnh",
  district: "Cấp huyện",
  commune: "Cấp xã",
  hamlet: "Thôn, tổ dân phố",
  branch: "Chi hội",
};
const FIRST_YEAR = 2016;

const main = document.getElementById("main");
const who = document.getElementById("who");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function go(path, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  route();
}

function link(href, text, attrs = {}) {
  return el("a", {
    href,
    text,
    ...attrs,
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      go(href);
    },
  });
}

function show(title, ...content) {
  document.title = `${title} — Khuyến học`;
  main.replaceChildren(...content.filter((node) => node !== null && node !== undefined));
  main.focus();
}

function alertBox(message, kind = "error") {
  return el("p", { class: `alert ${kind}`, role: kind === "error" ? "alert" : "status", text: message });
}

// ---- sign-in -----------------------------------------------------------------------------

let notice = null; // a message for the next sign-in screen (expired session, signed out)

function signInScreen() {
  who.replaceChildren();
  const error = el("div", { id: "signin-error", "aria-live": "assertive" });
  if (notice) error.append(alertBox(notice.text, notice.kind));
  notice = null;
  const username = el("input", {
    id: "username", name: "username", autocomplete: "username", required: true,
    autocapitalize: "none", spellcheck: "false",
  });
  const password = el("input", {
    id: "password", name: "password", type: "password", autocomplete: "current-password", required: true,
  });
  const button = el("button", { type: "submit", id: "signin", text: "Đăng nhập" });
  const form = el(
    "form",
    { class: "card signin", novalidate: true, onsubmit: submit },
    el("h1", { text: "Đăng nhập" }),
    el("p", { class: "hint", text: "Dành cho cán bộ Hội Khuyến học và Ủy ban nhân dân các cấp." }),
    error,
    el("div", { class: "field" }, el("label", { for: "username", text: "Tên đăng nhập" }), username),
    el("div", { class: "field" }, el("label", { for: "password", text: "Mật khẩu" }), password),
    button,
  );
  async function submit(event) {
    event.preventDefault();
    error.replaceChildren();
    if (!username.value.trim() || !password.value) {
      error.append(alertBox("Vui lòng nhập tên đăng nhập và mật khẩu."));
      return;
    }
    button.disabled = true;
    button.textContent = "Đang đăng nhập…";
    try {
      const account = await api.signIn(username.value.trim(), password.value);
      go(unitPath(account.unitCode), true);
    } catch (failure) {
      password.value = "";
      error.append(alertBox(failure.message));
      button.disabled = false;
      button.textContent = "Đăng nhập";
      password.focus();
    }
  }
  show("Đăng nhập", form);
  username.focus();
}

// ---- home of a unit ----------------------------------------------------------------------

function unitPath(code, year) {
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

function signedInBar(account) {
  who.replaceChildren(
    el("span", { class: "name", text: account.fullName }),
    el("button", {
      type: "button", id: "signout", class: "secondary", text: "Đăng xuất",
      onclick: async () => {
        await api.signOut().catch(() => {});
        notice = { text: "Bạn đã đăng xuất.", kind: "info" };
        go("/app/dang-nhap", true);
      },
    }),
  );
}

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

function provisionalBadge(reason) {
  return el(
    "span",
    { class: "badge", title: reason || null },
    "Tạm thời",
    reason ? el("span", { class: "sr-only", text: `: ${reason}` }) : null,
  );
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

function percent(value) {
  if (value === null || value === undefined) return "—";
  return `${(value * 100).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`;
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
  signedInBar(account);
  const year = chosenYear();
  show("Đang tải", el("p", { class: "loading", role: "status", text: "Đang tải số liệu…" }));
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

// ---- routing -----------------------------------------------------------------------------

async function route() {
  const account = await api.resume();
  if (!account && api.takeResumeFailure()) notice = { text: api.EXPIRED_MESSAGE, kind: "error" };
  const path = location.pathname;
  if (path === "/app/dang-nhap" || !account) {
    if (account) return go(unitPath(account.unitCode), true);
    if (path !== "/app/dang-nhap") {
      sessionStorage.setItem("khuyenhoc.after", path + location.search);
      history.replaceState(null, "", "/app/dang-nhap");
    }
    return signInScreen();
  }
  const after = sessionStorage.getItem("khuyenhoc.after");
  if (after) {
    sessionStorage.removeItem("khuyenhoc.after");
    if (after.startsWith("/app/don-vi/")) return go(after, true);
  }
  const match = path.match(/^\/app\/don-vi\/([^/]+)$/);
  if (match) return homeScreen(decodeURIComponent(match[1]));
  return go(unitPath(account.unitCode), true);
}

api.whenExpired((message) => {
  notice = { text: message, kind: "error" };
  go("/app/dang-nhap", true);
});
window.addEventListener("popstate", route);
route();
