// The unit's Quỹ Khuyến học (/app/quy/<code>/...): balance and earmarks, donations with their
// receipts, disbursement proposals and approvals, transfers, membership fees and statements.
// Who may do what is the API's decision; the screens only hide the forms a role cannot use.

import * as api from "../api.js";
import { route, section } from "../router.js";
import {
  alertBox, busy, day, downloadButton, el, errorArea, field, link, loading, money, show,
  showError, table,
} from "../ui.js";

// --- who sees which form (the API decides; the province may configure other approvers) ---------
const KEEPERS = ["PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER", "FUND_MANAGER"];
const APPROVERS = ["AUTHORITY"]; // the default approving role of every province
const FUND_ROLES = [...KEEPERS, "AUTHORITY", "AUDITOR"];
const PAGE = 20;

// --- closed sets and their Vietnamese labels (keys: the API's enum values, lowercased) ---------
const DONOR_KINDS = {
  person: "Cá nhân",
  family: "Gia đình",
  clan: "Dòng họ",
  organisation: "Tổ chức",
  enterprise: "Doanh nghiệp",
  overseas: "Người Việt Nam ở nước ngoài",
};
const DONATION_KINDS = { cash: "Tiền", in_kind: "Hiện vật (quy ra tiền)" };
const CHANNELS = { cash: "Tiền mặt", bank_transfer: "Chuyển khoản", vietqr: "VietQR" };
const DONATION_PURPOSES = { general: "Ủng hộ chung", earmarked: "Ủng hộ có chỉ định" };
const PURPOSES = {
  scholarship: "Học bổng",
  award: "Khen thưởng",
  university_prize: "Thưởng tân sinh viên",
  sponsorship: "Con nuôi khuyến học",
  community_learning: "Hỗ trợ học tập cộng đồng",
  other: "Chi khác",
};
const BENEFICIARY_KINDS = { student: "Học sinh, sinh viên", teacher: "Giáo viên", school: "Trường học", other: "Khác" };
const DONATION_STATUS = { recorded: ["Đã ghi sổ", "ok"], reversed: ["Đã đảo", "bad"] };
const DISBURSEMENT_STATUS = {
  proposed: ["Chờ duyệt", ""],
  approved: ["Đã duyệt chi", "ok"],
  reversed: ["Đã đảo", "bad"],
};

// A closed set's value as the API's enums take it: the keys above in UPPER_SNAKE ("in_kind" →
// IN_KIND); answers are read back through keyOf, which lowercases them.
function wire(value) {
  return String(value).toUpperCase();
}

// --- queries ------------------------------------------------------------------------------------
const FUND_HEAD = `query FundHead($code: String!) {
  fund(unitCode: $code) { unitCode unitName unitPath balance earmarks { name received spent balance } }
}`;
const DONATIONS = `query FundDonations($code: String!, $first: Int!, $after: String) {
  fund(unitCode: $code) { donations(first: $first, after: $after) {
    nodes { id receiptNumber receiptUrl amount kind goods channel receivedOn purpose earmark status
            donor { name kind anonymous } }
    pageInfo { hasNextPage endCursor } } }
}`;
const DISBURSEMENTS = `query FundDisbursements($code: String!, $first: Int!, $after: String) {
  fund(unitCode: $code) { disbursements(first: $first, after: $after) {
    nodes { id amount purpose status paidOn plannedOn decision earmark proposedBy approvedBy
            beneficiary { kind name school grade birthYear achievement reason } }
    pageInfo { hasNextPage endCursor } } }
}`;
const UNIT_AROUND = `query FundUnitAround($code: String!) {
  orgUnit(code: $code) { code name level parent { code name level } children { code name level } }
}`;
const STATEMENT = `query FundStatement($code: String!, $from: Date!, $to: Date!) {
  fund(unitCode: $code) { statement(from: $from, to: $to) {
    opening totalIn totalOut closing
    moneyIn { account label count amount } moneyOut { account label count amount } } }
}`;
const CONSOLIDATED = `query FundConsolidated($code: String!, $from: Date!, $to: Date!) {
  consolidatedFundStatement(unitCode: $code, from: $from, to: $to) {
    funds { unitCode unitName opening totalIn totalOut closing }
    total { opening totalIn totalOut closing } internalTransfers xlsxUrl pdfUrl }
}`;
const PUBLIC_FILES = `query FundPublicFiles($code: String!, $from: Date!, $to: Date!) {
  publicFundStatement(unitCode: $code, from: $from, to: $to) { xlsxUrl pdfUrl }
}`;
const RECORD_DONATION = `mutation RecordDonation($input: DonationInput!) {
  recordDonation(input: $input) { created donation { id receiptNumber receiptUrl amount } }
}`;
const PROPOSE = `mutation ProposeDisbursement($input: DisbursementProposalInput!) {
  proposeDisbursement(input: $input) { id amount status }
}`;
const APPROVE = `mutation ApproveDisbursement($input: DisbursementApprovalInput!) {
  approveDisbursement(input: $input) { id amount status paidOn }
}`;
const REVERSE = `mutation ReverseEntry($input: ReversalInput!) {
  reverseEntry(input: $input) { id amount date }
}`;
const TRANSFER = `mutation RecordTransfer($input: FundTransferInput!) {
  recordTransfer(input: $input) { id fromUnitCode toUnitCode amount on }
}`;
const FEE = `mutation RecordMembershipFee($input: MembershipFeeInput!) {
  recordMembershipFee(input: $input) { id unitCode memberId year amount paidOn }
}`;

const TABS = [
  ["", "Tổng quan"],
  ["ung-ho", "Ủng hộ"],
  ["chi", "Chi quỹ"],
  ["chuyen", "Chuyển quỹ"],
  ["hoi-phi", "Hội phí"],
  ["sao-ke", "Sao kê"],
];

// --- small helpers ------------------------------------------------------------------------------

