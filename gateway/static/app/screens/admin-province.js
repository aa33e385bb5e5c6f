// Administration, the province-wide part: criteria sets (bộ tiêu chí: what is in force, and the
// province's own versions uploaded and activated by its admin), partner webhooks, and the
// notification delivery log (with the replay of failed messages and e-mail subscriptions).

import * as api from "../api.js";
import { route } from "../router.js";
import { alertBox, busy, day, el, errorArea, field, number, provisionalBadge, showError, table } from "../ui.js";
import {
  adminPath, adminUnit, choice, formCard, frame, input, levelOf, tell, validYear, yearInput,
} from "./admin.js";

export const TITLE_NAMES = {
  FAMILY: "Gia đình học tập",
  CITIZEN: "Công dân học tập",
  CLAN: "Dòng họ học tập",
  COMMUNITY: "Cộng đồng học tập cấp thôn",
  COMMUNE_COMMUNITY: "Cộng đồng học tập cấp xã",
  UNIT: "Đơn vị học tập",
};
export const VERSION_STATUS = { DRAFT: "Bản nháp", ACTIVE: "Đang áp dụng", SUPERSEDED: "Đã thay thế" };
export const INDICATOR_KINDS = {
  POINTS: "Chấm điểm",
  MET: "Đạt / không đạt",
  COMPUTED: "Tính từ số liệu",
};
export const DELIVERY_STATUS = {
  PENDING: "Chờ gửi",
  SENDING: "Đang gửi",
  SENT: "Đã gửi",
  DEAD: "Gửi lỗi",
  SKIPPED: "Bỏ qua",
};
export const GROUP_NAMES = {
  rural: "Nông dân và lao động nông thôn",
  worker: "Công nhân và lao động khác",
  professional: "Trình độ cao đẳng trở lên; cán bộ, công chức, viên chức; doanh nhân",
};
const DELIVERY_TONE = { SENT: "ok", DEAD: "bad" };
export const CHANNELS = { SMS: "Tin nhắn SMS", EMAIL: "Thư điện tử", WEBHOOK: "Webhook" };
export const EVENTS = {
  registered: "Đăng ký",
  withdrawn: "Rút đăng ký",
  "member.joined": "Kết nạp hội viên",
  scored: "Chấm điểm",
  recognised: "Công nhận",
  revoked: "Thu hồi công nhận",
  donated: "Ủng hộ quỹ",
  disbursed: "Chi quỹ",
  reminder: "Nhắc hạn",
};
const PAGE = 20;
const LOG_LIMIT = 500;

const SETS_IN_FORCE = `query CriteriaSets($title: Title!, $year: Int!) {
  criteriaSets(title: $title, year: $year) {
    id version title decision issuer group level validFrom validTo passMark totalPoints meetingDecides
    provisional provisionalReason sources
    indicators { id name kind level maxPoints minPoints provisional }
  }
}`;
const OWN_SETS = `query TenantCriteriaSets { tenantCriteriaSets {
  setId version title status validFrom validTo effectiveFromYears provisional provisionalReason uploadedAt uploadedBy activatedAt
} }`;
const SET_VERSION = `query CriteriaSetVersion($setId: String!, $version: Int!) {
  criteriaSetVersion(setId: $setId, version: $version) { setId version yaml } }`;
const VALIDATE_SET = `query ValidateCriteriaSet($yaml: String!) {
  validateCriteriaSet(yaml: $yaml) { id title decision validFrom validTo passMark provisional provisionalReason
    indicators { id } } }`;
const UPLOAD_SET = `mutation UploadCriteriaSet($input: UploadCriteriaSetInput!) {
  uploadCriteriaSet(input: $input) { sets { setId version title status } } }`;
const ACTIVATE_SET = `mutation ActivateCriteriaSet($input: ActivateCriteriaSetInput!) {
  activateCriteriaSet(input: $input) { setId version status effectiveFromYears } }`;
const REGISTER_WEBHOOK = `mutation RegisterWebhook($input: WebhookInput!) {
  registerWebhook(input: $input) { name url events created secret } }`;
