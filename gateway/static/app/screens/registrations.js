// Registrations (menu "Đăng ký"): a unit's list for a year with search and filters, the add
// forms of every title, one registration's page (details, members, assessment, withdrawal) and
// the spreadsheet upload with its progress and row-level error file.
// Addresses: /app/dang-ky/<unit>?nam=&danh-hieu=&trang-thai=&tim= (list),
// /app/dang-ky/<unit>/moi?loai=… (add), /app/dang-ky/ho-so/<enrolmentId> (one registration),
// /app/dang-ky/<unit>/nhap (upload).

import * as api from "../api.js";
import { go, param, route, section } from "../router.js";
import {
  alertBox, busy, day, downloadButton, el, errorArea, field, link, loading, number, show, showError, table,
} from "../ui.js";
import { FIRST_YEAR, LEVELS, TITLES } from "./home.js";

// --- constants: roles, names of statuses and kinds, queries ---------------------------------

const REGISTRARS = ["PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER"];
const PAGE_SIZE = 20;
const POLL_MS = 800;
const MAX_FILE_BYTES = 50 * 1024 * 1024;

const TITLE_NAMES = Object.fromEntries(TITLES);
const STATUS_NAMES = { ENROLLED: "Đang đăng ký", WITHDRAWN: "Đã rút đăng ký" };
const JOB_STATUS_NAMES = {
  PENDING: "Đang chờ xử lý",
  RUNNING: "Đang nhập",
  DONE: "Đã nhập xong",
  FAILED: "Không nhập được",
};
const VERDICT_NAMES = {
  RECOGNISED: "Đủ điều kiện",
  NOT_RECOGNISED: "Chưa đạt",
  UNDECIDABLE: "Chưa thể kết luận",
};
const LABOUR_GROUPS = [
  ["RURAL", "Nông dân và lao động nông thôn"],
  ["WORKER", "Công nhân và lao động khác"],
  ["PROFESSIONAL", "Cán bộ, công chức, viên chức, doanh nhân"],
];
const UNIT_KINDS = [
  ["AGENCY", "Cơ quan"],
  ["SCHOOL", "Trường học"],
  ["ENTERPRISE", "Doanh nghiệp"],
  ["ARMED_FORCES", "Đơn vị vũ trang"],
];

// The kinds of registration by their address (?loai=): the mutation, its input and its list.
const KINDS = {
  ho: { title: "FAMILY", label: "Hộ gia đình (Gia đình học tập)", mutation: "registerHousehold", input: "RegisterHouseholdInput", list: "HOUSEHOLD" },
  "cong-dan": { title: "CITIZEN", label: "Công dân (Công dân học tập)", mutation: "registerCitizen", input: "RegisterCitizenInput", list: "CITIZEN" },
  "dong-ho": { title: "CLAN", label: "Dòng họ (Dòng họ học tập)", mutation: "registerClan", input: "RegisterClanInput", list: "CLAN" },
  "cong-dong": { title: "COMMUNITY", label: "Thôn, tổ dân phố (Cộng đồng học tập cấp thôn)", mutation: "registerCommunity", input: "RegisterCommunityInput", list: "COMMUNITY" },
  "cong-dong-xa": { title: "COMMUNE_COMMUNITY", label: "Xã, phường (Cộng đồng học tập cấp xã)", mutation: "registerCommuneCommunity", input: "RegisterCommuneCommunityInput", list: null },
  "don-vi": { title: "UNIT", label: "Cơ quan, trường học, doanh nghiệp (Đơn vị học tập)", mutation: "registerLearningUnit", input: "RegisterLearningUnitInput", list: "LEARNING_UNIT" },
};
// The lists a spreadsheet may hold (startImport's kind) and their templates.
const LIST_KINDS = [
  ["HOUSEHOLD", "household", "Hộ gia đình (Gia đình học tập)"],
  ["CITIZEN", "citizen", "Công dân (Công dân học tập)"],
  ["CLAN", "clan", "Dòng họ (Dòng họ học tập)"],
  ["COMMUNITY", "community", "Thôn, tổ dân phố (Cộng đồng học tập cấp thôn)"],
  ["LEARNING_UNIT", "learning_unit", "Đơn vị học tập"],
];

