// Officer accounts (/app/tai-khoan/<code>): the accounts of a unit and below, paged; creating
// one (with an initial password or a generated one-time password), disabling, enabling and
// resetting a password. And every officer's own password change (/app/mat-khau).
// Who manages whom is the gateway's rule (gateway/access.py may_manage_account): a province
// admin, anyone in the province; a district officer, the units below its own with the roles
// DISTRICT_GRANTS names.

import * as api from "../api.js";
import { go, route, section } from "../router.js";
import {
  alertBox, busy, day, el, errorArea, field, link, loading, show, showError, table,
} from "../ui.js";

const MANAGERS = ["PROVINCE_ADMIN", "DISTRICT_OFFICER"];
const DISTRICT_GRANTS = ["COMMUNE_OFFICER", "BRANCH_OFFICER", "AUTHORITY", "FUND_MANAGER"];
const ROLE_LABELS = {
  PROVINCE_ADMIN: "Quản trị cấp tỉnh",
  DISTRICT_OFFICER: "Cán bộ cấp huyện",
  COMMUNE_OFFICER: "Cán bộ cấp xã",
  BRANCH_OFFICER: "Cán bộ chi hội",
  AUTHORITY: "Lãnh đạo UBND (người ký quyết định)",
  FUND_MANAGER: "Quản lý quỹ",
  AUDITOR: "Kiểm tra, giám sát",
  PARTNER: "Hệ thống đối tác",
};
const STATUS_LABELS = { ACTIVE: "Đang hoạt động", DISABLED: "Đã khóa" };
// The API's rules (services/registration/accounts/domain.py), checked before sending.
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const MIN_PASSWORD = 10;
const MAX_PASSWORD = 256;
const MAX_FULL_NAME = 120;
const PAGE_SIZE = 20;