const LOG = `query Notifications($unitCode: String!, $first: Int!, $after: String, $status: DeliveryStatus) {
  notifications(unitCode: $unitCode, first: $first, after: $after, status: $status) {
    nodes { id event channel recipient status attempts reason created sentAt retryAt unitPath }
    pageInfo { hasNextPage endCursor }
  }
}`;
const REPLAY = "mutation ReplayNotifications { replayNotifications }";
const OPT_OUT = `mutation SetNotificationOptOut($input: OptOutInput!) {
  setNotificationOptOut(input: $input) { subjectId channel optedOut } }`;
const SUBSCRIBE = `mutation SubscribeNotifications($input: SubscriptionInput!) {
  subscribeNotifications(input: $input) { email events subscribed unitCode } }`;

const upper = (value) => String(value || "").toUpperCase();
const label = (names, value) => names[upper(value)] || names[value] || value || "—";

function when(value) {
  if (!value) return "—";
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) return day(value);
  const pad = (part) => String(part).padStart(2, "0");
  const date = `${pad(moment.getDate())}/${pad(moment.getMonth() + 1)}/${moment.getFullYear()}`;
  return `${date} ${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

function years(from, to) {
  if (!from) return "—";
  return to ? `${from}–${to}` : `từ ${from}`;
}

// --- criteria sets (bộ tiêu chí) ------------------------------------------------------------------

function chosen(name, fallback) {
  return new URLSearchParams(location.search).get(name) || fallback;
}

function setCard(set, index) {
  const headingId = `set-${set.id}`;
  const facts = [
    ["Văn bản ban hành", set.decision],
    ["Cơ quan ban hành", set.issuer],
    ["Năm áp dụng", years(set.validFrom, set.validTo)],
    ["Điểm đạt", set.meetingDecides ? "Hội nghị bình xét quyết định (tạm thời)" : set.passMark === null ? "—" : `${set.passMark}${set.totalPoints ? ` / ${set.totalPoints}` : ""}`],
  ];
  const indicators = table(
    `Các chỉ số của ${set.decision}`,
    [
      { label: "Chỉ số", cell: (row) => el("span", { class: "indicator", text: row.name || row.id }, row.provisional ? [" ", provisionalBadge(set.provisionalReason)] : null) },
      { label: "Cách đánh giá", cell: (row) => label(INDICATOR_KINDS, row.kind) },
      { label: "Mức", cell: (row) => String(row.level) },
      { label: "Điểm tối đa", cell: (row) => number(row.maxPoints) },
      { label: "Điểm tối thiểu", cell: (row) => number(row.minPoints) },
    ],
    set.indicators,
    { empty: "Bộ tiêu chí không có chỉ số.", rowAttrs: (row) => ({ "data-indicator": row.id }) },
  );
  return el(
    "article",
    { class: "card criteria-set", "data-set": set.id, "aria-labelledby": headingId },
    el(
      "h3",
      { id: headingId },
      set.decision,
      set.group ? ` — ${GROUP_NAMES[set.group] || set.group}` : null,
      set.version ? el("small", { text: ` (phiên bản ${set.version})` }) : null,
    ),
    set.provisional
      ? el("p", { class: "provisional" }, provisionalBadge(set.provisionalReason), " ",
        el("span", { class: "reason", text: set.provisionalReason || "Chưa có nguồn chính thức." }))
      : null,
    el("dl", { class: "facts" }, facts.map(([term, value]) => el("div", {}, el("dt", { text: term }), el("dd", { text: value })))),
    // the first set open; the others (one per labour group) folded, so a phone's page stays short
    el("details", { open: index === 0 }, el("summary", { text: `${set.indicators.length} chỉ số` }), indicators),
    set.sources.length
      ? el("details", { class: "sources" }, el("summary", { text: "Nguồn" }), el("ul", {}, set.sources.map((text) => el("li", { text }))))
      : null,
  );
}

async function criteriaScreen(code, account) {
  const unit = await adminUnit(code, account);
  if (!unit) return;
  const redraw = () => criteriaScreen(code, account);
  const title = TITLE_NAMES[chosen("danh-hieu", "FAMILY")] ? chosen("danh-hieu", "FAMILY") : "FAMILY";
  const year = validYear(chosen("nam", "")) || new Date().getFullYear();
  const admin = account.role === "PROVINCE_ADMIN" && levelOf(unit) === "PROVINCE";
  let sets;
  let own = [];
  try {
    sets = (await api.query(SETS_IN_FORCE, { title, year })).criteriaSets;
    if (admin) own = (await api.query(OWN_SETS)).tenantCriteriaSets;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    frame(unit, account, "bo-tieu-chi", alertBox(failure.message));
    return;
  }
  const titlePick = choice("criteria-title", TITLE_NAMES, { value: title });
  const yearPick = yearInput("criteria-year", year);
  const picker = el(
    "form",
    {
      class: "toolbar", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const wanted = validYear(yearPick.value) || year;
        history.pushState(null, "", `${adminPath(unit.code, "bo-tieu-chi")}?danh-hieu=${titlePick.value}&nam=${wanted}`);
        redraw();
      },
    },
    field("Danh hiệu", titlePick),
    field("Năm", yearPick),
    el("button", { type: "submit", class: "plain", id: "criteria-show", text: "Xem" }),
  );
  frame(
    unit,
    account,
    "bo-tieu-chi",
    picker,
    el(
      "section",
      { "aria-labelledby": "sets-heading", id: "sets-in-force" },
      el("h2", { id: "sets-heading", text: `Bộ tiêu chí “${TITLE_NAMES[title]}” áp dụng năm ${year}` }),
      sets.length ? sets.map(setCard) : el("p", { class: "hint", text: "Không có bộ tiêu chí nào áp dụng cho danh hiệu và năm này." }),
    ),
    admin
      ? [ownSets(own, redraw), uploadSet(redraw)]
      : el("p", { class: "hint", id: "criteria-admin-only", text: "Chỉ quản trị cấp tỉnh (tại trang quản trị của tỉnh) được tải lên và áp dụng bộ tiêu chí riêng của tỉnh." }),
  );
}

function ownSets(own, redraw) {
  const viewer = el("div", { id: "set-viewer", "aria-live": "polite" });
  const activation = el("div", { id: "set-activation" });
  const list = table(
    "Bộ tiêu chí riêng của tỉnh",
    [
      { label: "Mã bộ", cell: (row) => row.setId },
      { label: "Phiên bản", cell: (row) => String(row.version) },
      { label: "Danh hiệu", cell: (row) => label(TITLE_NAMES, row.title) },
      { label: "Trạng thái", cell: (row) => el("span", {}, label(VERSION_STATUS, row.status), row.provisional ? [" ", provisionalBadge(row.provisionalReason)] : null) },
      { label: "Áp dụng từ năm", cell: (row) => (row.effectiveFromYears.length ? row.effectiveFromYears.join(", ") : "—") },
      { label: "Tải lên", cell: (row) => `${day(row.uploadedAt)}${row.uploadedBy ? ` (${row.uploadedBy})` : ""}` },
      {
        label: "Thao tác",
        cell: (row) =>
          el(
            "span",
            { class: "row-actions" },
            el("button", {
              type: "button", class: "plain", text: "Xem YAML", "aria-label": `Xem YAML của ${row.setId} phiên bản ${row.version}`,
              onclick: async (event) => {
                try {
                  const found = await busy(event.currentTarget, "Đang tải…", () => api.query(SET_VERSION, { setId: row.setId, version: row.version }));
                  viewer.replaceChildren(
                    el("h3", { text: `${row.setId}, phiên bản ${row.version}` }),
                    el("pre", { class: "yaml", tabindex: "0", text: found.criteriaSetVersion.yaml || "" }),
                  );
                } catch (failure) {
                  viewer.replaceChildren(alertBox(failure.message));
                }
              },
            }),
            el("button", {
              type: "button", class: "plain", text: "Áp dụng", "data-activate": `${row.setId}:${row.version}`,
              "aria-label": `Áp dụng ${row.setId} phiên bản ${row.version}`,
              onclick: () => {
                activation.replaceChildren(activateForm(row, redraw));
                activation.querySelector("input").focus();
              },
            }),
          ),
      },
    ],
    own,
    { empty: "Tỉnh chưa tải lên bộ tiêu chí riêng." },
  );
  return el(
    "section",
    { "aria-labelledby": "own-heading", id: "own-sets" },
    el("h2", { id: "own-heading", text: "Bộ tiêu chí riêng của tỉnh" }),
    list,
    activation,
    viewer,
  );
}

function activateForm(row, redraw) {
  const from = yearInput("activate-year", Math.max(row.validFrom || 0, new Date().getFullYear()));
  return formCard({
    id: "set-activate",
    title: `Áp dụng ${row.setId} phiên bản ${row.version}`,
    submit: "Áp dụng",
    note: "Áp dụng từ năm đã chọn; các năm trước giữ bộ tiêu chí đã dùng.",
    fields: [field("Áp dụng từ năm", from, { required: true })],
    check: () =>
      validYear(from.value) === null ? "Năm không hợp lệ." :
        row.validTo && validYear(from.value) > row.validTo ? `Bộ tiêu chí này chỉ có hiệu lực đến năm ${row.validTo}.` :
          row.validFrom && validYear(from.value) < row.validFrom ? `Bộ tiêu chí này có hiệu lực từ năm ${row.validFrom}.` : null,
    send: () => api.query(ACTIVATE_SET, { input: { setId: row.setId, version: row.version, effectiveFromYear: validYear(from.value) } }),
    done: (data) => `Đã áp dụng ${data.activateCriteriaSet.setId} phiên bản ${data.activateCriteriaSet.version} từ năm ${from.value}.`,
    redraw,
  });
}

function uploadSet(redraw) {
  const picker = input("set-file", { type: "file", accept: ".yaml,.yml,text/yaml" });
  const text = el("textarea", { id: "set-yaml", rows: "10", spellcheck: "false" });
  const errors = errorArea("set-upload-error");
  const summary = el("div", { id: "set-summary", "aria-live": "polite" });
  const check = el("button", { type: "button", class: "plain", id: "set-validate", text: "Kiểm tra" });
  const upload = el("button", { type: "submit", id: "set-upload", text: "Tải lên", disabled: true });
  picker.addEventListener("change", async () => {
    const file = picker.files[0];
    if (!file) return;
    if (file.size > 256 * 1024) {
      errors.replaceChildren(alertBox("Tệp quá lớn: tối đa 256 KB."));
      return;
    }
    text.value = await file.text();
    upload.disabled = true;
    summary.replaceChildren();
  });
  text.addEventListener("input", () => {
    upload.disabled = true;
    summary.replaceChildren();
  });
  const yaml = () => text.value;
  check.addEventListener("click", async () => {
    errors.replaceChildren();
    summary.replaceChildren();
    if (!yaml().trim()) {
      errors.replaceChildren(alertBox("Vui lòng chọn tệp YAML hoặc dán nội dung bộ tiêu chí."));
      return;
    }
    try {
      const found = await busy(check, "Đang kiểm tra…", () => api.query(VALIDATE_SET, { yaml: yaml() }));
      summary.replaceChildren(
        alertBox(`Hợp lệ: ${found.validateCriteriaSet.length} bộ tiêu chí. Bấm “Tải lên” để lưu thành bản nháp.`, "info"),
        el(
          "ul",
          {},
          found.validateCriteriaSet.map((set) =>
            el(
              "li",
              {},
              `${set.id} — ${label(TITLE_NAMES, set.title)}, ${set.decision}, ${years(set.validFrom, set.validTo)}, ${set.indicators.length} chỉ số`,
              set.provisional ? [" ", provisionalBadge(set.provisionalReason)] : null,
            ),
          ),
        ),
      );
      upload.disabled = false;
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") showError(errors, failure);
    }
  });
  const form = el(
    "form",
    { class: "card admin-form", id: "set-upload-form", novalidate: true, "aria-labelledby": "set-upload-heading" },
    el("h2", { id: "set-upload-heading", text: "Tải lên bộ tiêu chí riêng" }),
    el("p", { class: "hint", text: "Chọn tệp YAML (tối đa 256 KB) hoặc dán nội dung; kiểm tra trước, rồi tải lên thành bản nháp và áp dụng ở bảng trên." }),
    errors,
    field("Tệp YAML", picker),
    field("Nội dung YAML", text, { required: true }),
    summary,
    el("div", { class: "actions" }, check, upload),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    if (!yaml().trim()) {
      errors.replaceChildren(alertBox("Vui lòng chọn tệp YAML hoặc dán nội dung bộ tiêu chí."));
      return;
    }
    try {
      const data = await busy(upload, "Đang tải lên…", () => api.query(UPLOAD_SET, { input: { yaml: yaml() } }));
      const sets = data.uploadCriteriaSet.sets;
      tell(`Đã tải lên ${sets.map((set) => `${set.setId} phiên bản ${set.version}`).join(", ")} (bản nháp, chưa áp dụng).`);
      await redraw();
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") showError(errors, failure);
    }
  });
  return form;
}

// --- partner webhooks ---------------------------------------------------------------------------

async function webhooksScreen(code, account) {
  const unit = await adminUnit(code, account, ["PROVINCE_ADMIN"]);
  if (!unit) return;
  const name = input("webhook-name", { maxlength: "60", autocomplete: "off", autocapitalize: "none", spellcheck: "false" });
  const url = input("webhook-url", { type: "url", maxlength: "500", autocomplete: "off", spellcheck: "false" });
  const boxes = Object.entries(EVENTS).filter(([key]) => key !== "reminder").map(([key, text]) =>
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "webhook-event", value: key }), ` ${text} (${key})`),
  );
  const result = el("div", { id: "webhook-result", "aria-live": "polite" });
  const form = formCard({
    id: "webhook-form",
    title: "Đăng ký webhook",
    submit: "Đăng ký",
    note: "Mỗi sự kiện của tỉnh được gửi (POST, có chữ ký) tới địa chỉ này. Đăng ký lại cùng tên thì không tạo mới.",
    fields: [
      field("Tên", name, { required: true, hint: "Chữ thường không dấu, số và dấu gạch ngang, ví dụ: cong-thong-tin" }),
      field("Địa chỉ nhận (URL)", url, { required: true, hint: "http:// hoặc https://" }),
      el("fieldset", { class: "field events" }, el("legend", { text: "Sự kiện (không chọn: tất cả)" }), boxes),
    ],
    check: () =>
      !/^[a-z0-9-]+$/.test(name.value.trim()) ? "Tên chỉ gồm chữ thường không dấu, số và dấu gạch ngang." :
        !/^https?:\/\/\S+$/.test(url.value.trim()) ? "Địa chỉ phải bắt đầu bằng http:// hoặc https://." : null,
    send: () =>
      api.query(REGISTER_WEBHOOK, {
        input: {
          name: name.value.trim(), url: url.value.trim(),
          events: boxes.map((box) => box.querySelector("input")).filter((box) => box.checked).map((box) => box.value),
        },
      }),
    done: (data) => {
      const hook = data.registerWebhook;
      result.replaceChildren(
        el(
          "section",
          { class: "card", "aria-labelledby": "webhook-done" },
          el("h2", { id: "webhook-done", text: `Webhook “${hook.name}”` }),
          el("p", { text: `Địa chỉ: ${hook.url}` }),
          el("p", { text: `Sự kiện: ${hook.events.map((key) => label(EVENTS, key)).join(", ") || "tất cả"}` }),
          hook.secret
            ? el("p", {}, "Khóa ký (chỉ hiện một lần, hãy lưu lại): ", el("code", { id: "webhook-secret", text: hook.secret }))
            : el("p", { class: "hint", text: "Webhook đã có từ trước: khóa ký không đổi và không hiện lại." }),
        ),
      );
      return hook.created ? `Đã đăng ký webhook “${hook.name}”.` : `Webhook “${hook.name}” đã có từ trước.`;
    },
  });
  frame(
    unit,
    account,
    "webhooks",
    el("p", { class: "hint", text: "Hệ thống chưa cung cấp danh sách các webhook đã đăng ký; chi tiết gửi từng tin xem ở Nhật ký thông báo." }),
    form,
    result,
  );
}

// --- the notification delivery log -------------------------------------------------------------

// One page of the log (newest first) and whether another follows. The log is a connection: the
// cursor of each page seen is kept (per unit and status), so "previous" and a reload of page n
// ask for that page again; a deep link to a page not seen walks there from the first.
const logCursors = new Map();

async function logPage(unitCode, status, page) {
  const key = `${unitCode}|${status}`;
  const cursors = logCursors.get(key) || [null];
  logCursors.set(key, cursors);
  let answer = null;
  for (let index = Math.min(page - 1, cursors.length - 1); index < page; index += 1) {
    answer = (await api.query(LOG, { unitCode, first: PAGE, after: cursors[index], status: status || null })).notifications;
    if (answer.pageInfo.hasNextPage) cursors[index + 1] = answer.pageInfo.endCursor;
    else if (index + 1 < page) return { shown: [], more: false };
  }
  return { shown: answer.nodes, more: answer.pageInfo.hasNextPage && page * PAGE < LOG_LIMIT };
}

async function logScreen(code, account) {
  const unit = await adminUnit(code, account);
  if (!unit) return;
  const redraw = () => logScreen(code, account);
  const status = DELIVERY_STATUS[chosen("trang-thai", "")] ? chosen("trang-thai", "") : "";
  const page = Math.max(1, Number.parseInt(chosen("trang", "1"), 10) || 1);
  let shown;
  let more;
  try {
    ({ shown, more } = await logPage(unit.code, status, page));
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    frame(unit, account, "thong-bao", alertBox(failure.message));
    return;
  }
  const address = (wantedPage) => {
    const query = new URLSearchParams();
    if (status) query.set("trang-thai", status);
    if (wantedPage > 1) query.set("trang", String(wantedPage));
    const text = query.toString();
    return `${adminPath(unit.code, "thong-bao")}${text ? `?${text}` : ""}`;
  };
  const goTo = (path) => {
    history.pushState(null, "", path);
    redraw();
  };
  const statusPick = choice("log-status", DELIVERY_STATUS, { blank: "Tất cả", value: status });
  const filter = el(
    "form",
    {
      class: "toolbar", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const query = statusPick.value ? `?trang-thai=${statusPick.value}` : "";
        goTo(`${adminPath(unit.code, "thong-bao")}${query}`);
      },
    },
    field("Trạng thái", statusPick),
    el("button", { type: "submit", class: "plain", id: "log-filter", text: "Lọc" }),
  );
  const list = table(
    `Nhật ký thông báo của ${unit.name}`,
    [
      { label: "Thời điểm", cell: (row) => when(row.created) },
      { label: "Sự kiện", cell: (row) => label(EVENTS, row.event) },
      { label: "Kênh", cell: (row) => label(CHANNELS, row.channel) },
      { label: "Người nhận", cell: (row) => el("span", { class: "recipient", text: row.recipient }) },
      {
        label: "Kết quả",
        cell: (row) =>
          el(
            "span",
            { class: "outcome" },
            el("span", {
              class: `status ${DELIVERY_TONE[upper(row.status)] || ""}`, "data-status": upper(row.status),
              text: label(DELIVERY_STATUS, row.status),
            }),
            row.sentAt ? el("small", { text: `lúc ${when(row.sentAt)}` }) : null,
            row.retryAt && !row.sentAt ? el("small", { text: `gửi lại lúc ${when(row.retryAt)}` }) : null,
          ),
      },
      { label: "Số lần gửi", cell: (row) => number(row.attempts) },
      { label: "Lý do", cell: (row) => row.reason || "—" },
      { label: "Từ chối nhận tin", cell: (row) => optOutButton(row, redraw) },
    ],
    shown,
    {
      empty: status ? "Không có tin nào ở trạng thái này." : "Chưa có thông báo nào được gửi cho đơn vị này.",
      rowAttrs: (row) => ({ "data-notification": row.id }),
    },
  );
  const pager = el(
    "nav",
    { class: "pager", "aria-label": "Trang nhật ký" },
    page > 1 ? el("button", { type: "button", class: "plain", id: "log-previous", text: "‹ Trang trước", onclick: () => goTo(address(page - 1)) }) : null,
    el("span", { text: ` Trang ${page} ` }),
    more ? el("button", { type: "button", class: "plain", id: "log-next", text: "Trang sau ›", onclick: () => goTo(address(page + 1)) }) : null,
  );
  const admin = account.role === "PROVINCE_ADMIN";
  frame(
    unit,
    account,
    "thong-bao",
    filter,
    el(
      "section",
      { "aria-labelledby": "log-heading", id: "delivery-log" },
      el("h2", { id: "log-heading", text: "Các tin đã gửi và đang chờ (mới nhất trước)" }),
      list,
      shown.length ? pager : null,
    ),
    admin ? replayCard(redraw) : null,
    subscribeCard(unit),
  );
}

// A household or citizen who asked not to be told through a channel (SMS, e-mail): recorded from
// the log's row that names them; the API checks the subject is in the officer's reach.
function optOutButton(row, redraw) {
  const subject = String(row.recipient).startsWith("subject:") ? row.recipient.slice("subject:".length) : null;
  if (!subject || upper(row.channel) === "WEBHOOK") return null;
  const status = el("span", { "aria-live": "polite" });
  const button = el("button", {
    type: "button", class: "plain", "data-opt-out": row.id,
    text: `Ngừng gửi ${label(CHANNELS, row.channel).toLowerCase()}`,
    onclick: async () => {
      try {
        await busy(button, "Đang ghi…", () =>
          api.query(OPT_OUT, { input: { subjectId: subject, channel: upper(row.channel), optedOut: true } }));
        tell(`Đã ghi: ${row.recipient} không nhận ${label(CHANNELS, row.channel).toLowerCase()} nữa.`);
        await redraw();
      } catch (failure) {
        if (failure.code !== "UNAUTHENTICATED") status.replaceChildren(alertBox(failure.message));
      }
    },
  });
  return el("span", {}, button, status);
}

function replayCard(redraw) {
  const errors = errorArea("replay-error");
  const button = el("button", { type: "button", id: "replay", class: "plain", text: "Gửi lại các tin lỗi" });
  button.addEventListener("click", async () => {
    errors.replaceChildren();
    try {
      const ids = (await busy(button, "Đang gửi lại…", () => api.query(REPLAY))).replayNotifications || [];
      tell(ids.length ? `Đã đưa ${number(ids.length)} tin lỗi vào hàng chờ gửi lại.` : "Không có tin lỗi nào cần gửi lại.");
      await redraw();
    } catch (failure) {
      if (failure.code !== "UNAUTHENTICATED") showError(errors, failure);
    }
  });
  return el(
    "section",
    { class: "card admin-form", "aria-labelledby": "replay-heading" },
    el("h2", { id: "replay-heading", text: "Gửi lại tin lỗi" }),
    el("p", { class: "hint", text: "Sau khi đã sửa nguyên nhân (số điện thoại, máy chủ thư, địa chỉ webhook), gửi lại mọi tin “Gửi lỗi” của tỉnh." }),
    errors,
    el("div", { class: "actions" }, button),
  );
}

function subscribeCard(unit) {
  const email = input("sub-email", { type: "email", autocomplete: "email", maxlength: "200" });
  const name = input("sub-name", { autocomplete: "name", maxlength: "200" });
  const leave = input("sub-leave", { type: "checkbox" });
  return formCard({
    id: "subscribe",
    title: "Nhận thư thông báo",
    submit: "Lưu",
    note: `Thư điện tử về công nhận và nhắc hạn của ${unit.name} và các đơn vị trực thuộc.`,
    fields: [
      field("Thư điện tử", email, { required: true }),
      field("Họ và tên người nhận", name, { required: true }),
      field("Thôi nhận thư", leave),
    ],
    check: () =>
      !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.value.trim()) ? "Địa chỉ thư điện tử không hợp lệ." :
        !name.value.trim() ? "Vui lòng nhập họ và tên người nhận." : null,
    send: () =>
      api.query(SUBSCRIBE, {
        input: { unitCode: unit.code, email: email.value.trim(), name: name.value.trim(), unsubscribe: leave.checked },
      }),
    done: (data) =>
      data.subscribeNotifications.subscribed
        ? `Đã đăng ký ${data.subscribeNotifications.email} nhận thư của ${unit.name}.`
        : `${data.subscribeNotifications.email} đã thôi nhận thư của ${unit.name}.`,
  });
}

const code = (found) => decodeURIComponent(found[1]);
route(/^\/app\/quan-tri\/([^/]+)\/bo-tieu-chi$/, (found, account) => criteriaScreen(code(found), account));
route(/^\/app\/quan-tri\/([^/]+)\/webhooks$/, (found, account) => webhooksScreen(code(found), account));
route(/^\/app\/quan-tri\/([^/]+)\/thong-bao$/, (found, account) => logScreen(code(found), account));
