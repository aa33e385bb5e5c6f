// Administration (/app/quan-tri/<unit code>): an index of the admin screens of a unit, and the
// screens of a commune's organisation: branches (chi hội), hamlets (thôn, tổ dân phố) and the
// denominators (mẫu số) the targets are measured against. The province-level screens (criteria
// sets, webhooks, the notification log) are in admin-province.js. Every write goes through the
// GraphQL API, which decides who may; the screens only hide what an officer could not do.

import * as api from "../api.js";
import { route, section } from "../router.js";
import "./admin-province.js";
import {
  alertBox, busy, day, downloadButton, el, errorArea, field, link, loading, number, show, showError, table,
} from "../ui.js";
import { LEVELS } from "./home.js";

// --- who and where --------------------------------------------------------------------------------

// Roles that manage branches, hamlets and denominators in their subtree (BRANCH_MANAGERS).
export const ADMIN_ROLES = ["PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER"];

export const SCREENS = [
  {
    key: "chi-hoi", label: "Chi hội", roles: ADMIN_ROLES,
    about: "Thành lập, đổi tên, chuyển, giải thể chi hội; số hội viên; thôn của chi hội khu dân cư.",
  },
  {
    key: "thon", label: "Thôn, tổ dân phố", roles: ADMIN_ROLES,
    about: "Thêm, đổi tên, giải thể thôn, tổ dân phố; nhập danh sách từ tệp Excel.",
  },
  {
    key: "mau-so", label: "Mẫu số", roles: ADMIN_ROLES,
    about: "Dân số, số hộ, số người trưởng thành… theo năm, để tính tỉ lệ đạt chỉ tiêu.",
  },
  {
    key: "bo-tieu-chi", label: "Bộ tiêu chí", roles: ADMIN_ROLES,
    about: "Nội dung các bộ tiêu chí đang áp dụng; quản trị cấp tỉnh tải lên và áp dụng bộ tiêu chí riêng.",
  },
  {
    key: "thong-bao", label: "Nhật ký thông báo", roles: ADMIN_ROLES,
    about: "Tin nhắn, thư điện tử và webhook đã gửi, đang chờ hoặc lỗi; đăng ký nhận thư.",
  },
  {
    key: "webhooks", label: "Webhook đối tác", roles: ["PROVINCE_ADMIN"],
    about: "Địa chỉ của hệ thống đối tác nhận các sự kiện của tỉnh (có chữ ký).",
  },
];


export const BRANCH_KINDS = {
  RESIDENTIAL: "Chi hội khu dân cư/thôn",
  SCHOOL: "Chi hội trường học",
  CLAN: "Chi hội dòng họ",
  AGENCY: "Chi hội cơ quan, doanh nghiệp",
  BOARD: "Ban khuyến học",
};

export const HAMLET_KINDS = {
  THON: "Thôn",
  BAN: "Bản",
  AP: "Ấp",
  TO_DAN_PHO: "Tổ dân phố",
  KHU_PHO: "Khu phố",
};

export const DENOMINATOR_FIGURES = [
  ["population", "Dân số"],
  ["households", "Số hộ gia đình"],
  ["adults", "Số người trưởng thành"],
  ["clans", "Số dòng họ"],
  ["hamlets", "Số thôn, tổ dân phố"],
  ["units", "Số cơ quan, trường học, doanh nghiệp, đơn vị"],
  ["staff", "Số cán bộ, nhân viên"],
];

// --- queries --------------------------------------------------------------------------------------

const UNIT = `query AdminUnit($code: String!) {
  orgUnit(code: $code) {
    code name level kind kindName path validTo
    parent { code name level }
    children { code name level kind kindName validFrom validTo }
  }
}`;
const BRANCH_MEMBERS = `query BranchMembers($code: String!, $year: Int!) {
  orgUnit(code: $code) { children { code level stats(year: $year) { members } } }
}`;
const CREATE_BRANCH = `mutation CreateBranch($input: CreateBranchInput!) {
  createBranch(input: $input) { created branch { code name kindName } } }`;
const RENAME_BRANCH = `mutation RenameBranch($input: RenameBranchInput!) {
  renameBranch(input: $input) { branch { code name } } }`;
const MOVE_BRANCH = `mutation MoveBranch($input: MoveBranchInput!) {
  moveBranch(input: $input) { branch { code name parent { code name } } } }`;
const CLOSE_BRANCH = `mutation CloseBranch($input: CloseBranchInput!) {
  closeBranch(input: $input) { branch { code name validTo } } }`;