export function fundPath(code, tab = "") {
  return `/app/quy/${encodeURIComponent(code)}${tab ? `/${tab}` : ""}`;
}

function today() {
  return new Date().toLocaleDateString("sv-SE"); // YYYY-MM-DD in the officer's time zone
}

// An enum value as the API sends it (UPPER_SNAKE), as the keys of the label maps above.
function keyOf(value) {
  return value === null || value === undefined ? "" : String(value).toLowerCase();
}

function label(map, value) {
  return map[keyOf(value)] || value || "—";
}

function statusBadge(map, value) {
  const [text, kind] = map[keyOf(value)] || [value, ""];
  return el("span", { class: `status ${kind}`.trim(), "data-status": keyOf(value), text });
}

// One page of a Relay connection: its rows and the cursor of the next page (null on the last).
function pageOf(connection) {
  const info = connection.pageInfo;
  return { rows: connection.nodes, next: info.hasNextPage ? info.endCursor : null };
}

// A client-chosen key: a retried submit counts once (crypto.getRandomValues works without https).
function idempotencyKey(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

// An amount typed as "1.000.000": shown with thousands separators as typed, sent as digits.
function moneyInput(id) {
  const input = el("input", { id, name: id, inputmode: "numeric", autocomplete: "off", placeholder: "1.000.000" });
  input.addEventListener("input", () => {
    if (!/^[\d.\s]*$/.test(input.value)) return; // left as typed: the check before sending says why
    const digits = input.value.replace(/\D/g, "").replace(/^0+/, "");
    input.value = digits ? Number(digits).toLocaleString("vi-VN").replace(/,/g, ".") : "";
  });
  return input;
}

function amountOf(input) {
  const text = input.value.trim();
  if (!/^[\d.\s]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, "").replace(/^0+/, "");
  return digits && digits.length <= 18 ? digits : null;
}

function select(id, options, chosen = null, { empty = null } = {}) {
  const node = el("select", { id, name: id });
  if (empty !== null) node.append(el("option", { value: "", text: empty }));
  for (const [value, text] of Object.entries(options)) {
    node.append(el("option", { value, text, selected: value === chosen }));
  }
  return node;
}

function input(id, attrs = {}) {
  return el("input", { id, name: id, ...attrs });
}

// A form: its fields in a grid, an error area, a submit button and a status line; `submit(form)`
// returns the success message (or a node) or throws; a client-side `check()` returns a message.
function fundForm({ id, heading, fields, submitText, workingText, check, submit, after = null }) {
  const errors = errorArea(`${id}-error`);
  const done = el("div", { id: `${id}-done`, "aria-live": "polite", tabindex: "-1" });
  const button = el("button", { type: "submit", id: `${id}-submit`, text: submitText });
  const form = el(
    "form",
    { id, class: "card", novalidate: true, "aria-labelledby": `${id}-heading` },
    el("h2", { id: `${id}-heading`, text: heading }),
    el("p", { class: "hint", text: "Các mục có dấu * là bắt buộc." }),
    errors,
    el("div", { class: "form-grid" }, fields),
    el("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    done.replaceChildren();
    const problem = check ? check() : null;
    if (problem) {
      errors.replaceChildren(alertBox(problem));
      return;
    }
    try {
      const result = await busy(button, workingText, () => submit(form));
      done.replaceChildren(result instanceof Node ? result : alertBox(result, "info"));
      const focusable = done.querySelector("button, a");
      (focusable || done).focus?.();
      if (after) after(result);
    } catch (failure) {
      if (failure.code === "UNAUTHENTICATED") return;
      showError(errors, failure);
    }
  });
  return el("div", { class: "fund-form" }, form, done);
}

function requiredMissing(pairs) {
  const missing = pairs.filter(([node]) => !node.value.trim()).map(([, name]) => name);
  return missing.length ? `Vui lòng nhập: ${missing.join(", ")}.` : null;
}

function dayProblem(node, name) {
  if (!node.value) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(node.value)) return `${name} không hợp lệ.`;
  return node.value > today() ? `${name} không được sau hôm nay.` : null;
}

const AMOUNT_PROBLEM = "Số tiền phải là số nguyên đồng lớn hơn 0, ví dụ 1.000.000.";

// Opens a private PDF in a new tab: the tab is opened during the click (a tab opened after the
// download would be blocked), then shows the file; saved instead when no tab may open.
async function openFile(path, fallbackName) {
  const tab = window.open("", "_blank");
  let found;
  try {
    found = await api.file(path);
  } catch (failure) {
    if (tab) tab.close();
    throw failure;
  }
  const url = URL.createObjectURL(found.blob);
  if (tab) tab.location.href = url;
  else {
    const anchor = el("a", { href: url, download: found.filename || fallbackName, class: "sr-only" });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  }
  setTimeout(() => URL.revokeObjectURL(url), 120000);
}

function receiptButton(donation, text = "In biên lai") {
  const status = el("span", { class: "download-status", "aria-live": "polite" });
  const button = el("button", {
    type: "button",
    class: "plain receipt",
    "data-receipt": donation.receiptNumber,
    text,
    "aria-label": `${text} số ${donation.receiptNumber}`,
    onclick: async () => {
      status.replaceChildren();
      try {
        await busy(button, "Đang mở…", () => openFile(donation.receiptUrl, `bien-lai-${donation.receiptNumber}.pdf`));
      } catch (failure) {
        status.replaceChildren(alertBox(failure.message));
      }
    },
  });
  return el("span", { class: "download" }, button, status);
}

// --- the frame of every fund screen -------------------------------------------------------------

function tabs(code, current) {
  return el(
    "nav",
    { class: "fund-tabs", "aria-label": "Các mục của quỹ" },
    el(
      "ul",
      {},
      TABS.map(([tab, text]) =>
        el("li", {}, link(fundPath(code, tab), text, { "data-tab": tab || "tong-quan", "aria-current": tab === current ? "page" : null })),
      ),
    ),
  );
}