const UNIT = `query RegistrationUnit($code: String!) {
  orgUnit(code: $code) { code name level path children { code name level kindName } }
}`;
const LIST = `query RegistrationList($code: String!, $year: Int!, $title: Title, $status: EnrolmentStatus,
    $search: String, $after: String, $first: Int) {
  orgUnit(code: $code) {
    code name level
    subjects(year: $year, title: $title, status: $status, search: $search, after: $after, first: $first) {
      nodes { enrolmentId name kind title status year unitPath }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const DETAILS = `query Registration($id: String!) {
  registration(enrolmentId: $id) {
    enrolmentId subjectKind name title year status unitCode unitPath createdAt withdrawnAt withdrawReason
    address phone headName headBirthYear size learners clanName households people hamletCode
    unitKind unitLevel staff birthYear nationalIdLast4 labourGroup
    members { name relation birthYear learning }
  }
}`;
const ASSESSMENT = `query RegistrationAssessment($id: String!) {
  assessment(enrolmentId: $id) {
    status
    selfAssessment { at verdict { status level } }
    review { at agreed meetingDate verdict { status level } }
    recognition { decisionNumber decisionDate level }
  }
}`;
const WITHDRAW = `mutation WithdrawRegistration($input: WithdrawInput!) {
  withdrawRegistration(input: $input) { enrolmentId status }
}`;
const UPDATE = `mutation UpdateRegistration($input: UpdateRegistrationInput!) {
  updateRegistration(input: $input) { enrolmentId }
}`;
const START_IMPORT = `mutation StartImport($input: StartImportInput!) {
  startImport(input: $input) { id communeCode year status total done created duplicates failed errorReportUrl }
}`;
const IMPORT_JOB = `query ImportJob($id: String!) {
  importJob(id: $id) { id communeCode year status total done created duplicates failed errorReportUrl }
}`;
const registerMutation = (kind) => `mutation Register($input: ${kind.input}!) {
  ${kind.mutation}(input: $input) { enrolmentId created }
}`;

// --- addresses and small helpers -------------------------------------------------------------

export function listPath(code, query = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const tail = search.toString();
  return `/app/dang-ky/${encodeURIComponent(code)}${tail ? `?${tail}` : ""}`;
}
const addPath = (code, loai, year) =>
  `/app/dang-ky/${encodeURIComponent(code)}/moi?${new URLSearchParams({ ...(loai ? { loai } : {}), nam: String(year) })}`;
const uploadPath = (code, year) => `/app/dang-ky/${encodeURIComponent(code)}/nhap?nam=${year}`;
const recordPath = (id) => `/app/dang-ky/ho-so/${encodeURIComponent(id)}`;

function chosenYear() {
  const value = Number(param("nam"));
  const now = new Date().getFullYear();
  return Number.isInteger(value) && value >= FIRST_YEAR && value <= now + 1 ? value : now;
}

function yearSelect(id, year, onchange = null) {
  const now = new Date().getFullYear();
  const select = el("select", { id, onchange });
  for (let option = now + 1; option >= FIRST_YEAR; option -= 1) {
    select.append(el("option", { value: String(option), selected: option === year, text: String(option) }));
  }
  return select;
}

function options(select, pairs, chosen, blank = null) {
  if (blank !== null) select.append(el("option", { value: "", text: blank }));
  for (const [value, label] of pairs) {
    select.append(el("option", { value, selected: value === chosen, text: label }));
  }
  return select;
}

const isRegistrar = (account) => REGISTRARS.includes(account.role);

// A message for the next screen drawn (after a registration or a withdrawal).
let flash = null;
function takeFlash() {
  const message = flash;
  flash = null;
  return message ? alertBox(message, "info") : null;
}

function refused(title, failure, account) {
  show(
    title,
    el("h1", { text: title }),
    alertBox(failure.message || String(failure)),
    el("p", {}, link(listPath(account.unitCode), "Về danh sách đăng ký của đơn vị tôi")),
  );
}

async function loadUnit(code, account, title) {
  try {
    const unit = (await api.query(UNIT, { code })).orgUnit;
    if (!unit) throw new api.ApiError(`Không có đơn vị mã ${code}.`, "NOT_FOUND");
    return unit;
  } catch (failure) {
    if (failure.code !== "UNAUTHENTICATED") refused(title, failure, account);
    return null;
  }
}

// --- the list ---------------------------------------------------------------------------------

async function listScreen(code, account) {
  const year = chosenYear();
  const title = param("danh-hieu") || "";
  const status = param("trang-thai") || "";
  const search = param("tim") || "";
  loading("Đang tải danh sách đăng ký…");
  const variables = {
    code, year, title: title || null, status: status || null, search: search || null, first: PAGE_SIZE,
  };
  let first;
  try {
    first = (await api.query(LIST, { ...variables, after: null })).orgUnit;
  } catch (failure) {
    if (failure.code !== "UNAUTHENTICATED") refused("Không xem được danh sách", failure, account);
    return;
  }
  if (!first) {
    refused("Không tìm thấy", new Error(`Không có đơn vị mã ${code}.`), account);
    return;
  }
  const searchInput = el("input", { id: "reg-search", type: "search", value: search, autocomplete: "off" });
  const yearInput = yearSelect("reg-year", year);
  const titleInput = options(el("select", { id: "reg-title" }), TITLES, title, "Tất cả danh hiệu");
  const statusInput = options(el("select", { id: "reg-status" }), Object.entries(STATUS_NAMES), status, "Mọi trạng thái");
  const filters = el(
    "form",
    {
      class: "toolbar card", role: "search", "aria-label": "Tìm và lọc danh sách",
      onsubmit: (event) => {
        event.preventDefault();
        go(listPath(code, {
          nam: yearInput.value, "danh-hieu": titleInput.value, "trang-thai": statusInput.value,
          tim: searchInput.value.trim(),
        }));
      },
    },
    field("Tìm theo tên", searchInput, { hint: "Gõ có dấu hoặc không dấu, ví dụ: nguyen van an" }),
    field("Năm", yearInput),
    field("Danh hiệu", titleInput),
    field("Trạng thái", statusInput),
    el("button", { type: "submit", id: "reg-find", text: "Tìm" }),
  );

  const actions = el(
    "div",
    { class: "actions" },
    isRegistrar(account) ? link(addPath(code, null, year), "Thêm đăng ký", { class: "button", id: "reg-add" }) : null,
    isRegistrar(account) ? link(uploadPath(code, year), "Nhập danh sách từ tệp Excel", { class: "button plain", id: "reg-upload" }) : null,
    downloadButton("Tải danh sách (Excel)", `/files/exports/${encodeURIComponent(code)}/${year}.xlsx`,
      `dang-ky-${code}-${year}.xlsx`, { id: "reg-export" }),
  );

  const results = el("section", { id: "reg-results", "aria-labelledby": "reg-results-heading", tabindex: "-1" });
  const cursors = [null]; // the cursor of each page seen, to go back
  let index = 0;

  function drawPage(page) {
    const items = page.subjects.nodes;
    const heading = el("h2", { id: "reg-results-heading" },
      search ? `Kết quả tìm “${search}”` : "Các đăng ký",
      el("span", { class: "hint", text: ` — trang ${index + 1}` }));
    const rows = table(
      "Danh sách đăng ký",
      [
        { label: "Tên", cell: (row) => link(recordPath(row.enrolmentId), row.name, { "data-enrolment": row.enrolmentId }) },
        { label: "Danh hiệu", cell: (row) => TITLE_NAMES[row.title] || row.title },
        { label: "Đơn vị", cell: (row) => row.unitPath.split("/").pop() },
        { label: "Trạng thái", cell: (row) => statusBadge(row.status) },
      ],
      items,
      { empty: search ? "Không tìm thấy đăng ký nào khớp với tên đã nhập." : "Chưa có đăng ký nào cho năm này." },
    );
    const pager = el(
      "nav",
      { class: "pager", "aria-label": "Phân trang" },
      index > 0 ? el("button", { type: "button", class: "plain", id: "reg-prev", text: "‹ Trang trước", onclick: () => turn(index - 1) }) : null,
      (page.subjects.pageInfo.hasNextPage ? page.subjects.pageInfo.endCursor : null)
        ? el("button", {
            type: "button", class: "plain", id: "reg-next", text: "Trang sau ›",
            onclick: () => {
              cursors[index + 1] = (page.subjects.pageInfo.hasNextPage ? page.subjects.pageInfo.endCursor : null);
              turn(index + 1);
            },
          })
        : null,
    );
    results.replaceChildren(heading, rows, pager);
  }

  async function turn(to) {
    results.setAttribute("aria-busy", "true");
    try {
      const page = (await api.query(LIST, { ...variables, after: cursors[to] })).orgUnit;
      index = to;
      drawPage(page);
      results.focus();
    } catch (failure) {
      showError(results, failure);
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  show(
    `Đăng ký — ${first.name}`,
    takeFlash(),
    el("h1", { id: "reg-heading", "data-code": first.code, "data-year": String(year) }, `Danh sách đăng ký — ${first.name}`),
    actions,
    filters,
    results,
  );
  drawPage(first);
}

function statusBadge(status) {
  return el("span", {
    class: `status ${status === "ENROLLED" ? "ok" : "bad"}`, "data-status": status, text: STATUS_NAMES[status] || status,
  });
}

// --- the add forms ----------------------------------------------------------------------------

const NOW_YEAR = new Date().getFullYear();
const TEXT_MAX = 120;

// Field specs: [name, label, type, { required, hint, options }]; types: text, year, count,
// phone, id12, select. Values go into the mutation's input under `name`.
const FORMS = {
  ho: [
    ["headName", "Họ và tên chủ hộ", "text", { required: true }],
    ["headBirthYear", "Năm sinh chủ hộ", "year", {}],
    ["address", "Thôn, tổ dân phố", "text", { required: true, hint: "Ví dụ: Tổ dân phố số 5" }],
    ["phone", "Số điện thoại", "phone", { hint: "10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84" }],
    ["size", "Số nhân khẩu", "count", { hint: "Để trống: tính theo số thành viên nhập dưới đây" }],
    ["learners", "Số người đang đi học", "count", {}],
  ],
  "cong-dan": [
    ["fullName", "Họ và tên", "text", { required: true }],
    ["birthYear", "Năm sinh", "year", { required: true }],
    ["nationalId", "Số căn cước công dân", "id12", { required: true, hint: "12 chữ số; chỉ lưu dạng mã hóa và 4 số cuối" }],
    ["labourGroup", "Nhóm lao động", "select", { required: true, options: LABOUR_GROUPS, hint: "Quyết định bộ tiêu chí đánh giá" }],
    ["address", "Địa chỉ", "text", {}],
    ["phone", "Số điện thoại", "phone", { hint: "10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84" }],
    ["learningUnitId", "Mã đối tượng của đơn vị học tập (nếu có)", "text", { hint: "Đơn vị học tập mà công dân là thành viên" }],
  ],
  "dong-ho": [
    ["clanName", "Tên dòng họ", "text", { required: true, hint: "Ví dụ: Họ Nguyễn Văn (chi 2)" }],
    ["headName", "Trưởng tộc", "text", { required: true }],
    ["households", "Số hộ gia đình", "count", {}],
    ["people", "Số người", "count", {}],
    ["address", "Địa chỉ", "text", {}],
  ],
  "cong-dong": [
    ["households", "Số hộ gia đình", "count", {}],
  ],
  "cong-dong-xa": [],
  "don-vi": [
    ["name", "Tên đơn vị", "text", { required: true, hint: "Ví dụ: Trường Tiểu học Kim Đồng" }],
    ["unitKind", "Loại đơn vị", "select", { required: true, options: UNIT_KINDS }],
    ["staff", "Số cán bộ, nhân viên", "count", {}],
  ],
};

function inputFor([name, , type, spec]) {
  const id = `f-${name}`;
  if (type === "select") return options(el("select", { id, name }), spec.options, "", "— Chọn —");
  const attrs = { id, name, autocomplete: "off" };
  if (type === "year") Object.assign(attrs, { inputmode: "numeric", maxlength: "4" });
  if (type === "count") Object.assign(attrs, { inputmode: "numeric" });
  if (type === "phone") Object.assign(attrs, { type: "tel", inputmode: "tel" });
  if (type === "id12") Object.assign(attrs, { inputmode: "numeric", maxlength: "12" });
  if (type === "text") attrs.maxlength = String(TEXT_MAX);
  return el("input", attrs);
}

// One value checked as the server would: [value for the input, Vietnamese problem or null].
function checked(type, raw, label, required) {
  const value = raw.trim();
  if (!value) return [null, required ? `${label}: bắt buộc nhập.` : null];
  if (type === "text") return [value, value.length > TEXT_MAX ? `${label}: tối đa ${TEXT_MAX} ký tự.` : null];
  if (type === "select") return [value, null];
  if (type === "year") {
    const year = Number(value);
    const ok = /^\d{4}$/.test(value) && year >= 1900 && year <= NOW_YEAR;
    return [year, ok ? null : `${label}: nhập năm gồm 4 chữ số, từ 1900 đến ${NOW_YEAR}.`];
  }
  if (type === "count") {
    return [Number(value), /^\d{1,7}$/.test(value) ? null : `${label}: nhập một số nguyên không âm.`];
  }
  if (type === "phone") {
    const phone = value.replace(/[\s.]/g, "");
    return [phone, /^(0|\+84)\d{9,10}$/.test(phone) ? null : `${label}: số điện thoại không hợp lệ.`];
  }
  if (type === "id12") return [value, /^\d{12}$/.test(value) ? null : `${label}: phải gồm đúng 12 chữ số.`];
  return [value, null];
}

// A household's members: rows added and removed, each with name, relation, year and "learning".
function membersEditor(initial = []) {
  const rows = el("div", { id: "members", class: "members" });
  let counter = 0;
  function addRow(given = null) {
    if (rows.children.length >= 30) return;
    counter += 1;
    const n = counter;
    const name = el("input", { id: `m-name-${n}`, "data-member": "name", maxlength: String(TEXT_MAX), autocomplete: "off" });
    const relation = el("input", { id: `m-relation-${n}`, "data-member": "relation", maxlength: String(TEXT_MAX), list: "relations" });
    const birth = el("input", { id: `m-birth-${n}`, "data-member": "birthYear", inputmode: "numeric", maxlength: "4" });
    const learning = el("input", { id: `m-learning-${n}`, "data-member": "learning", type: "checkbox" });
    if (given) {
      name.value = given.name || "";
      relation.value = given.relation || "";
      birth.value = given.birthYear ? String(given.birthYear) : "";
      learning.checked = Boolean(given.learning);
    }
    const row = el(
      "fieldset",
      { class: "member card" },
      el("legend", { text: `Thành viên ${rows.children.length + 1}` }),
      el("div", { class: "form-grid" },
        field("Họ và tên", name, { required: true }),
        field("Quan hệ với chủ hộ", relation, { required: true }),
        field("Năm sinh", birth)),
      el("div", { class: "check" }, learning, el("label", { for: learning.id, text: "Đang đi học" })),
      el("button", {
        type: "button", class: "plain", text: "Xóa thành viên này",
        onclick: () => {
          row.remove();
          [...rows.querySelectorAll("legend")].forEach((legend, i) => { legend.textContent = `Thành viên ${i + 1}`; });
          add.focus();
        },
      }),
    );
    rows.append(row);
    if (!given) name.focus();
  }
  const add = el("button", { type: "button", class: "plain", id: "member-add", text: "+ Thêm thành viên", onclick: () => addRow() });
  const relations = el("datalist", { id: "relations" },
    ["Vợ", "Chồng", "Con", "Cha", "Mẹ", "Cháu", "Anh", "Chị", "Em"].map((r) => el("option", { value: r })));
  const box = el("section", { class: "members-box", "aria-labelledby": "members-heading" },
    el("h2", { id: "members-heading", text: "Thành viên trong hộ" }),
    el("p", { class: "hint", text: "Không bắt buộc; tối đa 30 thành viên." }),
    rows, relations, add);
  initial.forEach((member) => addRow(member));
  box.values = () => {
    const problems = [];
    const members = [...rows.children].map((row, i) => {
      const get = (key) => row.querySelector(`[data-member="${key}"]`);
      const label = `Thành viên ${i + 1}`;
      const [name, e1] = checked("text", get("name").value, `${label} — họ và tên`, true);
      const [relation, e2] = checked("text", get("relation").value, `${label} — quan hệ với chủ hộ`, true);
      const [birthYear, e3] = checked("year", get("birthYear").value, `${label} — năm sinh`, false);
      for (const [problem, input] of [[e1, get("name")], [e2, get("relation")], [e3, get("birthYear")]]) {
        if (problem) problems.push([problem, input]);
      }
      return { name, relation, birthYear, learning: get("learning").checked };
    });
    return [members, problems];
  };
  return box;
}

function kindChoice(code, year, unit) {
  show(
    "Thêm đăng ký",
    el("h1", { text: `Thêm đăng ký — ${unit.name}` }),
    el("p", { class: "hint", text: "Chọn đối tượng đăng ký danh hiệu học tập:" }),
    el("ul", { class: "units kinds" },
      Object.entries(KINDS).map(([loai, kind]) =>
        el("li", {}, link(addPath(code, loai, year), kind.label, { "data-kind": loai })))),
    el("p", {}, link(listPath(code, { nam: String(year) }), "‹ Về danh sách đăng ký")),
  );
}

async function addScreen(code, account) {
  if (!isRegistrar(account)) {
    refused("Không thêm được đăng ký", new Error("Tài khoản của bạn không có quyền đăng ký đối tượng."), account);
    return;
  }
  loading();
  const unit = await loadUnit(code, account, "Không thêm được đăng ký");
  if (!unit) return;
  const year = chosenYear();
  const loai = param("loai");
  const kind = KINDS[loai];
  if (!kind) return kindChoice(code, year, unit);

  const specs = FORMS[loai];
  const inputs = new Map(specs.map((spec) => [spec[0], inputFor(spec)]));
  const yearInput = yearSelect("f-year", year);
  const error = errorArea("reg-form-error");

  // Where it registers: the commune (or, for a learning unit, the unit itself).
  let placeInput = null;
  const communes = unit.children.filter((child) => child.level === "COMMUNE");
  const byUnit = loai === "don-vi";
  if (!byUnit && unit.level !== "COMMUNE") {
    placeInput = communes.length
      ? options(el("select", { id: "f-commune" }), communes.map((c) => [c.code, `${c.name} (${c.code})`]), "", "— Chọn xã, phường —")
      : el("input", { id: "f-commune", inputmode: "numeric", maxlength: "5" });
  }
  // A village community: one of the commune's hamlets, or a name.
  let hamletInput = null;
  let hamletName = null;
  if (loai === "cong-dong") {
    const hamlets = unit.children.filter((child) => child.level === "HAMLET");
    hamletInput = options(el("select", { id: "f-hamlet" }), hamlets.map((h) => [h.code, h.name]), "", hamlets.length ? "— Thôn khác: nhập tên —" : "— Nhập tên thôn —");
    hamletName = el("input", { id: "f-name", maxlength: String(TEXT_MAX), autocomplete: "off" });
  }
  const members = loai === "ho" ? membersEditor() : null;
  const button = el("button", { type: "submit", id: "reg-submit", text: "Đăng ký" });
  const fields = specs.map((spec) => field(spec[1], inputs.get(spec[0]), { required: spec[3].required, hint: spec[3].hint }));

  const form = el(
    "form",
    { class: "card", novalidate: true, onsubmit: submit, "aria-labelledby": "reg-form-heading" },
    el("h1", { id: "reg-form-heading", text: `Đăng ký: ${kind.label}` }),
    el("p", { class: "hint" }, `Đơn vị: ${unit.name}. `, "Các ô có dấu ", el("span", { class: "req", text: "*" }), " là bắt buộc."),
    error,
    el("div", { class: "form-grid" },
      field("Năm đăng ký", yearInput, { required: true }),
      placeInput ? field("Xã, phường, thị trấn", placeInput, { required: true, hint: communes.length ? null : "Mã xã gồm 5 chữ số" }) : null,
      hamletInput ? field("Thôn, tổ dân phố", hamletInput, { hint: "Chọn thôn đã có trong danh mục của xã" }) : null,
      hamletName ? field("Tên thôn (nếu không có trong danh sách)", hamletName) : null,
      fields),
    loai === "cong-dong-xa" ? el("p", { class: "hint", text: "Xã, phường tự đăng ký danh hiệu Cộng đồng học tập cấp xã cho năm đã chọn." }) : null,
    members,
    el("div", { class: "actions" }, button, link(listPath(code, { nam: String(year) }), "Hủy", { class: "cancel" })),
  );

  async function submit(event) {
    event.preventDefault();
    error.replaceChildren();
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    const problems = [];
    const input = { year: Number(yearInput.value) };
    for (const [name, label, type, spec] of specs) {
      const [value, problem] = checked(type, inputs.get(name).value, label, spec.required);
      if (problem) problems.push([problem, inputs.get(name)]);
      else if (value !== null) input[name] = value;
    }
    const place = placeInput ? placeInput.value.trim() : code;
    if (placeInput && !/^\d{5}$/.test(place)) problems.push(["Xã, phường, thị trấn: chọn hoặc nhập mã xã gồm 5 chữ số.", placeInput]);
    if (byUnit) {
      input.unitCode = code;
      input.level = unit.level;
    } else {
      input.communeCode = place;
    }
    if (hamletInput) {
      if (hamletInput.value) input.hamletCode = hamletInput.value;
      else if (hamletName.value.trim()) input.name = hamletName.value.trim();
      else problems.push(["Thôn, tổ dân phố: chọn một thôn hoặc nhập tên thôn.", hamletInput]);
    }
    if (members) {
      const [list, memberProblems] = members.values();
      problems.push(...memberProblems);
      if (list.length) input.members = list.map((m) => ({ ...m, birthYear: m.birthYear ?? undefined }));
    }
    if (problems.length) {
      for (const [, node] of problems) node.setAttribute("aria-invalid", "true");
      error.replaceChildren(alertBox(`Vui lòng sửa trước khi gửi: ${problems.map(([p]) => p).join(" ")}`));
      problems[0][1].focus();
      return;
    }
    try {
      const answer = await busy(button, "Đang đăng ký…", () => api.query(registerMutation(kind), { input }));
      const done = answer[kind.mutation];
      flash = done.created
        ? `Đã đăng ký ${kind.label} cho năm ${input.year}.`
        : `Đối tượng này đã được đăng ký cho năm ${input.year} từ trước; không tạo đăng ký mới.`;
      go(recordPath(done.enrolmentId));
    } catch (failure) {
      if (failure.code === "UNAUTHENTICATED") return;
      showError(error, failure);
    }
  }

  show(`Đăng ký ${kind.label}`, form);
  (placeInput || inputs.values().next().value || yearInput).focus();
}

// --- one registration -------------------------------------------------------------------------

function facts(pairs) {
  const shown = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return el("dl", { class: "facts" }, shown.map(([label, value]) => el("div", {}, el("dt", { text: label }), el("dd", { text: String(value) }))));
}

function assessmentSection(assessment) {
  const box = el("section", { class: "card", "aria-labelledby": "assess-heading" },
    el("h2", { id: "assess-heading", text: "Tình trạng đánh giá" }));
  if (!assessment) {
    box.append(el("p", { class: "hint", text: "Chưa tự đánh giá." }));
    return box;
  }
  const verdict = (stage) => {
    if (!stage) return null;
    const name = VERDICT_NAMES[stage.verdict.status] || stage.verdict.status;
    return stage.verdict.level ? `${name} (mức ${stage.verdict.level})` : name;
  };
  box.append(facts([
    ["Tự đánh giá", assessment.selfAssessment ? `${verdict(assessment.selfAssessment)}, ngày ${day(assessment.selfAssessment.at)}` : "Chưa tự đánh giá"],
    ["Bình xét", assessment.review ? `${verdict(assessment.review)}, ngày ${day(assessment.review.meetingDate || assessment.review.at)}` : "Chưa bình xét"],
    ["Công nhận", assessment.recognition ? `Quyết định số ${assessment.recognition.decisionNumber}, ngày ${day(assessment.recognition.decisionDate)}` : "Chưa có quyết định"],
  ]));
  return box;
}

function withdrawSection(record, redraw) {
  const box = el("section", { class: "card withdraw", "aria-labelledby": "withdraw-heading" },
    el("h2", { id: "withdraw-heading", text: "Rút đăng ký" }));
  const start = el("button", { type: "button", class: "danger", id: "withdraw-start", text: "Rút đăng ký…" });
  box.append(el("p", { class: "hint", text: "Đăng ký đã rút không còn được tính; có thể đăng ký lại sau." }), start);
  start.addEventListener("click", () => {
    const reason = el("textarea", { id: "withdraw-reason", maxlength: "500" });
    const error = errorArea("withdraw-error");
    const confirm = el("button", { type: "submit", class: "danger", id: "withdraw-confirm", text: "Xác nhận rút đăng ký" });
    const form = el("form", { novalidate: true, onsubmit: submit },
      el("p", { role: "alert", class: "alert error", text: `Bạn sắp rút đăng ký của “${record.name}” năm ${record.year}.` }),
      error,
      field("Lý do rút đăng ký", reason, { required: true, hint: "Ví dụ: Chuyển đi nơi khác" }),
      el("div", { class: "actions" }, confirm,
        el("button", { type: "button", class: "plain", id: "withdraw-cancel", text: "Không rút", onclick: () => { form.remove(); start.hidden = false; start.focus(); } })));
    start.hidden = true;
    box.append(form);
    reason.focus();
    async function submit(event) {
      event.preventDefault();
      error.replaceChildren();
      if (!reason.value.trim()) {
        reason.setAttribute("aria-invalid", "true");
        error.append(alertBox("Vui lòng nhập lý do rút đăng ký."));
        reason.focus();
        return;
      }
      try {
        await busy(confirm, "Đang rút…", () =>
          api.query(WITHDRAW, { input: { enrolmentId: record.enrolmentId, reason: reason.value.trim() } }));
        flash = `Đã rút đăng ký của “${record.name}” năm ${record.year}.`;
        redraw();
      } catch (failure) {
        if (failure.code !== "UNAUTHENTICATED") showError(error, failure);
      }
    }
  });
  return box;
}

// What a registration may have corrected, by its kind (the API's updateRegistration): its
// names and a household's hamlet are its identity (withdraw and register again instead).
const CORRECTABLE = {
  HOUSEHOLD: [
    ["headBirthYear", "Năm sinh chủ hộ", "year", {}],
    ["phone", "Số điện thoại", "phone", { hint: "10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84" }],
    ["size", "Số nhân khẩu", "count", { hint: "Để trống: tính theo số thành viên" }],
    ["learners", "Số người đang đi học", "count", { hint: "Để trống: tính theo số thành viên đang đi học" }],
  ],
  CLAN: [
    ["households", "Số hộ gia đình", "count", {}],
    ["people", "Số người", "count", {}],
    ["address", "Địa chỉ", "text", {}],
  ],
  COMMUNITY: [["households", "Số hộ gia đình", "count", {}]],
  CITIZEN: [
    ["address", "Địa chỉ", "text", {}],
    ["phone", "Số điện thoại", "phone", { hint: "10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84" }],
  ],
};

function editSection(record, redraw) {
  const specs = CORRECTABLE[record.subjectKind];
  const box = el("section", { class: "card edit", "aria-labelledby": "edit-heading" },
    el("h2", { id: "edit-heading", text: "Sửa thông tin đăng ký" }));
  const start = el("button", { type: "button", class: "plain", id: "edit-start", text: "Sửa thông tin…" });
  box.append(el("p", { class: "hint", text: "Sửa được trước khi bình xét. Muốn đổi tên hoặc thôn: rút đăng ký rồi đăng ký lại." }), start);
  start.addEventListener("click", () => {
    const inputs = new Map(specs.map((spec) => {
      const input = inputFor(spec);
      const value = record[spec[0]];
      input.value = value === null || value === undefined ? "" : String(value);
      return [spec[0], input];
    }));
    const members = record.subjectKind === "HOUSEHOLD" ? membersEditor(record.members) : null;
    const error = errorArea("edit-error");
    const save = el("button", { type: "submit", id: "edit-save", text: "Lưu thay đổi" });
    const form = el("form", { novalidate: true, onsubmit: submit },
      error,
      el("div", { class: "form-grid" }, specs.map((spec) => field(spec[1], inputs.get(spec[0]), { hint: spec[3].hint }))),
      members,
      el("div", { class: "actions" }, save,
        el("button", { type: "button", class: "plain", id: "edit-cancel", text: "Hủy", onclick: () => { form.remove(); start.hidden = false; start.focus(); } })));
    start.hidden = true;
    box.append(form);
    (inputs.values().next().value || save).focus();
    async function submit(event) {
      event.preventDefault();
      error.replaceChildren();
      form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
      const problems = [];
      const input = { enrolmentId: record.enrolmentId };
      for (const [name, label, type] of specs) {
        const [value, problem] = checked(type, inputs.get(name).value, label, false);
        if (problem) problems.push([problem, inputs.get(name)]);
        else if (value !== null) input[name] = value;
      }
      if (members) {
        const [list, memberProblems] = members.values();
        problems.push(...memberProblems);
        input.members = list.map((m) => ({ ...m, birthYear: m.birthYear ?? undefined }));
      }
      if (problems.length) {
        for (const [, node] of problems) node.setAttribute("aria-invalid", "true");
        error.append(alertBox(`Vui lòng sửa trước khi lưu: ${problems.map(([p]) => p).join(" ")}`));
        problems[0][1].focus();
        return;
      }
      try {
        await busy(save, "Đang lưu…", () => api.query(UPDATE, { input }));
        flash = `Đã sửa thông tin đăng ký của “${record.name}”.`;
        redraw();
      } catch (failure) {
        if (failure.code !== "UNAUTHENTICATED") showError(error, failure);
      }
    }
  });
  return box;
}

async function recordScreen(id, account) {
  loading("Đang tải hồ sơ đăng ký…");
  let record;
  try {
    record = (await api.query(DETAILS, { id })).registration;
  } catch (failure) {
    if (failure.code !== "UNAUTHENTICATED") refused("Không xem được đăng ký", failure, account);
    return;
  }
  if (!record) {
    refused("Không tìm thấy đăng ký", new Error(`Không có đăng ký mã ${id}.`), account);
    return;
  }
  let assessment = null;
  try {
    assessment = (await api.query(ASSESSMENT, { id })).assessment;
  } catch {
    assessment = null; // scoring has not heard of it yet: shown as not assessed
  }
  const labour = Object.fromEntries(LABOUR_GROUPS)[record.labourGroup];
  const unitKind = Object.fromEntries(UNIT_KINDS)[record.unitKind];
  const members = record.members.length
    ? el("section", { "aria-labelledby": "members-heading" },
      el("h2", { id: "members-heading", text: `Thành viên (${record.members.length})` }),
      table("Thành viên trong hộ", [
        { label: "Họ và tên", cell: (m) => m.name },
        { label: "Quan hệ", cell: (m) => m.relation },
        { label: "Năm sinh", cell: (m) => (m.birthYear ? String(m.birthYear) : null) },
        { label: "Đang đi học", cell: (m) => (m.learning ? "Có" : "Không") },
      ], record.members))
    : null;
  show(
    record.name,
    el("nav", { class: "crumbs", "aria-label": "Quay lại" },
      el("ol", {}, el("li", {}, link(listPath(record.unitCode, { nam: String(record.year) }), "‹ Danh sách đăng ký")))),
    takeFlash(),
    el("div", { class: "heading" },
      el("h1", { id: "record-name", "data-enrolment": record.enrolmentId, "data-status": record.status, text: record.name }),
      statusBadge(record.status)),
    el("section", { class: "card", "aria-label": "Thông tin đăng ký" },
      facts([
        ["Danh hiệu", TITLE_NAMES[record.title] || record.title],
        ["Năm", record.year],
        ["Mã đăng ký", record.enrolmentId],
        ["Đơn vị tiếp nhận", record.unitCode],
        ["Ngày đăng ký", record.createdAt ? day(record.createdAt) : null],
        ["Chủ hộ / trưởng tộc", record.headName !== record.name ? record.headName : null],
        ["Năm sinh chủ hộ", record.headBirthYear],
        ["Tên dòng họ", record.clanName !== record.name ? record.clanName : null],
        ["Năm sinh", record.birthYear],
        ["Căn cước công dân", record.nationalIdLast4 ? `••••••••${record.nationalIdLast4}` : null],
        ["Nhóm lao động", labour],
        ["Loại đơn vị", unitKind],
        ["Cấp", LEVELS[record.unitLevel] || record.unitLevel],
        ["Số cán bộ, nhân viên", record.staff === null ? null : number(record.staff)],
        ["Địa chỉ", record.address],
        ["Thôn", record.hamletCode],
        ["Số điện thoại", record.phone],
        ["Số nhân khẩu", record.size],
        ["Số người đang đi học", record.learners],
        ["Số hộ gia đình", record.households],
        ["Số người", record.people],
        ["Ngày rút đăng ký", record.withdrawnAt ? day(record.withdrawnAt) : null],
        ["Lý do rút đăng ký", record.withdrawReason],
      ])),
    members,
    assessmentSection(assessment),
    record.status === "ENROLLED" && isRegistrar(account) && CORRECTABLE[record.subjectKind]
      && !(assessment && (assessment.review || assessment.recognition))
      ? editSection(record, () => recordScreen(id, account)) : null,
    record.status === "ENROLLED" && isRegistrar(account) ? withdrawSection(record, () => recordScreen(id, account)) : null,
  );
}

// --- the spreadsheet upload -------------------------------------------------------------------

async function uploadScreen(code, account) {
  if (!isRegistrar(account)) {
    refused("Không nhập được danh sách", new Error("Tài khoản của bạn không có quyền đăng ký đối tượng."), account);
    return;
  }
  loading();
  const unit = await loadUnit(code, account, "Không nhập được danh sách");
  if (!unit) return;
  const year = chosenYear();
  const communes = unit.children.filter((child) => child.level === "COMMUNE");
  const communeInput = unit.level === "COMMUNE" ? null
    : options(el("select", { id: "up-commune" }), communes.map((c) => [c.code, `${c.name} (${c.code})`]), "", "— Chọn xã, phường —");
  const kindInput = options(el("select", { id: "up-kind" }), LIST_KINDS.map(([value, , label]) => [value, label]), "HOUSEHOLD");
  const yearInput = yearSelect("up-year", year);
  const fileInput = el("input", { id: "up-file", type: "file", accept: ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" });
  const template = el("div", { class: "template" });
  const drawTemplate = () => {
    const [, kind, label] = LIST_KINDS.find(([value]) => value === kindInput.value);
    template.replaceChildren(
      downloadButton(`Tải tệp mẫu: ${label}`, `/files/templates/${kind}.xlsx`, `mau-dang-ky-${kind}.xlsx`, { id: "up-template" }));
  };
  kindInput.addEventListener("change", drawTemplate);
  drawTemplate();
  const error = errorArea("up-error");
  const progress = el("section", { id: "up-progress", "aria-live": "polite", tabindex: "-1" });
  const button = el("button", { type: "submit", id: "up-submit", text: "Tải lên và nhập" });
  const form = el(
    "form",
    { class: "card", novalidate: true, onsubmit: submit },
    el("p", { class: "hint", text: "Tải tệp mẫu, điền mỗi đối tượng một dòng, rồi chọn tệp (.xlsx hoặc .csv, tối đa 50 MB) để nhập. Dòng trùng với đăng ký đã có được bỏ qua; dòng lỗi được liệt kê trong tệp lỗi." }),
    template,
    error,
    el("div", { class: "form-grid" },
      communeInput ? field("Xã, phường, thị trấn", communeInput, { required: true }) : null,
      field("Loại danh sách", kindInput, { required: true }),
      field("Năm đăng ký", yearInput, { required: true }),
      field("Tệp danh sách", fileInput, { required: true })),
    el("div", { class: "actions" }, button, link(listPath(code, { nam: String(year) }), "Về danh sách đăng ký")),
  );

  async function submit(event) {
    event.preventDefault();
    error.replaceChildren();
    const file = fileInput.files[0];
    const commune = communeInput ? communeInput.value : code;
    let problem = null;
    if (!commune) problem = ["Vui lòng chọn xã, phường.", communeInput];
    else if (!file) problem = ["Vui lòng chọn tệp danh sách.", fileInput];
    else if (!/\.(xlsx|csv)$/i.test(file.name)) problem = ["Tệp phải có đuôi .xlsx hoặc .csv.", fileInput];
    else if (file.size > MAX_FILE_BYTES) problem = ["Tệp quá lớn: tối đa 50 MB.", fileInput];
    if (problem) {
      error.append(alertBox(problem[0]));
      problem[1].focus();
      return;
    }
    const bar = el("progress", { id: "up-bar", max: "100", value: "0", "aria-label": "Tiến độ" });
    const line = el("p", { id: "up-line", role: "status", text: "Đang đọc tệp…" });
    progress.replaceChildren(el("h2", { text: `Nhập “${file.name}”` }), bar, line);
    button.disabled = true;
    try {
      const content = await api.base64(file);
      const input = { communeCode: commune, kind: kindInput.value, year: Number(yearInput.value), fileName: file.name, content };
      const answer = await api.sendWithProgress(START_IMPORT, { input }, (share) => {
        bar.value = Math.round(share * 100);
        line.textContent = `Đang tải tệp lên: ${Math.round(share * 100)}%`;
      });
      await follow(answer.startImport, bar, line);
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") {
        progress.replaceChildren();
        showError(error, failure);
      }
    } finally {
      button.disabled = false;
    }
  }

  async function follow(started, bar, line) {
    let job = started;
    while (job.status === "PENDING" || job.status === "RUNNING") {
      const total = job.total || 0;
      bar.max = String(Math.max(total, 1));
      bar.value = String(job.done);
      line.textContent = `${JOB_STATUS_NAMES[job.status]}: đã xử lý ${number(job.done)}/${number(total)} dòng…`;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!progress.isConnected) return; // the officer went to another screen
      job = (await api.query(IMPORT_JOB, { id: job.id })).importJob;
    }
    bar.max = String(Math.max(job.total || job.done, 1));
    bar.value = bar.max;
    line.textContent = `${JOB_STATUS_NAMES[job.status] || job.status}: đã xử lý ${number(job.done)}/${number(job.total ?? job.done)} dòng.`;
    const result = el("div", { id: "up-result", "data-status": job.status, class: "card" },
      el("h3", { text: "Kết quả" }),
      el("dl", { class: "numbers" },
        [["created", "Đăng ký mới"], ["duplicates", "Trùng, bỏ qua"], ["failed", "Dòng lỗi"]].map(([key, label]) =>
          el("div", {}, el("dt", { text: label }), el("dd", { "data-figure": key, text: number(job[key]) })))),
      job.failed > 0
        ? el("p", {}, downloadButton("Tải tệp các dòng lỗi (Excel)", job.errorReportUrl, `loi-nhap-${job.id}.xlsx`, { id: "up-errors" }))
        : el("p", { class: "hint", text: "Không có dòng lỗi." }),
      el("p", {}, link(listPath(job.communeCode, { nam: String(job.year) }), "Xem danh sách đăng ký")));
    progress.append(result);
    progress.focus();
  }

  show("Nhập danh sách đăng ký", el("h1", { id: "up-heading", text: `Nhập danh sách đăng ký — ${unit.name}` }), form, progress);
  (communeInput || kindInput).focus();
}

// --- routes and menu ----------------------------------------------------------------------------

route(/^\/app\/dang-ky\/ho-so\/([^/]+)$/, (found, account) => recordScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/dang-ky\/([^/]+)\/moi$/, (found, account) => addScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/dang-ky\/([^/]+)\/nhap$/, (found, account) => uploadScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/dang-ky\/([^/]+)$/, (found, account) => listScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/dang-ky\/?$/, (found, account) => go(listPath(account.unitCode), true));
section({
  key: "registrations",
  label: "Đăng ký",
  href: (account) => listPath(account.unitCode),
  roles: REGISTRARS,
  match: (here) => here.startsWith("/app/dang-ky"),
});