const SET_MEMBERS = `mutation SetBranchMembers($input: BranchMembersInput!) {
  setBranchMembers(input: $input) { code year count } }`;
const SET_BRANCH_HAMLET = `mutation SetBranchHamlet($input: SetBranchHamletInput!) {
  setBranchHamlet(input: $input) { hamletCode branch { code name } } }`;
const CREATE_HAMLET = `mutation CreateHamlet($input: CreateHamletInput!) {
  createHamlet(input: $input) { created hamlet { code name kindName } } }`;
const RENAME_HAMLET = `mutation RenameHamlet($input: RenameHamletInput!) {
  renameHamlet(input: $input) { hamlet { code name } } }`;
const CLOSE_HAMLET = `mutation CloseHamlet($input: CloseHamletInput!) {
  closeHamlet(input: $input) { hamlet { code name validTo } } }`;
const IMPORT_HAMLETS = `mutation ImportHamlets($input: ImportHamletsInput!) {
  importHamlets(input: $input) { created existing } }`;
const DENOMINATORS = `query Denominators($code: String!, $year: Int!) {
  orgUnit(code: $code) { denominators(year: $year) {
    year ${DENOMINATOR_FIGURES.map(([key]) => key).join(" ")} mountain incomplete
    sources { figure source asOf unitCode }
  } }
}`;
const SET_DENOMINATORS = `mutation SetDenominators($input: SetDenominatorsInput!) {
  setDenominators(input: $input) { unitCode denominators { year population households } } }`;
const IMPORT_DENOMINATORS = `mutation ImportDenominators($input: ImportDenominatorsInput!) {
  importDenominators(input: $input) { imported } }`;

// --- shared pieces (also used by admin-province.js) -------------------------------------------

const upper = (value) => String(value || "").toUpperCase();

export function adminPath(code, screen) {
  return `/app/quan-tri/${encodeURIComponent(code)}${screen ? `/${screen}` : ""}`;
}