function balanceCard(fund) {
  return el(
    "dl",
    { class: "fund-balance card" },
    el("div", {}, el("dt", { text: "Số dư quỹ" }), el("dd", { id: "fund-balance", "data-amount": fund.balance, text: money(fund.balance) })),
    el("div", {}, el("dt", { text: "Khoản chỉ định còn lại" }),
      el("dd", { text: money(fund.earmarks.reduce((sum, e) => sum + Number(e.balance), 0)) })),
  );
}

// Reads the fund (its name and balance) or shows why not; null when it cannot be shown.
async function loadFund(code, account) {
  loading("Đang tải quỹ…");
  let fund;
  try {
    fund = (await api.query(FUND_HEAD, { code })).fund;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return null;
    show(
      "Không xem được quỹ",
      el("h1", { text: "Không xem được quỹ này" }),
      alertBox(failure.message),
      el("p", {}, link(fundPath(account.unitCode), "Về quỹ của đơn vị tôi")),
    );
    return null;
  }
  if (!fund) {
    show("Không tìm thấy", el("h1", { text: "Không tìm thấy quỹ" }), alertBox(`Không có đơn vị mã ${code}.`),
      el("p", {}, link(fundPath(account.unitCode), "Về quỹ của đơn vị tôi")));
    return null;
  }
  return fund;
}

function frame(fund, tab, title, ...content) {
  const name = fund.unitName || fund.unitCode;
  show(
    `${title} — ${name}`,
    el(
      "div",
      { class: "heading" },
      el("h1", { id: "fund-title", "data-code": fund.unitCode, "data-screen": tab || "tong-quan" }, `${title}: `, el("span", { class: "unit", text: name })),
    ),
    tabs(fund.unitCode, tab),
    content.flat(Infinity).filter((node) => node !== null && node !== undefined),
  );
}

function readOnlyNote(text) {
  return el("p", { class: "alert info", role: "note", text });
}

// A list a page at a time ("Trang trước" / "Trang sau"), redrawn in place.
function pagedList({ id, heading, fetchPage, columns, empty, caption }) {
  const body = el("div", { id: `${id}-body` });
  const sectionNode = el("section", { id, class: "fund-list", "aria-labelledby": `${id}-heading` },
    el("h2", { id: `${id}-heading`, text: heading }), body);
  const cursors = [null];
  let index = 0;
  async function draw(focus = false) {
    body.replaceChildren(el("p", { class: "loading", role: "status", text: "Đang tải…" }));
    let page;
    try {
      page = pageOf(await fetchPage(cursors[index]));
    } catch (failure) {
      if (failure.code === "UNAUTHENTICATED") return;
      body.replaceChildren(alertBox(failure.message));
      return;
    }
    cursors[index + 1] = page.next;
    const previous = el("button", { type: "button", class: "plain", text: "Trang trước", disabled: index === 0,
      onclick: () => { index -= 1; draw(true); } });
    const next = el("button", { type: "button", class: "plain", text: "Trang sau", disabled: !page.next,
      onclick: () => { index += 1; draw(true); } });
    body.replaceChildren(table(caption, columns, page.rows, { empty, rowAttrs: (row) => ({ "data-id": row.id }) }));
    if (index > 0 || page.next) {
      body.append(el("nav", { class: "pager", "aria-label": `Trang của ${heading.toLowerCase()}` },
        previous, el("span", { class: "hint", text: `Trang ${index + 1}` }), next));
    }
    if (focus) sectionNode.querySelector("h2").focus?.();
  }
  sectionNode.querySelector("h2").setAttribute("tabindex", "-1");
  sectionNode.reload = () => { cursors.length = 1; index = 0; return draw(); };
  draw();
  return sectionNode;
}

function donorCell(row) {
  const kind = label(DONOR_KINDS, row.donor.kind);
  return el("span", {}, row.donor.name,
    el("small", { text: row.donor.anonymous ? `${kind} · xin ẩn danh khi công khai` : kind }));
}

function donationColumns(account, reverse) {
  const columns = [
    { label: "Số biên lai", cell: (row) => row.receiptNumber },
    { label: "Ngày nhận", cell: (row) => day(row.receivedOn) },
    { label: "Nhà hảo tâm", cell: donorCell },
    { label: "Số tiền", cell: (row) => el("span", { class: "num", text: money(row.amount) }) },
    {
      label: "Mục đích",
      cell: (row) => el("span", {}, label(DONATION_PURPOSES, row.purpose), row.earmark ? el("small", { text: row.earmark }) : null,
        keyOf(row.kind) === "in_kind" ? el("small", { text: `Hiện vật: ${row.goods || ""}` }) : null),
    },
    { label: "Kênh", cell: (row) => label(CHANNELS, row.channel) },
    { label: "Trạng thái", cell: (row) => statusBadge(DONATION_STATUS, row.status) },
    {
      label: "Thao tác",
      cell: (row) => el("span", { class: "row-actions" }, receiptButton(row),
        reverse && keyOf(row.status) === "recorded"
          ? el("button", { type: "button", class: "plain", text: "Đảo bút toán", onclick: () => reverse(row, "khoản ủng hộ", row.receiptNumber) })
          : null),
    },
  ];
  return columns;
}

function disbursementColumns(actions) {
  return [
    { label: "Người thụ hưởng", cell: (row) => el("span", {}, row.beneficiary.name,
      el("small", { text: [label(BENEFICIARY_KINDS, row.beneficiary.kind), row.beneficiary.school, row.beneficiary.grade && `lớp ${row.beneficiary.grade}`].filter(Boolean).join(" · ") })) },
    { label: "Mục đích", cell: (row) => el("span", {}, label(PURPOSES, row.purpose), row.earmark ? el("small", { text: `Từ khoản chỉ định: ${row.earmark}` }) : null) },
    { label: "Số tiền", cell: (row) => el("span", { class: "num", text: money(row.amount) }) },
    { label: "Ngày chi", cell: (row) => day(row.paidOn || row.plannedOn) },
    { label: "Trạng thái", cell: (row) => el("span", {}, statusBadge(DISBURSEMENT_STATUS, row.status), row.decision ? el("small", { text: row.decision }) : null) },
    ...(actions ? [{ label: "Thao tác", cell: actions }] : []),
  ];
}