const ACCOUNT_FIELDS = "username fullName role unitCode unitPath status mustChangePassword createdAt createdBy";
const UNIT = `query AccountsUnit($code: String!) {
  orgUnit(code: $code) { code name level children { code name level kindName } }
}`;
const ACCOUNTS = `query Accounts($code: String!, $first: Int!, $after: String) {
  accounts(unitCode: $code, first: $first, after: $after) {
    nodes { ${ACCOUNT_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const CREATE = `mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { ${ACCOUNT_FIELDS} } password }
}`;
const DISABLE = `mutation DisableAccount($input: AccountInput!) { disableAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const ENABLE = `mutation EnableAccount($input: AccountInput!) { enableAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const RESET = `mutation ResetPassword($input: AccountInput!) {
  resetPassword(input: $input) { account { ${ACCOUNT_FIELDS} } password }
}`;
const CHANGE = `mutation ChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { username } }`;

// A page of accounts (a Relay connection) as { items, nextCursor }: null at the end.
function readPage(page) {
  return { items: page.nodes, nextCursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null };
}

export function accountsPath(code) {
  return `/app/tai-khoan/${encodeURIComponent(code)}`;
}

const caseless = (text) => text.normalize("NFC").trim().toLowerCase();

// The password rules the API enforces, as a Vietnamese message (null when it passes).
function passwordProblem(password, username) {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    return `Mật khẩu phải có ít nhất ${MIN_PASSWORD} ký tự (tối đa ${MAX_PASSWORD}).`;
  }
  if (username && caseless(password) === caseless(username)) return "Mật khẩu không được trùng với tên đăng nhập.";
  return null;
}

function grantable(account) {
  if (account.role === "DISTRICT_OFFICER") return DISTRICT_GRANTS;
  return Object.keys(ROLE_LABELS).filter((role) => role !== "PARTNER");
}

// A one-time password shown once, with what to do with it.
function oneTimePassword(username, password) {
  return el(
    "div",
    { class: "alert info one-time", role: "status" },
    el("p", {}, "Mật khẩu tạm của ", el("strong", { text: username }), " (chỉ hiển thị một lần; hãy trao tận tay):"),
    el("p", {}, el("code", { class: "password", "data-password": username, text: password })),
    el("p", { class: "hint", text: "Người dùng phải đổi mật khẩu này sau khi đăng nhập (mục Đổi mật khẩu)." }),
  );
}

function createForm(unit, account, done) {
  const username = el("input", { id: "new-username", name: "username", autocomplete: "off", autocapitalize: "none", spellcheck: "false" });
  const fullName = el("input", { id: "new-fullname", name: "fullName", autocomplete: "off" });
  const role = el("select", { id: "new-role", name: "role" },
    el("option", { value: "", text: "— Chọn vai trò —" }),
    grantable(account).map((value) => el("option", { value, text: ROLE_LABELS[value] })));
  const unitChoice = el("select", { id: "new-unit", name: "unitCode" },
    [unit, ...unit.children].map((choice) =>
      el("option", { value: choice.code, text: `${choice.name} (${choice.code})` })));
  const password = el("input", { id: "new-password", name: "password", type: "password", autocomplete: "new-password" });
  const error = errorArea("create-error");
  const button = el("button", { type: "submit", id: "create-account", text: "Tạo tài khoản" });
  const form = el(
    "form",
    { class: "card account-form", novalidate: true, "aria-labelledby": "create-heading", onsubmit: submit },
    el("h2", { id: "create-heading", text: "Tạo tài khoản mới" }),
    error,
    el(
      "div",
      { class: "form-grid" },
      field("Tên đăng nhập", username, { required: true, hint: "3–64 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới." }),
      field("Họ và tên", fullName, { required: true }),
      field("Vai trò", role, { required: true }),
      field("Đơn vị", unitChoice, { required: true, hint: "Đơn vị này hoặc một đơn vị trực thuộc." }),
      field("Mật khẩu ban đầu", password, { hint: `Ít nhất ${MIN_PASSWORD} ký tự, khác tên đăng nhập. Để trống: hệ thống tạo mật khẩu tạm.` }),
    ),
    el("div", { class: "actions" }, button),
  );

  function problem() {
    const name = caseless(username.value);
    if (!USERNAME.test(name)) {
      return [username, "Tên đăng nhập gồm 3–64 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ cái hoặc chữ số."];
    }
    const full = fullName.value.trim();
    if (!full || full.length > MAX_FULL_NAME) return [fullName, `Họ và tên không được để trống và dài tối đa ${MAX_FULL_NAME} ký tự.`];
    if (!role.value) return [role, "Vui lòng chọn vai trò."];
    if (password.value) {
      const wrong = passwordProblem(password.value, name);
      if (wrong) return [password, wrong];
    }
    return null;
  }

  async function submit(event) {
    event.preventDefault();
    error.replaceChildren();
    const wrong = problem();
    if (wrong) {
      error.append(alertBox(wrong[1]));
      wrong[0].setAttribute("aria-invalid", "true");
      wrong[0].focus();
      return;
    }
    for (const input of [username, fullName, role, password]) input.removeAttribute("aria-invalid");
    const input = {
      username: caseless(username.value),
      fullName: fullName.value.trim(),
      role: role.value,
      unitCode: unitChoice.value,
      password: password.value || null,
    };
    try {
      const created = await busy(button, "Đang tạo…", () => api.query(CREATE, { input }));
      const chosen = unitChoice.selectedOptions[0].textContent;
      form.reset();
      done(
        `Đã tạo tài khoản ${created.createAccount.account.username} (${ROLE_LABELS[input.role]}) tại ${chosen}.`,
        created.createAccount.password ? oneTimePassword(input.username, created.createAccount.password) : null,
      );
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") showError(error, failure);
    }
  }
  return form;
}

function statusBadge(status) {
  return el("span", { class: `status ${status === "ACTIVE" ? "ok" : "bad"}`, "data-status": status, text: STATUS_LABELS[status] || status });
}

async function accountsScreen(code, account) {
  loading("Đang tải danh sách tài khoản…");
  const cursors = [null]; // the cursor of each page shown so far: [first page, second...]
  let unit;
  let page;
  try {
    const [found, first] = await Promise.all([
      api.query(UNIT, { code }),
      api.query(ACCOUNTS, { code, first: PAGE_SIZE, after: null }),
    ]);
    unit = found.orgUnit;
    page = readPage(first.accounts);
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return; // the sign-in screen took over
    show(
      "Không xem được",
      el("h1", { text: "Không xem được tài khoản của đơn vị này" }),
      alertBox(failure.message),
      el("p", {}, link("/app", "Về trang của tôi")),
    );
    return;
  }
  if (!unit) {
    show("Không tìm thấy", el("h1", { text: "Không tìm thấy đơn vị" }), alertBox(`Không có đơn vị mã ${code}.`));
    return;
  }

  const status = el("div", { id: "accounts-status", "aria-live": "polite", tabindex: "-1" });
  const listArea = el("div", { id: "accounts-list" });

  function tell(text, extra = null, kind = "info") {
    document.getElementById("create-error")?.replaceChildren(); // an earlier form error is stale now
    status.replaceChildren(alertBox(text, kind), extra);
    status.focus(); // the row's button was redrawn: the keyboard continues from the message
  }

  async function act(button, busyText, work, success) {
    status.replaceChildren();
    try {
      const result = await busy(button, busyText, work);
      await reload(cursors.length - 1);
      success(result);
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") tell(failure.message, null, "error");
    }
  }

  function actions(row) {
    if (row.username === account.username) return el("span", { class: "hint", text: "Tài khoản của bạn" });
    const who = `${row.username} (${row.fullName})`;
    const toggle = row.status === "ACTIVE"
      ? el("button", {
        type: "button", class: "danger", "data-action": "disable", "aria-label": `Khóa tài khoản ${row.username}`, text: "Khóa",
        onclick: () => {
          if (!window.confirm(`Khóa tài khoản ${who}? Các phiên đăng nhập của tài khoản này sẽ kết thúc.`)) return;
          act(toggle, "Đang khóa…", () => api.query(DISABLE, { input: { username: row.username } }),
            () => tell(`Đã khóa tài khoản ${who}; các phiên đăng nhập của tài khoản này đã kết thúc.`));
        },
      })
      : el("button", {
        type: "button", class: "plain", "data-action": "enable", "aria-label": `Mở khóa tài khoản ${row.username}`, text: "Mở khóa",
        onclick: () =>
          act(toggle, "Đang mở…", () => api.query(ENABLE, { input: { username: row.username } }),
            () => tell(`Đã mở khóa tài khoản ${who}.`)),
      });
    const reset = el("button", {
      type: "button", class: "plain", "data-action": "reset", "aria-label": `Đặt lại mật khẩu cho ${row.username}`, text: "Đặt lại mật khẩu",
      onclick: () => {
        if (!window.confirm(`Đặt lại mật khẩu cho ${who}? Mật khẩu cũ hết hiệu lực và các phiên đăng nhập kết thúc.`)) return;
        act(reset, "Đang đặt lại…", () => api.query(RESET, { input: { username: row.username } }),
          (result) => tell(`Đã đặt lại mật khẩu cho ${who}.`, oneTimePassword(row.username, result.resetPassword.password)));
      },
    });
    return el("span", { class: "row-actions" }, toggle, reset);
  }

  function drawList() {
    const number = cursors.length;
    const previous = el("button", {
      type: "button", class: "plain", id: "accounts-previous", text: "‹ Trang trước", disabled: number === 1,
      onclick: () => reload(number - 2),
    });
    const next = el("button", {
      type: "button", class: "plain", id: "accounts-next", text: "Trang sau ›", disabled: !page.nextCursor,
      onclick: () => {
        cursors.push(page.nextCursor);
        reload(cursors.length - 1);
      },
    });
    listArea.replaceChildren(
      table(
        "Danh sách tài khoản",
        [
          { label: "Tên đăng nhập", cell: (row) => row.username },
          { label: "Họ và tên", cell: (row) => row.fullName },
          { label: "Vai trò", cell: (row) => ROLE_LABELS[row.role] || row.role },
          { label: "Đơn vị", cell: (row) => row.unitCode },
          {
            label: "Trạng thái",
            cell: (row) => el("span", {}, statusBadge(row.status),
              row.mustChangePassword ? el("small", { text: "Chưa đổi mật khẩu tạm" }) : null),
          },
          { label: "Ngày tạo", cell: (row) => day(row.createdAt) },
          { label: "Thao tác", cell: actions },
        ],
        page.items,
        { empty: "Chưa có tài khoản nào.", rowAttrs: (row) => ({ "data-username": row.username }) },
      ),
      el("nav", { class: "pager", "aria-label": "Trang" },
        previous, el("span", { class: "page-number", text: `Trang ${number}` }), next),
    );
  }

  async function reload(index) {
    cursors.length = index + 1;
    page = readPage((await api.query(ACCOUNTS, { code, first: PAGE_SIZE, after: cursors[index] })).accounts);
    drawList();
  }

  drawList();
  show(
    `Tài khoản — ${unit.name}`,
    el("h1", { id: "accounts-title", "data-code": unit.code, text: `Tài khoản cán bộ: ${unit.name}` }),
    el("p", { class: "hint", text: "Tài khoản của đơn vị này và các đơn vị trực thuộc." }),
    status,
    createForm(unit, account, async (text, extra) => {
      try {
        await reload(0);
      } catch (failure) {
        if (failure.code === "UNAUTHENTICATED") return;
      }
      tell(text, extra);
    }),
    el("h2", { id: "list-heading", text: "Danh sách tài khoản" }),
    listArea,
    unitsBelow(unit),
  );
}

// The units below, each a link to its own accounts (a province → its districts → communes).
function unitsBelow(unit) {
  if (!unit.children.length) return null;
  return el(
    "section",
    { class: "children", "aria-labelledby": "accounts-children-heading" },
    el("h2", { id: "accounts-children-heading", text: "Tài khoản của đơn vị trực thuộc" }),
    el(
      "ul",
      { class: "units" },
      unit.children.map((child) =>
        el("li", {}, link(accountsPath(child.code), child.name, { "data-code": child.code }),
          el("span", { class: "level", text: child.kindName || child.code }))),
    ),
  );
}

function passwordScreen(account) {
  const old = el("input", { id: "old-password", type: "password", autocomplete: "current-password" });
  const fresh = el("input", { id: "new-password", type: "password", autocomplete: "new-password" });
  const again = el("input", { id: "again-password", type: "password", autocomplete: "new-password" });
  const error = errorArea("password-error");
  const status = el("div", { id: "password-status", "aria-live": "polite", tabindex: "-1" });
  const button = el("button", { type: "submit", id: "change-password", text: "Đổi mật khẩu" });
  const form = el(
    "form",
    { class: "card password-form", novalidate: true, onsubmit: submit },
    error,
    field("Mật khẩu hiện tại", old, { required: true }),
    field("Mật khẩu mới", fresh, { required: true, hint: `Ít nhất ${MIN_PASSWORD} ký tự, khác tên đăng nhập.` }),
    field("Nhập lại mật khẩu mới", again, { required: true }),
    el("div", { class: "actions" }, button),
  );
  async function submit(event) {
    event.preventDefault();
    error.replaceChildren();
    status.replaceChildren();
    let wrong = null;
    if (!old.value) wrong = [old, "Vui lòng nhập mật khẩu hiện tại."];
    else if (passwordProblem(fresh.value, account.username)) wrong = [fresh, passwordProblem(fresh.value, account.username)];
    else if (fresh.value !== again.value) wrong = [again, "Hai lần nhập mật khẩu mới không khớp."];
    if (wrong) {
      error.append(alertBox(wrong[1]));
      wrong[0].focus();
      return;
    }
    try {
      await busy(button, "Đang đổi…", () =>
        api.query(CHANGE, { input: { oldPassword: old.value, newPassword: fresh.value } }));
      form.reset();
      status.replaceChildren(alertBox(`Đã đổi mật khẩu của tài khoản ${account.username}. Lần đăng nhập sau hãy dùng mật khẩu mới.`, "info"));
      status.focus();
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") showError(error, failure);
    }
  }
  show(
    "Đổi mật khẩu",
    el("h1", { text: "Đổi mật khẩu" }),
    el("p", { class: "hint" }, "Tài khoản: ", el("strong", { text: account.username })),
    status,
    form,
  );
  old.focus();
}

route(/^\/app\/tai-khoan\/([^/]+)$/, (found, account) => accountsScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/tai-khoan\/?$/, (found, account) => go(accountsPath(account.unitCode), true));
route(/^\/app\/mat-khau$/, (found, account) => passwordScreen(account));
section({
  key: "accounts",
  label: "Tài khoản",
  href: (account) => accountsPath(account.unitCode),
  roles: MANAGERS,
  match: (path) => path.startsWith("/app/tai-khoan"),
});
section({ key: "password", label: "Đổi mật khẩu", href: () => "/app/mat-khau" });