export function today() {
  const now = new Date();
  const pad = (value) => String(value).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// A success (or info) line kept for the next drawing of the screen, then shown once.
let notice = null;

export function tell(text) {
  notice = text;
}

function takeNotice() {
  const text = notice;
  notice = null;
  return text ? el("div", { id: "admin-notice" }, alertBox(text, "info")) : null;
}

// Whether the officer's unit is this unit or one above it (the API decides; this only hides).
export function inReach(unit, account) {
  return String(unit.path).split("/").includes(account.unitCode);
}

// The unit, or a drawn refusal (null): unknown unit, a role without administration, out of reach.
export async function adminUnit(code, account, roles = ADMIN_ROLES) {
  loading();
  let unit;
  try {
    unit = (await api.query(UNIT, { code })).orgUnit;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return null;
    refuse("Không mở được trang quản trị", failure.message, account);
    return null;
  }
  if (!unit) {
    refuse("Không tìm thấy đơn vị", `Không có đơn vị mã ${code}.`, account);
    return null;
  }
  if (!roles.includes(account.role) || !inReach(unit, account)) {
    refuse(
      "Không có quyền quản trị",
      `Bạn không có quyền quản trị ${unit.name} (mã ${unit.code}): chỉ quản trị được đơn vị của mình và các đơn vị trực thuộc.`,
      account,
    );
    return null;
  }
  return unit;
}

function refuse(title, message, account) {
  show(
    title,
    el("h1", { id: "admin-refused", text: title }),
    alertBox(message),
    el("p", {}, link(adminPath(account.unitCode), "Về trang quản trị của đơn vị tôi")),
  );
}

export function levelOf(unit) {
  return upper(unit.level);
}

// The frame of every admin screen: where we are, the sections, a notice, then the content.
export function frame(unit, account, key, ...content) {
  const screen = SCREENS.find((entry) => entry.key === key);
  const title = screen ? screen.label : "Quản trị";
  const tabs = SCREENS.filter((entry) => entry.roles.includes(account.role)).map((entry) =>
    el(
      "li",
      {},
      link(adminPath(unit.code, entry.key), entry.label, { "aria-current": entry.key === key ? "page" : null }),
    ),
  );
  const up = unit.parent && unit.code !== account.unitCode && inReach(unit.parent, account)
    ? el("p", { class: "hint" }, "Đơn vị cấp trên: ", link(adminPath(unit.parent.code, key), unit.parent.name))
    : null;
  show(
    `${title} — ${unit.name}`,
    !key ? null : el(
      "nav",
      { class: "crumbs", "aria-label": "Vị trí trong trang quản trị" },
      el(
        "ol",
        {},
        el("li", {}, link(adminPath(unit.code), `Quản trị ${unit.name}`)),
        el("li", {}, el("span", { "aria-current": "page", text: title })),
      ),
    ),
    el("h1", { id: "admin-title", "data-code": unit.code, "data-screen": key || "index", text: `${title}: ${unit.name}` }),
    key ? el("nav", { class: "admin-tabs", "aria-label": "Các mục quản trị" }, el("ul", {}, tabs)) : null,
    up,
    takeNotice(),
    ...content,
  );
  const shown = document.getElementById("admin-notice");
  if (shown) shown.setAttribute("tabindex", "-1");
  if (shown) shown.focus();
}

// A form card: fields, a client-side check (a Vietnamese message or null), the call, and what
// to say once done (the screen is drawn again with that notice).
export function formCard({ id, title, fields, submit, check = () => null, send, done, redraw, note = null, danger = false }) {
  const errors = errorArea(`${id}-error`);
  const button = el("button", { type: "submit", id: `${id}-submit`, class: danger ? "danger" : null, text: submit });
  const form = el(
    "form",
    { class: "card admin-form", id, novalidate: true, "aria-labelledby": `${id}-heading` },
    el("h2", { id: `${id}-heading`, text: title }),
    note ? el("p", { class: "hint", text: note }) : null,
    errors,
    el("div", { class: "form-grid" }, fields),
    el("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const problem = check();
    if (problem) {
      errors.replaceChildren(alertBox(problem));
      return;
    }
    try {
      const result = await busy(button, "Đang gửi…", send);
      const text = done(result);
      if (redraw) {
        tell(text);
        await redraw();
      } else {
        errors.replaceChildren(alertBox(text, "info"));
      }
    } catch (failure) {
      if (failure.code === "UNAUTHENTICATED") return;
      showError(errors, failure);
    }
  });
  return form;
}

export function input(id, attrs = {}) {
  return el("input", { id, name: id, ...attrs });
}

export function choice(id, options, { blank = null, value = null } = {}) {
  return el(
    "select",
    { id, name: id },
    blank !== null ? el("option", { value: "", text: blank }) : null,
    Object.entries(options).map(([key, label]) => el("option", { value: key, text: label, selected: key === value })),
  );
}

export function yearInput(id, value) {
  return input(id, { type: "number", inputmode: "numeric", min: "2000", max: "2100", value: String(value) });
}

export function validYear(text) {
  const year = Number(text);
  return Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : null;
}

// An upload: a template to fill in, a file picker, progress, and every row's error listed.
export function uploadCard({ id, title, template, templateName, note, mutation, key, done, redraw }) {
  const picker = input(`${id}-file`, { type: "file", accept: ".xlsx,.csv" });
  const errors = errorArea(`${id}-error`);
  const bar = el("progress", { id: `${id}-progress`, max: "100", value: "0", hidden: true });
  const button = el("button", { type: "submit", id: `${id}-submit`, text: "Tải lên" });
  const form = el(
    "form",
    { class: "card admin-form", id, novalidate: true, "aria-labelledby": `${id}-heading` },
    el("h2", { id: `${id}-heading`, text: title }),
    el("p", { class: "hint", text: note }),
    el("p", {}, downloadButton("Tải tệp mẫu (.xlsx)", template, templateName, { id: `${id}-template` })),
    errors,
    field("Tệp Excel hoặc CSV", picker, { required: true, hint: "Có dòng lỗi thì không dòng nào được ghi." }),
    bar,
    el("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const chosen = picker.files[0];
    if (!chosen) {
      errors.replaceChildren(alertBox("Vui lòng chọn tệp cần tải lên."));
      return;
    }
    if (!/\.(xlsx|csv)$/i.test(chosen.name)) {
      errors.replaceChildren(alertBox("Chỉ nhận tệp .xlsx hoặc .csv."));
      return;
    }
    bar.hidden = false;
    bar.value = 0;
    try {
      const result = await busy(button, "Đang tải lên…", async () => {
        const content = await api.base64(chosen);
        return api.sendWithProgress(mutation, { input: { fileName: chosen.name, content } }, (share) => {
          bar.value = Math.round(share * 100);
        });
      });
      tell(done(result[key], chosen.name));
      await redraw();
    } catch (failure) {
      bar.hidden = true;
      if (failure.code === "UNAUTHENTICATED") return;
      // one message per wrong row: the API joins them; each starts a new line here
      const lines = String(failure.message).split(/\s(?=(?:Dòng|Hàng) \d)/);
      errors.replaceChildren(
        el(
          "div",
          { class: "alert error", role: "alert" },
          el("p", { text: `Không ghi nhận tệp ${chosen.name}: có lỗi, chưa dòng nào được ghi.` }),
          el("ul", { class: "row-errors" }, lines.map((line) => el("li", { text: line }))),
        ),
      );
    }
  });
  return form;
}

// The units below, each a link to the same screen there (to reach a commune from above).
function drillDown(unit, screen, wanted) {
  const children = unit.children.filter((child) => !child.validTo);
  return el(
    "section",
    { class: "card", "aria-labelledby": "drill-heading" },
    el("h2", { id: "drill-heading", text: wanted }),
    children.length
      ? el(
        "ul",
        { class: "units" },
        children.map((child) =>
          el(
            "li",
            {},
            link(adminPath(child.code, screen), child.name, { "data-code": child.code }),
            el("span", { class: "level", text: child.kindName || LEVELS[upper(child.level)] || child.level }),
          ),
        ),
      )
      : el("p", { class: "hint", text: "Không có đơn vị trực thuộc." }),
  );
}

const open = (child) => !child.validTo || child.validTo >= today();

// --- the index ------------------------------------------------------------------------------------

async function indexScreen(code, account) {
  const unit = await adminUnit(code, account);
  if (!unit) return;
  const level = levelOf(unit);
  const cards = SCREENS.filter((entry) => entry.roles.includes(account.role)).map((entry) =>
    el(
      "li",
      { class: "card admin-entry" },
      el("h2", {}, link(adminPath(unit.code, entry.key), entry.label, { "data-screen": entry.key })),
      el("p", { class: "hint", text: entry.about }),
    ),
  );
  frame(
    unit,
    account,
    null,
    el("p", { class: "hint", text: `${LEVELS[level] || unit.level} · mã ${unit.code}` }),
    el("ul", { class: "grid admin-index" }, cards),
  );
}

// --- branches (chi hội) ---------------------------------------------------------------------------

async function branchesScreen(code, account) {
  const unit = await adminUnit(code, account);
  if (!unit) return;
  if (levelOf(unit) !== "COMMUNE") {
    frame(unit, account, "chi-hoi", el("p", { class: "hint", text: "Chi hội thuộc cấp xã: chọn xã, phường, thị trấn." }),
      drillDown(unit, "chi-hoi", "Chọn đơn vị"));
    return;
  }
  const year = new Date().getFullYear();
  const branches = unit.children.filter((child) => upper(child.level) === "BRANCH" && open(child));
  const hamlets = unit.children.filter((child) => upper(child.level) === "HAMLET" && open(child));
  let members = {};
  try {
    const found = (await api.query(BRANCH_MEMBERS, { code: unit.code, year })).orgUnit;
    members = Object.fromEntries(found.children.map((child) => [child.code, child.stats.members]));
  } catch {
    members = {}; // the figures are a help, not the point of the screen
  }
  const redraw = () => branchesScreen(code, account);
  const editor = el("div", { id: "branch-editor" });
  const list = table(
    `Chi hội của ${unit.name}`,
    [
      { label: "Mã", cell: (row) => row.code },
      { label: "Tên chi hội", cell: (row) => el("span", { class: "unit-name", text: row.name }) },
      { label: "Loại", cell: (row) => row.kindName || BRANCH_KINDS[upper(row.kind)] || "—" },
      { label: `Hội viên ${year}`, cell: (row) => number(members[row.code]) },
      {
        label: "Thao tác",
        cell: (row) =>
          el("button", {
            type: "button", class: "plain", "data-edit": row.code, text: "Sửa",
            "aria-label": `Sửa chi hội ${row.name}`,
            onclick: () => {
              document.getElementById("admin-notice")?.remove();
              editor.replaceChildren(branchEditor(row, unit, hamlets, year, redraw));
              editor.querySelector("input, select").focus();
            },
          }),
      },
    ],
    branches,
    { empty: "Xã này chưa có chi hội nào.", rowAttrs: (row) => ({ "data-branch": row.code }) },
  );
  const name = input("branch-name", { maxlength: "200", autocomplete: "off" });
  const kind = choice("branch-kind", BRANCH_KINDS, { blank: "— Chọn loại chi hội —" });
  const opened = input("branch-opened", { type: "date", max: "2100-12-31" });
  frame(
    unit,
    account,
    "chi-hoi",
    el("section", { "aria-labelledby": "branches-heading" }, el("h2", { id: "branches-heading", text: `Các chi hội (${branches.length})` }), list),
    editor,
    formCard({
      id: "branch-create",
      title: "Thành lập chi hội",
      submit: "Thành lập",
      fields: [
        field("Tên chi hội", name, { required: true }),
        field("Loại chi hội", kind, { required: true }),
        field("Ngày thành lập", opened, { hint: "Để trống: hôm nay." }),
      ],
      check: () => (!name.value.trim() ? "Vui lòng nhập tên chi hội." : !kind.value ? "Vui lòng chọn loại chi hội." : null),
      send: () =>
        api.query(CREATE_BRANCH, {
          input: { communeCode: unit.code, name: name.value.trim(), kind: kind.value, openedOn: opened.value || null },
        }),
      done: (data) => {
        const branch = data.createBranch.branch;
        return data.createBranch.created === false
          ? `Chi hội “${branch.name}” (mã ${branch.code}) đã có từ trước.`
          : `Đã thành lập chi hội “${branch.name}” (mã ${branch.code}).`;
      },
      redraw,
    }),
  );
}

function branchEditor(branch, commune, hamlets, year, redraw) {
  const id = (part) => `edit-${part}`;
  const newName = input(id("name"), { value: branch.name, maxlength: "200", autocomplete: "off" });
  const renameOn = input(id("rename-on"), { type: "date" });
  const memberYear = yearInput(id("members-year"), year);
  const count = input(id("members-count"), { type: "number", inputmode: "numeric", min: "0" });
  const hamlet = el(
    "select",
    { id: id("hamlet") },
    el("option", { value: "", text: "— Chọn thôn —" }),
    hamlets.map((row) => el("option", { value: row.code, text: `${row.name} (${row.code})` })),
  );
  const target = input(id("move-to"), { inputmode: "numeric", maxlength: "5", autocomplete: "off" });
  const moveOn = input(id("move-on"), { type: "date", value: today() });
  const closeOn = input(id("close-on"), { type: "date", value: today() });
  const residential = upper(branch.kind) === "RESIDENTIAL";
  return el(
    "section",
    { class: "editor", "aria-labelledby": "editor-heading", "data-branch": branch.code },
    el("h2", { id: "editor-heading", text: `Sửa chi hội: ${branch.name} (${branch.code})` }),
    el("p", {}, el("button", { type: "button", class: "plain", text: "Đóng phần sửa", onclick: () => redraw() })),
    formCard({
      id: "branch-rename",
      title: "Đổi tên",
      submit: "Đổi tên",
      fields: [field("Tên mới", newName, { required: true }), field("Từ ngày", renameOn, { hint: "Để trống: hôm nay." })],
      check: () => (!newName.value.trim() ? "Vui lòng nhập tên mới." : newName.value.trim() === branch.name ? "Tên mới trùng tên hiện tại." : null),
      send: () => api.query(RENAME_BRANCH, { input: { code: branch.code, name: newName.value.trim(), on: renameOn.value || null } }),
      done: (data) => `Đã đổi tên chi hội ${branch.code} thành “${data.renameBranch.branch.name}”.`,
      redraw,
    }),
    formCard({
      id: "branch-members",
      title: "Số hội viên",
      submit: "Lưu số hội viên",
      fields: [field("Năm", memberYear, { required: true }), field("Số hội viên", count, { required: true })],
      check: () =>
        validYear(memberYear.value) === null ? "Năm không hợp lệ." :
          count.value === "" || !Number.isInteger(Number(count.value)) || Number(count.value) < 0 ? "Số hội viên phải là số nguyên không âm." : null,
      send: () => api.query(SET_MEMBERS, { input: { code: branch.code, year: validYear(memberYear.value), count: Number(count.value) } }),
      done: (data) => `Đã ghi ${number(data.setBranchMembers.count)} hội viên năm ${data.setBranchMembers.year} cho chi hội ${branch.name}.`,
      redraw,
    }),
    residential
      ? formCard({
        id: "branch-hamlet",
        title: "Thôn của chi hội",
        submit: "Gắn thôn",
        note: "Chi hội khu dân cư gắn với một thôn, tổ dân phố của xã.",
        fields: [field("Thôn, tổ dân phố", hamlet, { required: true })],
        check: () => (!hamlet.value ? "Vui lòng chọn thôn." : null),
        send: () => api.query(SET_BRANCH_HAMLET, { input: { branchCode: branch.code, hamletCode: hamlet.value } }),
        done: (data) => `Đã gắn chi hội ${branch.name} với thôn ${data.setBranchHamlet.hamletCode}.`,
        redraw,
      })
      : null,
    formCard({
      id: "branch-move",
      title: "Chuyển sang xã khác",
      submit: "Chuyển",
      note: "Chi hội mới (mã mới) được lập ở xã nhận; chi hội cũ kết thúc trước ngày chuyển một ngày, giữ lịch sử.",
      fields: [field("Mã xã nhận", target, { required: true, hint: "5 chữ số" }), field("Từ ngày", moveOn, { required: true })],
      check: () => (!/^\d{5}$/.test(target.value.trim()) ? "Mã xã gồm 5 chữ số." : target.value.trim() === commune.code ? "Chi hội đang thuộc xã này." : !moveOn.value ? "Vui lòng chọn ngày chuyển." : null),
      send: () => api.query(MOVE_BRANCH, { input: { code: branch.code, toUnitCode: target.value.trim(), on: moveOn.value } }),
      done: (data) => {
        const moved = data.moveBranch.branch;
        return `Đã chuyển chi hội ${branch.name} sang ${moved.parent ? moved.parent.name : target.value} (mã mới ${moved.code}).`;
      },
      redraw,
    }),
    formCard({
      id: "branch-close",
      title: "Giải thể",
      submit: "Giải thể chi hội",
      danger: true,
      note: "Chi hội kết thúc vào ngày đã chọn; số liệu đã có vẫn được giữ.",
      fields: [field("Ngày giải thể", closeOn, { required: true })],
      check: () => (!closeOn.value ? "Vui lòng chọn ngày giải thể." : null),
      send: () => api.query(CLOSE_BRANCH, { input: { code: branch.code, on: closeOn.value } }),
      done: () => `Đã giải thể chi hội ${branch.name} từ ngày ${day(closeOn.value)}.`,
      redraw,
    }),
  );
}

// --- hamlets (thôn, tổ dân phố) -------------------------------------------------------------------

async function hamletsScreen(code, account) {
  const unit = await adminUnit(code, account);
  if (!unit) return;
  const redraw = () => hamletsScreen(code, account);
  const upload = uploadCard({
    id: "hamlets-import",
    title: "Nhập thôn từ tệp",
    template: "/files/templates/hamlets.xlsx",
    templateName: "mau-thon.xlsx",
    note: "Mỗi dòng một thôn: mã xã, tên thôn (có thể nhiều xã trong đơn vị của bạn).",
    mutation: IMPORT_HAMLETS,
    key: "importHamlets",
    done: (result, name) => `Đã nhập tệp ${name}: ${number(result.created)} thôn mới, ${number(result.existing)} thôn đã có.`,
    redraw,
  });
  if (levelOf(unit) !== "COMMUNE") {
    frame(unit, account, "thon", drillDown(unit, "thon", "Chọn đơn vị"), upload);
    return;
  }
  const hamlets = unit.children.filter((child) => upper(child.level) === "HAMLET" && open(child));
  const editor = el("div", { id: "hamlet-editor" });
  const list = table(
    `Thôn, tổ dân phố của ${unit.name}`,
    [
      { label: "Mã", cell: (row) => row.code },
      { label: "Tên", cell: (row) => el("span", { class: "unit-name", text: row.name }) },
      { label: "Loại", cell: (row) => row.kindName || HAMLET_KINDS[upper(row.kind)] || "—" },
      {
        label: "Thao tác",
        cell: (row) =>
          el("button", {
            type: "button", class: "plain", "data-edit": row.code, text: "Sửa",
            "aria-label": `Sửa ${row.name}`,
            onclick: () => {
              document.getElementById("admin-notice")?.remove();
              editor.replaceChildren(hamletEditor(row, redraw));
              editor.querySelector("input").focus();
            },
          }),
      },
    ],
    hamlets,
    { empty: "Xã này chưa có thôn, tổ dân phố nào.", rowAttrs: (row) => ({ "data-hamlet": row.code }) },
  );
  const name = input("hamlet-name", { maxlength: "200", autocomplete: "off" });
  const kind = choice("hamlet-kind", HAMLET_KINDS, { blank: "— Theo tên —" });
  const opened = input("hamlet-opened", { type: "date" });
  frame(
    unit,
    account,
    "thon",
    el("section", { "aria-labelledby": "hamlets-heading" }, el("h2", { id: "hamlets-heading", text: `Thôn, tổ dân phố (${hamlets.length})` }), list),
    editor,
    formCard({
      id: "hamlet-create",
      title: "Thêm thôn, tổ dân phố",
      submit: "Thêm",
      fields: [
        field("Tên thôn, tổ dân phố", name, { required: true, hint: "Ví dụ: Thôn Nà Lừa, Tổ dân phố 3" }),
        field("Loại", kind, { hint: "Để trống: đoán theo tên (Thôn, Bản, Tổ dân phố…)." }),
        field("Ngày thành lập", opened, { hint: "Để trống: hôm nay." }),
      ],
      check: () => (!name.value.trim() ? "Vui lòng nhập tên thôn, tổ dân phố." : null),
      send: () =>
        api.query(CREATE_HAMLET, {
          input: { communeCode: unit.code, name: name.value.trim(), kind: kind.value || null, openedOn: opened.value || null },
        }),
      done: (data) => {
        const hamlet = data.createHamlet.hamlet;
        return data.createHamlet.created === false
          ? `“${hamlet.name}” (mã ${hamlet.code}) đã có từ trước.`
          : `Đã thêm “${hamlet.name}” (mã ${hamlet.code}).`;
      },
      redraw,
    }),
    upload,
  );
}

function hamletEditor(hamlet, redraw) {
  const newName = input("hamlet-new-name", { value: hamlet.name, maxlength: "200", autocomplete: "off" });
  const renameOn = input("hamlet-rename-on", { type: "date" });
  const closeOn = input("hamlet-close-on", { type: "date", value: today() });
  return el(
    "section",
    { class: "editor", "aria-labelledby": "hamlet-editor-heading", "data-hamlet": hamlet.code },
    el("h2", { id: "hamlet-editor-heading", text: `Sửa: ${hamlet.name} (${hamlet.code})` }),
    el("p", {}, el("button", { type: "button", class: "plain", text: "Đóng phần sửa", onclick: () => redraw() })),
    formCard({
      id: "hamlet-rename",
      title: "Đổi tên",
      submit: "Đổi tên",
      fields: [field("Tên mới", newName, { required: true }), field("Từ ngày", renameOn, { hint: "Để trống: hôm nay." })],
      check: () => (!newName.value.trim() ? "Vui lòng nhập tên mới." : newName.value.trim() === hamlet.name ? "Tên mới trùng tên hiện tại." : null),
      send: () => api.query(RENAME_HAMLET, { input: { code: hamlet.code, name: newName.value.trim(), on: renameOn.value || null } }),
      done: (data) => `Đã đổi tên ${hamlet.code} thành “${data.renameHamlet.hamlet.name}”.`,
      redraw,
    }),
    formCard({
      id: "hamlet-close",
      title: "Giải thể, sáp nhập",
      submit: "Giải thể",
      danger: true,
      note: "Thôn kết thúc vào ngày đã chọn; lịch sử được giữ.",
      fields: [field("Ngày kết thúc", closeOn, { required: true })],
      check: () => (!closeOn.value ? "Vui lòng chọn ngày." : null),
      send: () => api.query(CLOSE_HAMLET, { input: { code: hamlet.code, on: closeOn.value } }),
      done: () => `Đã giải thể ${hamlet.name} từ ngày ${day(closeOn.value)}.`,
      redraw,
    }),
  );
}

// --- denominators (mẫu số) ------------------------------------------------------------------------

function chosenYear() {
  return validYear(new URLSearchParams(location.search).get("nam")) || new Date().getFullYear();
}

async function denominatorsScreen(code, account) {
  const unit = await adminUnit(code, account);
  if (!unit) return;
  const year = chosenYear();
  const redraw = () => denominatorsScreen(code, account);
  let current;
  try {
    current = (await api.query(DENOMINATORS, { code: unit.code, year })).orgUnit.denominators;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    frame(unit, account, "mau-so", alertBox(failure.message));
    return;
  }
  const sourceOf = Object.fromEntries((current.sources || []).map((row) => [row.figure, row]));
  const shownYear = yearInput("denominators-year", year);
  const picker = el(
    "form",
    {
      class: "toolbar", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = validYear(shownYear.value);
        if (chosen) {
          history.pushState(null, "", `${adminPath(unit.code, "mau-so")}?nam=${chosen}`);
          redraw();
        }
      },
    },
    field("Năm", shownYear),
    el("button", { type: "submit", class: "plain", text: "Xem" }),
  );
  const figures = table(
    `Mẫu số năm ${year}`,
    [
      { label: "Chỉ số", cell: (row) => row[1] },
      { label: "Giá trị", cell: (row) => el("span", { "data-figure": row[0], text: number(current[row[0]]) }) },
      { label: "Nguồn", cell: (row) => (sourceOf[row[0]] ? sourceOf[row[0]].source : null) },
      { label: "Số liệu tại ngày", cell: (row) => (sourceOf[row[0]] ? day(sourceOf[row[0]].asOf) : null) },
    ],
    DENOMINATOR_FIGURES,
  );
  const inputs = Object.fromEntries(
    DENOMINATOR_FIGURES.map(([key]) => [key, input(`den-${key}`, { type: "number", inputmode: "numeric", min: "0" })]),
  );
  const mountain = input("den-mountain", { type: "checkbox", checked: current.mountain });
  const source = input("den-source", { maxlength: "300", autocomplete: "off" });
  const asOf = input("den-as-of", { type: "date" });
  const given = () => DENOMINATOR_FIGURES.filter(([key]) => inputs[key].value !== "");
  frame(
    unit,
    account,
    "mau-so",
    picker,
    el(
      "section",
      { class: "card", "aria-labelledby": "den-heading" },
      el("h2", { id: "den-heading", text: `Mẫu số năm ${year}` }),
      el("p", { class: "hint", text: current.mountain ? "Vùng miền núi: áp dụng chỉ tiêu miền núi." : "Không thuộc vùng miền núi." }),
      current.incomplete.length
        ? el("p", { class: "hint", text: `Còn thiếu: ${current.incomplete.join(", ")}.` })
        : null,
      figures,
    ),
    formCard({
      id: "den-form",
      title: `Nhập mẫu số năm ${year}`,
      submit: "Lưu mẫu số",
      note: "Chỉ số để trống giữ nguyên giá trị cũ.",
      fields: [
        ...DENOMINATOR_FIGURES.map(([key, label]) => field(label, inputs[key])),
        field("Vùng miền núi", mountain),
        field("Nguồn số liệu", source, { required: true, hint: "Ví dụ: Niên giám thống kê tỉnh 2024" }),
        field("Số liệu tại ngày", asOf, { hint: "Để trống: hôm nay." }),
      ],
      check: () => {
        const wrong = given().find(([key]) => !Number.isInteger(Number(inputs[key].value)) || Number(inputs[key].value) < 0);
        if (wrong) return `${wrong[1]} phải là số nguyên không âm.`;
        if (!given().length && mountain.checked === current.mountain) return "Vui lòng nhập ít nhất một chỉ số.";
        if (!source.value.trim()) return "Vui lòng nhập nguồn số liệu.";
        return null;
      },
      send: () => {
        const payload = { unitCode: unit.code, year, source: source.value.trim(), mountain: mountain.checked, asOf: asOf.value || null };
        for (const [key] of given()) payload[key] = Number(inputs[key].value);
        return api.query(SET_DENOMINATORS, { input: payload });
      },
      done: () => `Đã lưu mẫu số năm ${year} của ${unit.name}: ${given().map(([, label]) => label.toLowerCase()).join(", ") || "vùng miền núi"}.`,
      redraw,
    }),
    uploadCard({
      id: "den-import",
      title: "Nhập mẫu số từ tệp",
      template: "/files/templates/denominators.xlsx",
      templateName: "mau-so.xlsx",
      note: "Nhiều đơn vị và nhiều năm trong một tệp; chỉ các đơn vị thuộc quyền của bạn.",
      mutation: IMPORT_DENOMINATORS,
      key: "importDenominators",
      done: (result, name) => `Đã nhập tệp ${name}: ${number(result.imported)} đơn vị-năm.`,
      redraw,
    }),
  );
}

// --- routes and the menu --------------------------------------------------------------------------

const code = (found) => decodeURIComponent(found[1]);
route(/^\/app\/quan-tri\/([^/]+)$/, (found, account) => indexScreen(code(found), account));
route(/^\/app\/quan-tri\/([^/]+)\/chi-hoi$/, (found, account) => branchesScreen(code(found), account));
route(/^\/app\/quan-tri\/([^/]+)\/thon$/, (found, account) => hamletsScreen(code(found), account));
route(/^\/app\/quan-tri\/([^/]+)\/mau-so$/, (found, account) => denominatorsScreen(code(found), account));
section({
  key: "admin",
  label: "Quản trị",
  href: (account) => adminPath(account.unitCode),
  roles: ADMIN_ROLES,
  match: (path) => path.startsWith("/app/quan-tri/"),
});