// A small inline form under a list (approve, reverse): focus moves to its first field.
function inlineForm(holder, { id, heading, fields, submitText, workingText, check, submit, done }) {
  const errors = errorArea(`${id}-error`);
  const button = el("button", { type: "submit", id: `${id}-submit`, text: submitText });
  const cancel = el("button", { type: "button", class: "plain", text: "Hủy", onclick: () => holder.replaceChildren() });
  const form = el("form", { id, class: "card fund-inline", novalidate: true, "aria-labelledby": `${id}-heading` },
    el("h3", { id: `${id}-heading`, text: heading }), errors, el("div", { class: "form-grid" }, fields),
    el("div", { class: "actions" }, button, cancel));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const problem = check ? check() : null;
    if (problem) {
      errors.replaceChildren(alertBox(problem));
      return;
    }
    try {
      const result = await busy(button, workingText, submit);
      holder.replaceChildren();
      done(result);
    } catch (failure) {
      if (failure.code === "UNAUTHENTICATED") return;
      showError(errors, failure);
    }
  });
  holder.replaceChildren(form);
  form.scrollIntoView({ block: "nearest" });
  form.querySelector("input, select, textarea").focus();
}

// Bút toán đảo: any booked entry, with the reason (approvers only).
function reversalFor(holder, message, refresh) {
  return (row, what, name) => {
    message.replaceChildren(); // the last success message is about something else
    const reason = el("textarea", { id: "reverse-reason", name: "reason", maxlength: "500" });
    inlineForm(holder, {
      id: "reverse",
      heading: `Đảo bút toán ${what} ${name}`,
      fields: [field("Lý do đảo bút toán", reason, { required: true, hint: "Ghi rõ lý do; bút toán đảo được ghi ngày hôm nay." })],
      submitText: "Đảo bút toán",
      workingText: "Đang ghi…",
      check: () => (reason.value.trim() ? null : "Vui lòng nhập lý do đảo bút toán."),
      submit: () => api.query(REVERSE, { input: { entryId: row.id, reason: reason.value.trim() } }),
      done: () => {
        message.replaceChildren(alertBox(`Đã đảo bút toán ${what} ${name}.`, "info"));
        refresh();
        message.focus?.();
      },
    });
  };
}

// --- screens ------------------------------------------------------------------------------------

async function overviewScreen(code, account) {
  const fund = await loadFund(code, account);
  if (!fund) return;
  const earmarks = el("section", { "aria-labelledby": "earmarks-heading" },
    el("h2", { id: "earmarks-heading", text: "Khoản ủng hộ có chỉ định" }),
    table("Khoản ủng hộ có chỉ định", [
      { label: "Chỉ định cho", cell: (row) => row.name },
      { label: "Đã nhận", cell: (row) => money(row.received) },
      { label: "Đã chi", cell: (row) => money(row.spent) },
      { label: "Còn lại", cell: (row) => money(row.balance) },
    ], fund.earmarks, { empty: "Quỹ chưa có khoản ủng hộ có chỉ định." }));
  frame(
    fund, "", "Quỹ khuyến học",
    balanceCard(fund),
    earmarks,
    pagedList({
      id: "donations", heading: "Các khoản ủng hộ", caption: "Các khoản ủng hộ của quỹ",
      empty: "Chưa có khoản ủng hộ.",
      fetchPage: async (after) => (await api.query(DONATIONS, { code, first: PAGE, after })).fund.donations,
      columns: donationColumns(account, null),
    }),
    pagedList({
      id: "disbursements", heading: "Các khoản chi", caption: "Các khoản chi của quỹ",
      empty: "Chưa có khoản chi.",
      fetchPage: async (after) => (await api.query(DISBURSEMENTS, { code, first: PAGE, after })).fund.disbursements,
      columns: disbursementColumns(null),
    }),
  );
}

function donationForm(code, earmarks, onDone) {
  const name = input("donor-name", { autocomplete: "off", maxlength: "200" });
  const donorKind = select("donor-kind", DONOR_KINDS, "person");
  const anonymous = input("donor-anonymous", { type: "checkbox" });
  const phone = input("donor-phone", { type: "tel", autocomplete: "off" });
  const email = input("donor-email", { type: "email", autocomplete: "off" });
  const amount = moneyInput("amount");
  const kind = select("donation-kind", DONATION_KINDS, "cash");
  const goods = input("goods", { maxlength: "500" });
  const purpose = select("purpose", DONATION_PURPOSES, "general");
  const earmark = input("earmark", { maxlength: "500", list: "earmark-names" });
  const channel = select("channel", CHANNELS, "cash");
  const received = input("received-on", { type: "date", value: today(), max: today() });
  const note = el("textarea", { id: "note", name: "note", maxlength: "1000" });
  const goodsField = field("Hiện vật", goods, { hint: "Tên, số lượng hiện vật; số tiền là giá trị quy đổi." });
  const earmarkField = field("Chỉ định cho", earmark, { hint: "Ví dụ: Học bổng cho học sinh nghèo thôn Đông." });
  const sync = () => {
    goodsField.hidden = kind.value !== "in_kind";
    earmarkField.hidden = purpose.value !== "earmarked";
  };
  kind.addEventListener("change", sync);
  purpose.addEventListener("change", sync);
  sync();
  let key = idempotencyKey("web-gift");
  return fundForm({
    id: "donation",
    heading: "Ghi nhận khoản ủng hộ",
    fields: [
      field("Tên nhà hảo tâm", name, { required: true }),
      field("Đối tượng", donorKind),
      el("div", { class: "field check" }, anonymous, el("label", { for: "donor-anonymous", text: "Xin ẩn danh khi công khai (không nêu tên)" })),
      field("Số điện thoại", phone, { hint: "Để cảm ơn, gửi biên lai; không công khai." }),
      field("Thư điện tử", email),
      field("Số tiền (đồng)", amount, { required: true, hint: "Gõ số, ví dụ 1.000.000." }),
      field("Hình thức", kind),
      goodsField,
      field("Mục đích", purpose),
      earmarkField,
      el("datalist", { id: "earmark-names" }, earmarks.map((e) => el("option", { value: e.name }))),
      field("Kênh nhận", channel),
      field("Ngày nhận", received, { required: true }),
      field("Ghi chú", note),
    ],
    submitText: "Ghi nhận ủng hộ",
    workingText: "Đang ghi…",
    check: () =>
      requiredMissing([[name, "tên nhà hảo tâm"], [amount, "số tiền"], [received, "ngày nhận"]]) ||
      (amountOf(amount) ? null : AMOUNT_PROBLEM) ||
      dayProblem(received, "Ngày nhận") ||
      (kind.value === "in_kind" && !goods.value.trim() ? "Vui lòng ghi rõ hiện vật." : null) ||
      (purpose.value === "earmarked" && !earmark.value.trim() ? "Vui lòng ghi khoản chỉ định." : null) ||
      (phone.value.trim() && !/^\+?[0-9 .-]{8,20}$/.test(phone.value.trim()) ? "Số điện thoại không hợp lệ." : null),
    submit: async () => {
      const donor = { name: name.value.trim(), kind: wire(donorKind.value), anonymous: anonymous.checked };
      if (phone.value.trim()) donor.phone = phone.value.trim();
      if (email.value.trim()) donor.email = email.value.trim();
      const payload = {
        unitCode: code, idempotencyKey: key, donor, amount: amountOf(amount), kind: wire(kind.value),
        channel: wire(channel.value), receivedOn: received.value, purpose: wire(purpose.value),
      };
      if (kind.value === "in_kind") payload.goods = goods.value.trim();
      if (purpose.value === "earmarked") payload.earmark = earmark.value.trim();
      if (note.value.trim()) payload.note = note.value.trim();
      const result = (await api.query(RECORD_DONATION, { input: payload })).recordDonation;
      key = idempotencyKey("web-gift"); // the next gift is a new one
      const gift = result.donation;
      for (const node of [name, phone, email, amount, goods, earmark, note]) node.value = "";
      anonymous.checked = false;
      onDone();
      return el("div", { class: "alert info", role: "status", id: "donation-receipt", "data-receipt": gift.receiptNumber },
        el("p", {}, result.created ? "Đã ghi nhận khoản ủng hộ " : "Khoản ủng hộ này đã được ghi trước đó: ",
          el("strong", { text: money(gift.amount) }), ". Số biên lai: ", el("strong", { class: "receipt-number", text: gift.receiptNumber }), "."),
        receiptButton(gift));
    },
  });
}

async function donationScreen(code, account) {
  const fund = await loadFund(code, account);
  if (!fund) return;
  const message = el("div", { id: "donations-message", "aria-live": "polite", tabindex: "-1" });
  const holder = el("div", { id: "donations-action" });
  const list = pagedList({
    id: "donations", heading: "Các khoản ủng hộ", caption: "Các khoản ủng hộ của quỹ", empty: "Chưa có khoản ủng hộ.",
    fetchPage: async (after) => (await api.query(DONATIONS, { code, first: PAGE, after })).fund.donations,
    columns: donationColumns(account, APPROVERS.includes(account.role) ? reversalFor(holder, message, () => refresh()) : null),
  });
  const balance = el("div", { class: "balance-holder" }, balanceCard(fund));
  async function refresh() {
    list.reload();
    const fresh = (await api.query(FUND_HEAD, { code })).fund;
    balance.replaceChildren(balanceCard(fresh));
  }
  frame(
    fund, "ung-ho", "Ủng hộ quỹ",
    balance,
    KEEPERS.includes(account.role)
      ? donationForm(code, fund.earmarks, () => refresh())
      : readOnlyNote("Vai trò của bạn chỉ được xem các khoản ủng hộ; cán bộ và người quản lý quỹ ghi nhận ủng hộ."),
    message, holder, list,
  );
}

function proposalForm(code, earmarks, onDone) {
  const kind = select("beneficiary-kind", BENEFICIARY_KINDS, "student");
  const name = input("beneficiary-name", { autocomplete: "off", maxlength: "200" });
  const birthYear = input("birth-year", { type: "number", inputmode: "numeric", min: "1900", max: "2100" });
  const school = input("school", { maxlength: "200" });
  const grade = input("grade", { maxlength: "50" });
  const achievement = input("achievement", { maxlength: "500" });
  const reason = el("textarea", { id: "reason", name: "reason", maxlength: "1000" });
  const purpose = select("purpose", PURPOSES, "scholarship");
  const amount = moneyInput("amount");
  const earmark = select("earmark", Object.fromEntries(earmarks.map((e) => [e.name, `${e.name} (còn ${money(e.balance)})`])), null,
    { empty: "Không — chi từ quỹ chung" });
  return fundForm({
    id: "proposal",
    heading: "Đề nghị chi",
    fields: [
      field("Người thụ hưởng là", kind),
      field("Họ tên người thụ hưởng", name, { required: true,
        hint: "Trên trang công khai, học sinh dưới 18 tuổi (hoặc không ghi năm sinh) chỉ hiện chữ cái đầu của tên và trường." }),
      field("Năm sinh", birthYear),
      field("Trường", school),
      field("Lớp", grade),
      field("Thành tích", achievement),
      field("Lý do", reason),
      field("Mục đích chi", purpose, { required: true }),
      field("Số tiền (đồng)", amount, { required: true, hint: "Gõ số, ví dụ 500.000." }),
      field("Chi từ khoản chỉ định", earmark),
    ],
    submitText: "Gửi đề nghị chi",
    workingText: "Đang gửi…",
    check: () =>
      requiredMissing([[name, "họ tên người thụ hưởng"], [amount, "số tiền"]]) ||
      (amountOf(amount) ? null : AMOUNT_PROBLEM) ||
      (birthYear.value && !/^\d{4}$/.test(birthYear.value) ? "Năm sinh phải gồm 4 chữ số." : null),
    submit: async () => {
      const beneficiary = { kind: wire(kind.value), name: name.value.trim() };
      if (birthYear.value) beneficiary.birthYear = Number(birthYear.value);
      for (const [key, node] of [["school", school], ["grade", grade], ["achievement", achievement], ["reason", reason]]) {
        if (node.value.trim()) beneficiary[key] = node.value.trim();
      }
      const payload = { unitCode: code, amount: amountOf(amount), purpose: wire(purpose.value), beneficiary };
      if (earmark.value) payload.earmark = earmark.value;
      const made = (await api.query(PROPOSE, { input: payload })).proposeDisbursement;
      for (const node of [name, birthYear, school, grade, achievement, reason, amount]) node.value = "";
      onDone();
      return `Đã gửi đề nghị chi ${money(made.amount)} cho ${beneficiary.name}; khoản chi chờ người có thẩm quyền duyệt.`;
    },
  });
}

async function disbursementScreen(code, account) {
  const fund = await loadFund(code, account);
  if (!fund) return;
  const message = el("div", { id: "disbursements-message", "aria-live": "polite", tabindex: "-1" });
  const holder = el("div", { id: "disbursements-action" });
  const approver = APPROVERS.includes(account.role);
  const reverse = approver ? reversalFor(holder, message, () => refresh()) : null;
  const approve = (row) => {
    message.replaceChildren();
    const decision = input("decision", { maxlength: "200" });
    const paidOn = input("paid-on", { type: "date", value: row.plannedOn || today(), max: today() });
    inlineForm(holder, {
      id: "approve",
      heading: `Duyệt chi ${money(row.amount)} cho ${row.beneficiary.name}`,
      fields: [
        field("Số quyết định chi", decision, { hint: "Ví dụ: 12/QĐ-KH." }),
        field("Ngày chi", paidOn, { required: true }),
      ],
      submitText: "Duyệt chi",
      workingText: "Đang duyệt…",
      check: () => requiredMissing([[paidOn, "ngày chi"]]) || dayProblem(paidOn, "Ngày chi"),
      submit: () => {
        const payload = { disbursementId: row.id, paidOn: paidOn.value };
        if (decision.value.trim()) payload.decision = decision.value.trim();
        return api.query(APPROVE, { input: payload });
      },
      done: () => {
        message.replaceChildren(alertBox(`Đã duyệt chi ${money(row.amount)} cho ${row.beneficiary.name}.`, "info"));
        refresh();
        message.focus();
      },
    });
  };
  const actions = approver
    ? (row) => {
      const status = keyOf(row.status);
      if (status === "proposed") return el("button", { type: "button", class: "approve", text: "Duyệt chi", onclick: () => approve(row) });
      if (status === "approved") return el("button", { type: "button", class: "plain", text: "Đảo bút toán", onclick: () => reverse(row, "khoản chi cho", row.beneficiary.name) });
      return null;
    }
    : null;
  const list = pagedList({
    id: "disbursements", heading: "Đề nghị chi và khoản đã chi", caption: "Các khoản chi của quỹ", empty: "Chưa có đề nghị chi.",
    fetchPage: async (after) => (await api.query(DISBURSEMENTS, { code, first: PAGE, after })).fund.disbursements,
    columns: disbursementColumns(actions),
  });
  const balance = el("div", { class: "balance-holder" }, balanceCard(fund));
  async function refresh() {
    list.reload();
    const fresh = (await api.query(FUND_HEAD, { code })).fund;
    balance.replaceChildren(balanceCard(fresh));
  }
  const notes = [];
  if (!KEEPERS.includes(account.role)) notes.push(readOnlyNote(approver
    ? "Bạn duyệt các đề nghị chi bên dưới; cán bộ và người quản lý quỹ lập đề nghị chi."
    : "Vai trò của bạn chỉ được xem các khoản chi."));
  else notes.push(el("p", { class: "hint", text: "Đề nghị chi chưa làm thay đổi số dư; khoản chi được ghi khi lãnh đạo UBND duyệt (không phải người đề nghị)." }));
  frame(
    fund, "chi", "Chi quỹ",
    balance, notes,
    KEEPERS.includes(account.role) ? proposalForm(code, fund.earmarks, () => refresh()) : null,
    message, holder, list,
  );
}

async function unitAround(code) {
  try {
    return (await api.query(UNIT_AROUND, { code })).orgUnit;
  } catch {
    return null;
  }
}

async function transferScreen(code, account) {
  const fund = await loadFund(code, account);
  if (!fund) return;
  const unit = await unitAround(code);
  const nearby = {};
  if (unit && unit.parent) nearby[unit.parent.code] = `${unit.parent.name} (cấp trên)`;
  for (const child of (unit && unit.children) || []) nearby[child.code] = child.name;
  const target = input("to-unit", { list: "nearby-units", autocomplete: "off", maxlength: "32" });
  const amount = moneyInput("amount");
  const on = input("on", { type: "date", value: today(), max: today() });
  const description = input("description", { maxlength: "500" });
  let key = idempotencyKey("web-transfer");
  const balance = el("div", { class: "balance-holder" }, balanceCard(fund));
  const form = APPROVERS.includes(account.role)
    ? fundForm({
      id: "transfer",
      heading: "Chuyển quỹ",
      fields: [
        field("Mã đơn vị nhận", target, { required: true, hint: "Chọn đơn vị cấp trên hoặc trực thuộc, hoặc gõ mã đơn vị." }),
        el("datalist", { id: "nearby-units" }, Object.entries(nearby).map(([value, text]) => el("option", { value, label: text, text }))),
        field("Số tiền (đồng)", amount, { required: true }),
        field("Ngày chuyển", on, { required: true }),
        field("Diễn giải", description),
      ],
      submitText: "Chuyển quỹ",
      workingText: "Đang chuyển…",
      check: () =>
        requiredMissing([[target, "mã đơn vị nhận"], [amount, "số tiền"], [on, "ngày chuyển"]]) ||
        (amountOf(amount) ? null : AMOUNT_PROBLEM) || dayProblem(on, "Ngày chuyển") ||
        (target.value.trim() === code ? "Không thể chuyển tiền trong cùng một quỹ." : null),
      submit: async () => {
        const payload = { fromUnitCode: code, toUnitCode: target.value.trim(), idempotencyKey: key, amount: amountOf(amount), on: on.value };
        if (description.value.trim()) payload.description = description.value.trim();
        const moved = (await api.query(TRANSFER, { input: payload })).recordTransfer;
        key = idempotencyKey("web-transfer");
        amount.value = "";
        const fresh = (await api.query(FUND_HEAD, { code })).fund;
        balance.replaceChildren(balanceCard(fresh));
        const to = nearby[moved.toUnitCode] || moved.toUnitCode;
        return `Đã chuyển ${money(moved.amount)} sang quỹ ${to} ngày ${day(moved.on)}.`;
      },
    })
    : readOnlyNote("Chuyển quỹ do lãnh đạo UBND (người duyệt chi) của quỹ chuyển đi thực hiện; vai trò của bạn chỉ được xem.");
  frame(fund, "chuyen", "Chuyển quỹ", balance,
    el("p", { class: "hint", text: "Các khoản chuyển đi, chuyển đến được tổng hợp trong sao kê của quỹ." }), form);
}

async function feeScreen(code, account) {
  const fund = await loadFund(code, account);
  if (!fund) return;
  const unit = await unitAround(code);
  const branches = {};
  if (unit && keyOf(unit.level) === "branch") branches[unit.code] = unit.name;
  for (const child of (unit && unit.children) || []) {
    if (keyOf(child.level) === "branch") branches[child.code] = child.name;
  }
  const year = new Date().getFullYear();
  const branch = select("branch", branches, Object.keys(branches)[0] || null, { empty: Object.keys(branches).length ? null : "Đơn vị không có chi hội" });
  const member = input("member-id", { autocomplete: "off", maxlength: "100" });
  const feeYear = input("fee-year", { type: "number", inputmode: "numeric", min: "2000", max: String(year + 1), value: String(year) });
  const amount = moneyInput("amount");
  const paidOn = input("paid-on", { type: "date", value: today(), max: today() });
  const form = KEEPERS.includes(account.role)
    ? fundForm({
      id: "fee",
      heading: "Thu hội phí",
      fields: [
        field("Chi hội", branch, { required: true }),
        field("Mã hội viên", member, { required: true, hint: "Mã do màn hình kết nạp hội viên cấp." }),
        field("Năm", feeYear, { required: true }),
        field("Số tiền (đồng)", amount, { required: true }),
        field("Ngày nộp", paidOn, { required: true }),
      ],
      submitText: "Ghi hội phí",
      workingText: "Đang ghi…",
      check: () =>
        requiredMissing([[branch, "chi hội"], [member, "mã hội viên"], [feeYear, "năm"], [amount, "số tiền"], [paidOn, "ngày nộp"]]) ||
        (amountOf(amount) ? null : AMOUNT_PROBLEM) || dayProblem(paidOn, "Ngày nộp") ||
        (/^\d{4}$/.test(feeYear.value) ? null : "Năm phải gồm 4 chữ số."),
      submit: async () => {
        const fee = (await api.query(FEE, { input: {
          unitCode: branch.value, memberId: member.value.trim(), year: Number(feeYear.value), amount: amountOf(amount), paidOn: paidOn.value,
        } })).recordMembershipFee;
        member.value = "";
        amount.value = "";
        return `Đã ghi hội phí năm ${fee.year} của hội viên ${fee.memberId}: ${money(fee.amount)} (${branches[fee.unitCode] || fee.unitCode}).`;
      },
    })
    : readOnlyNote("Vai trò của bạn chỉ được xem; cán bộ và người quản lý quỹ ghi hội phí.");
  frame(fund, "hoi-phi", "Hội phí", el("p", { class: "hint", text:
    "Hội phí là tiền của Hội, hạch toán riêng với Quỹ khuyến học và không đưa lên trang công khai quỹ." }), form);
}

// The period of a statement from the address (?tu=&den=), the current year by default.
function period() {
  const query = new URLSearchParams(location.search);
  const valid = (value) => value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
  const year = new Date().getFullYear();
  const from = valid(query.get("tu")) ? query.get("tu") : `${year}-01-01`;
  const to = valid(query.get("den")) ? query.get("den") : `${year}-12-31`;
  return from <= to ? { from, to } : { from: to, to: from };
}

function statementLines(caption, lines) {
  return table(caption, [
    { label: "Nội dung", cell: (row) => row.label },
    { label: "Số lượt", cell: (row) => String(row.count) },
    { label: "Số tiền", cell: (row) => money(row.amount) },
  ], lines, { empty: "Không có." });
}

function totals(statement) {
  return el("dl", { class: "fund-totals card" },
    [["opening", "Số dư đầu kỳ"], ["totalIn", "Tổng thu"], ["totalOut", "Tổng chi"], ["closing", "Số dư cuối kỳ"]].map(([key, text]) =>
      el("div", {}, el("dt", { text }), el("dd", { "data-total": key, text: money(statement[key]) }))));
}

async function statementScreen(code, account) {
  const fund = await loadFund(code, account);
  if (!fund) return;
  const { from, to } = period();
  const fromInput = input("from", { type: "date", value: from });
  const toInput = input("to", { type: "date", value: to });
  const year = new Date().getFullYear();
  const years = {};
  for (let y = year; y >= 2016; y -= 1) years[String(y)] = `Năm ${y}`;
  const yearSelect = select("year", years, from.endsWith("-01-01") && to === `${from.slice(0, 4)}-12-31` ? from.slice(0, 4) : null, { empty: "Chọn năm…" });
  const go = (f, t) => {
    history.pushState(null, "", `${fundPath(code, "sao-ke")}?tu=${f}&den=${t}`);
    statementScreen(code, account);
  };
  yearSelect.addEventListener("change", () => { if (yearSelect.value) go(`${yearSelect.value}-01-01`, `${yearSelect.value}-12-31`); });
  const chooserError = errorArea("period-error");
  const chooser = el("form", { class: "toolbar", id: "period", "aria-label": "Chọn kỳ sao kê",
    onsubmit: (event) => {
      event.preventDefault();
      if (!fromInput.value || !toInput.value) return chooserError.replaceChildren(alertBox("Vui lòng chọn từ ngày và đến ngày."));
      if (fromInput.value > toInput.value) return chooserError.replaceChildren(alertBox("Từ ngày phải trước hoặc bằng đến ngày."));
      go(fromInput.value, toInput.value);
    } },
  field("Năm", yearSelect), field("Từ ngày", fromInput), field("Đến ngày", toInput),
  el("button", { type: "submit", text: "Xem sao kê" }));
  const body = el("div", { id: "statement-body" }, el("p", { class: "loading", role: "status", text: "Đang tải sao kê…" }));
  const publicHref = `/cong-khai/quy/${encodeURIComponent(code)}?tu=${from}&den=${to}`;
  frame(fund, "sao-ke", "Sao kê quỹ", chooser, chooserError, body);
  let statement;
  let files;
  try {
    const [own, open] = await Promise.all([api.query(STATEMENT, { code, from, to }), api.query(PUBLIC_FILES, { code, from, to })]);
    statement = own.fund.statement;
    files = open.publicFundStatement;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    body.replaceChildren(alertBox(failure.message));
    return;
  }
  const name = `${code}-${from}-${to}`;
  body.replaceChildren(
    el("h2", { id: "statement-heading", text: `Từ ${day(from)} đến ${day(to)}` }),
    totals(statement),
    el("h3", { text: "Thu trong kỳ" }), statementLines("Thu trong kỳ", statement.moneyIn),
    el("h3", { text: "Chi trong kỳ" }), statementLines("Chi trong kỳ", statement.moneyOut),
    el("div", { class: "actions" },
      files ? downloadButton("Tải công khai quỹ (Excel)", files.xlsxUrl, `cong-khai-quy-${name}.xlsx`, { id: "download-xlsx" }) : null,
      files ? downloadButton("Tải công khai quỹ (PDF)", files.pdfUrl, `cong-khai-quy-${name}.pdf`, { id: "download-pdf" }) : null,
      el("a", { href: publicHref, id: "public-link", target: "_blank", rel: "noopener", text: "Xem trang công khai quỹ (không cần đăng nhập)" })),
  );
  // the unit with its branches (dues kept apart); a unit without branches lists its own fund
  try {
    const consolidated = (await api.query(CONSOLIDATED, { code, from, to })).consolidatedFundStatement;
    if (consolidated && consolidated.funds.length > 1) {
      body.append(el("section", { id: "consolidated", "aria-labelledby": "consolidated-heading" },
        el("h2", { id: "consolidated-heading", text: "Báo cáo tổng hợp quỹ (đơn vị và các chi hội)" }),
        table("Báo cáo tổng hợp quỹ", [
          { label: "Quỹ", cell: (row) => row.unitName },
          { label: "Đầu kỳ", cell: (row) => money(row.opening) },
          { label: "Thu", cell: (row) => money(row.totalIn) },
          { label: "Chi", cell: (row) => money(row.totalOut) },
          { label: "Cuối kỳ", cell: (row) => money(row.closing) },
        ], [...consolidated.funds, { unitName: "Tổng cộng", ...consolidated.total }]),
        el("p", { class: "hint", text: `Chuyển quỹ giữa các quỹ trên (${money(consolidated.internalTransfers)}) không tính vào tổng thu, tổng chi.` }),
        el("div", { class: "actions" },
          downloadButton("Tải báo cáo tổng hợp (Excel)", consolidated.xlsxUrl, `tong-hop-quy-${name}.xlsx`),
          downloadButton("Tải báo cáo tổng hợp (PDF)", consolidated.pdfUrl, `tong-hop-quy-${name}.pdf`))));
    }
  } catch (failure) {
    if (failure.code !== "UNAUTHENTICATED") body.append(el("p", { class: "hint", text: `Không có báo cáo tổng hợp: ${failure.message}` }));
  }
}

// --- registration -------------------------------------------------------------------------------

const SCREENS = {
  "": overviewScreen,
  "ung-ho": donationScreen,
  chi: disbursementScreen,
  chuyen: transferScreen,
  "hoi-phi": feeScreen,
  "sao-ke": statementScreen,
};

route(/^\/app\/quy\/([^/]+)(?:\/(ung-ho|chi|chuyen|hoi-phi|sao-ke))?\/?$/, (found, account) =>
  SCREENS[found[2] || ""](decodeURIComponent(found[1]), account));
section({
  key: "fund",
  label: "Quỹ khuyến học",
  href: (account) => fundPath(account.unitCode),
  roles: FUND_ROLES,
  match: (path) => path.startsWith("/app/quy/"),
});
