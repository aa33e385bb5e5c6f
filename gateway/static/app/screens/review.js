// The year's review (bình xét): a unit's lists by title with each registration's stage and verdict
// (/app/binh-xet/<unit>?nam=&danh-hieu=), one registration's self-assessment against the criteria
// set in force (/app/binh-xet/tu-danh-gia/<enrolmentId>), and the list-review meeting: its minutes
// and each registration's verdict, typed in or uploaded as the filled review sheet
// (/app/binh-xet/<unit>/hop?nam=&danh-hieu=). Every verdict is shown with its explanation:
// which criteria and indicators were met or not, and why (the engine's Vietnamese reasons).

import * as api from "../api.js";
import { go, param, route, section } from "../router.js";
import {
  alertBox, busy, day, downloadButton, el, errorArea, field, link, loading, number, provisionalBadge,
  show, showError, table,
} from "../ui.js";
import { FIRST_YEAR, TITLES } from "./home.js";

// --- constants: roles, labels, addresses, query texts ---------------------------------------------

const REVIEWERS = ["PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER"];
const PAGE = 50;

// The title in the address, in Vietnamese (danh-hieu=gia-dinh), and its API name.
const TITLE_SLUGS = {
  "gia-dinh": "FAMILY",
  "cong-dan": "CITIZEN",
  "dong-ho": "CLAN",
  "cong-dong-thon": "COMMUNITY",
  "cong-dong-xa": "COMMUNE_COMMUNITY",
  "don-vi": "UNIT",
};
const TITLE_NAMES = Object.fromEntries(TITLES);
const slugOf = (title) => Object.keys(TITLE_SLUGS).find((slug) => TITLE_SLUGS[slug] === title);

const VERDICTS = {
  recognised: ["Đủ điều kiện", "ok"],
  not_recognised: ["Chưa đạt", "bad"],
  undecidable: ["Chưa thể kết luận", ""],
  skipped: ["Không ghi được", "bad"],
};
const STATES = { recorded: "Đã ghi", applying: "Đang ghi tiếp" };
const KINDS = { points: "Chấm điểm", met: "Đạt / chưa đạt", computed: "Nền tảng tự tính" };
const MINUTES_TYPES = ["application/pdf", "image/jpeg", "image/png"];

const VERDICT_FIELDS = `status level total provisional provisionalReason decidedByMeeting missing
  reasons { key message }
  explanation { id name points maxPoints
    indicators { id name kind points maxPoints minPoints met value belowFloor reasons { key message } } }`;
const STAGE_FIELDS = `at by setId meetingDate minutes note agree agreed reviewId verdict { ${VERDICT_FIELDS} }`;
const ASSESSMENT_FIELDS = `enrolmentId title year unitPath status provisional provisionalReason
  selfAssessment { ${STAGE_FIELDS} }
  review { ${STAGE_FIELDS} }
  recognition { decisionNumber decisionDate }`;

const LISTS = `query ReviewLists($code: String!, $title: Title!, $year: Int!) {
  orgUnit(code: $code) { code name level children { code name level kindName } }
  reviewRegistrations(unitCode: $code, title: $title, year: $year, first: 2000) {
    enrolmentId name assessment { ${ASSESSMENT_FIELDS} }
  }
  listReviews(unitCode: $code, year: $year) {
    id documentId title meetingDate state rows recognised notRecognised undecidable skipped
  }
}`;
const LIST_REVIEW = `query ListReview($id: String!) {
  listReview(id: $id) {
    id documentId meetingDate chair secretary attendees minutes state
    minutesFile { fileName url }
    rows { row enrolmentId status agreed note total level provisional skipped }
  }
}`;
const ASSESSMENT = `query SelfAssessment($id: String!) { assessment(enrolmentId: $id) { ${ASSESSMENT_FIELDS} } }`;
const CRITERIA = `query CriteriaInForce($title: Title!, $year: Int!) {
  criteriaSets(title: $title, year: $year) {
    id issuer decision group level validFrom validTo totalPoints passMark provisional provisionalReason
    meetingDecides sources
    criteria { id name maxPoints indicators }
    indicators { id name kind maxPoints minPoints level provisional }
  }
}`;
const SUBMIT = `mutation SubmitSelfAssessment($input: ScoreInput!) {
  submitSelfAssessment(input: $input) { ${ASSESSMENT_FIELDS} }
}`;
const RECORD = `mutation RecordListReview($input: ListReviewInput!) {
  recordListReview(input: $input) {
    id documentId rows { row enrolmentId status } minutesFile { fileName url }
  }
}`;
const IMPORT = `mutation ImportListReview($input: ListReviewSheetInput!) {
  importListReview(input: $input) {
    listReview { id documentId rows { row enrolmentId status } minutesFile { fileName url } }
    problems { row column message }
    errorReport
  }
}`;

// --- addresses ----------------------------------------------------------------------------------

export function reviewPath(code, year, title) {
  const query = new URLSearchParams();
  if (year) query.set("nam", String(year));
  if (title) query.set("danh-hieu", slugOf(title));
  const tail = query.toString();
  return `/app/binh-xet/${encodeURIComponent(code)}${tail ? `?${tail}` : ""}`;
}

const meetingPath = (code, year, title) =>
  reviewPath(code, year, title).replace(/(\/app\/binh-xet\/[^?]+)/, "$1/hop");
const selfPath = (enrolmentId) => `/app/binh-xet/tu-danh-gia/${encodeURIComponent(enrolmentId)}`;

function chosenYear() {
  const value = Number(param("nam"));
  const now = new Date().getFullYear();
  return Number.isInteger(value) && value >= FIRST_YEAR && value <= now + 1 ? value : now;
}

const chosenTitle = () => TITLE_SLUGS[param("danh-hieu")] || "FAMILY";

// --- shared pieces: verdicts and their explanation ----------------------------------------------

function verdictLabel(status) {
  const [label, kind] = VERDICTS[status] || [status || "—", ""];
  return el("span", { class: `status ${kind}`, "data-verdict": status || "", text: label });
}

function stageCell(stage) {
  if (!stage) return el("span", { class: "hint", text: "Chưa có" });
  return el(
    "span",
    {},
    verdictLabel(stage.verdict.status),
    stage.verdict.total !== null ? el("small", { text: `${number(stage.verdict.total)} điểm` }) : null,
  );
}

function indicatorResult(indicator) {
  if (indicator.kind === "points") {
    if (indicator.points === null) return "Chưa chấm";
    const max = indicator.maxPoints !== null ? `/${indicator.maxPoints}` : "";
    return `${indicator.points}${max} điểm`;
  }
  if (indicator.kind === "computed" && indicator.value !== null) {
    return `${number(indicator.value)} — ${indicator.met ? "đạt" : "chưa đạt"}`;
  }
  if (indicator.met === null) return "Chưa có kết quả";
  return indicator.met ? "Đạt" : "Chưa đạt";
}

function indicatorClass(indicator) {
  if (indicator.met === false || indicator.belowFloor) return "unmet";
  if (indicator.met === true) return "met";
  return "";
}

// The verdict with why: the outcome, the total, the reasons, then criterion by criterion.
function verdictView(verdict, heading, headingId) {
  const explanation = verdict.explanation.map((criterion) =>
    el(
      "li",
      { "data-criterion": criterion.id },
      el(
        "strong",
        {},
        criterion.name || "Tiêu chí",
        criterion.points !== null
          ? ` — ${criterion.points}${criterion.maxPoints !== null ? `/${criterion.maxPoints}` : ""} điểm`
          : "",
      ),
      el(
        "ul",
        { class: "criteria" },
        criterion.indicators.map((indicator) =>
          el(
            "li",
            { class: indicatorClass(indicator), "data-indicator": indicator.id },
            el("span", { text: indicator.name || "Chỉ số" }),
            el("span", { class: "result", text: `: ${indicatorResult(indicator)}` }),
            indicator.reasons.length
              ? el("small", { class: "why", text: indicator.reasons.map((r) => r.message).join(" ") })
              : null,
          ),
        ),
      ),
    ),
  );
  return el(
    "section",
    { class: "verdict card", "aria-labelledby": headingId, "data-status": verdict.status },
    el("h2", { id: headingId }, heading, " ", verdictLabel(verdict.status)),
    verdict.provisional ? el("p", {}, provisionalBadge(verdict.provisionalReason), " ",
      el("small", { class: "hint", text: verdict.provisionalReason || "" })) : null,
    el(
      "p",
      {},
      verdict.total !== null ? `Tổng điểm: ${number(verdict.total)}. ` : "",
      verdict.level ? `Mức độ: ${verdict.level}. ` : "",
      verdict.decidedByMeeting ? "Hội nghị bình xét quyết định (bộ tiêu chí chưa có điểm đạt chính thức)." : "",
    ),
    verdict.reasons.length
      ? el("ul", { class: "reasons" }, verdict.reasons.map((reason) => el("li", { "data-reason": reason.key, text: reason.message })))
      : null,
    el("h3", { text: "Giải thích theo tiêu chí" }),
    el("ol", { class: "explanation" }, explanation),
  );
}

// Mark a field wrong (announced by screen readers) or right again.
function invalid(input, bad) {
  if (bad) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function yearSelect(id, year, onchange) {
  const now = new Date().getFullYear();
  const select = el("select", { id, onchange: () => onchange(Number(select.value)) });
  for (let option = now + 1; option >= FIRST_YEAR; option -= 1) {
    select.append(el("option", { value: String(option), selected: option === year, text: String(option) }));
  }
  return select;
}

function titleSelect(id, title, onchange) {
  const select = el("select", { id, onchange: () => onchange(select.value) });
  for (const [key, name] of TITLES) select.append(el("option", { value: key, selected: key === title, text: name }));
  return select;
}

function refused(title, failure, account) {
  if (failure.code === "UNAUTHENTICATED") return;
  show(
    title,
    el("h1", { text: title }),
    alertBox(failure.message || String(failure)),
    el("p", {}, link(reviewPath(account.unitCode), "Về danh sách bình xét của đơn vị tôi")),
  );
}

// --- the lists of the year ----------------------------------------------------------------------

function pagedTable(caption, columns, rows, attrs) {
  const holder = el("div", { class: "paged" });
  let page = 0;
  const draw = () => {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    const shown = rows.slice(page * PAGE, (page + 1) * PAGE);
    const pager = rows.length > PAGE
      ? el(
        "nav",
        { class: "pager", "aria-label": "Trang" },
        el("button", { type: "button", class: "plain", disabled: page === 0, text: "‹ Trang trước", onclick: () => { page -= 1; draw(); } }),
        el("span", { text: `Trang ${page + 1}/${pages}` }),
        el("button", { type: "button", class: "plain", disabled: page >= pages - 1, text: "Trang sau ›", onclick: () => { page += 1; draw(); } }),
      )
      : null;
    holder.replaceChildren(...[table(caption, columns, shown, attrs), pager].filter(Boolean));
  };
  draw();
  return holder;
}

function registrationsTable(registrations, title) {
  const columns = [
    { label: "Đối tượng", cell: (r) => el("span", {}, r.name || "—", el("small", { text: r.enrolmentId })) },
    { label: "Tự đánh giá", cell: (r) => stageCell(r.assessment.selfAssessment) },
    { label: "Bình xét", cell: (r) => stageCell(r.assessment.review) },
    {
      label: "Công nhận",
      cell: (r) =>
        r.assessment.recognition
          ? `QĐ ${r.assessment.recognition.decisionNumber} (${day(r.assessment.recognition.decisionDate)})`
          : r.assessment.status === "WITHDRAWN" ? "Đã rút đăng ký" : "Chưa",
    },
    {
      label: "Thao tác",
      cell: (r) =>
        r.assessment.status === "WITHDRAWN"
          ? "—"
          : link(selfPath(r.enrolmentId), r.assessment.selfAssessment ? "Xem, sửa tự đánh giá" : "Tự đánh giá", {
            "aria-label": `Tự đánh giá: ${r.name || r.enrolmentId}`,
          }),
    },
  ];
  return pagedTable(
    `Danh sách đăng ký ${TITLE_NAMES[title]}`,
    columns,
    registrations,
    { empty: "Đơn vị chưa có đăng ký nào cho danh hiệu này trong năm.", rowAttrs: (r) => ({ "data-enrolment": r.enrolmentId }) },
  );
}

// A recorded meeting, opened in place: its minutes, its rows with the names and verdicts.
async function openListReview(id, names, holder, button) {
  let found;
  try {
    found = (await busy(button, "Đang tải…", () => api.query(LIST_REVIEW, { id }))).listReview;
  } catch (failure) {
    holder.replaceChildren(alertBox(failure.message));
    return;
  }
  const rows = table(
    `Kết quả biên bản ${found.documentId}`,
    [
      { label: "Dòng", cell: (r) => String(r.row) },
      { label: "Đối tượng", cell: (r) => names[r.enrolmentId] || r.enrolmentId },
      { label: "Hội nghị", cell: (r) => (r.agreed ? "Đồng ý" : "Không đồng ý") },
      { label: "Kết quả", cell: (r) => el("span", {}, verdictLabel(r.status), r.provisional ? provisionalBadge() : null) },
      { label: "Ghi chú", cell: (r) => r.note || r.skipped || "—" },
    ],
    found.rows,
  );
  holder.replaceChildren(
    el(
      "div",
      { class: "card minutes", tabindex: "-1" },
      el("p", {}, `Chủ trì: ${found.chair || "—"} · Thư ký: ${found.secretary || "—"} · Số người dự: ${number(found.attendees)}`),
      el("p", { class: "minutes-text", text: found.minutes }),
      found.minutesFile ? downloadButton("Tải bản chụp biên bản", found.minutesFile.url, found.minutesFile.fileName) : null,
      rows,
    ),
  );
  holder.firstChild.focus();
}

function listReviewsSection(reviews, title, names) {
  const mine = reviews.filter((review) => review.title === title);
  const sectionNode = el(
    "section",
    { "aria-labelledby": "minutes-heading" },
    el("h2", { id: "minutes-heading", text: "Biên bản bình xét đã ghi" }),
  );
  if (!mine.length) {
    sectionNode.append(el("p", { class: "hint empty", text: "Chưa có biên bản bình xét nào cho danh hiệu này trong năm." }));
    return sectionNode;
  }
  sectionNode.append(
    table(
      "Biên bản bình xét đã ghi",
      [
        { label: "Số biên bản", cell: (r) => r.documentId },
        { label: "Ngày họp", cell: (r) => day(r.meetingDate) },
        { label: "Số dòng", cell: (r) => number(r.rows) },
        { label: "Đủ điều kiện", cell: (r) => number(r.recognised) },
        { label: "Chưa đạt", cell: (r) => number(r.notRecognised) },
        { label: "Chưa thể kết luận", cell: (r) => number(r.undecidable) },
        { label: "Trạng thái", cell: (r) => STATES[r.state] || r.state },
        {
          label: "Chi tiết",
          cell: (r) => {
            const holder = el("div", { class: "review-detail", id: `review-${r.id}` });
            const button = el("button", {
              type: "button", class: "plain", text: "Xem biên bản", "data-review": r.id,
              onclick: () => openListReview(r.id, names, holder, button),
            });
            return el("div", {}, button, holder);
          },
        },
      ],
      mine,
      { rowAttrs: (r) => ({ "data-document": r.documentId }) },
    ),
  );
  return sectionNode;
}

async function listsScreen(code, account) {
  const year = chosenYear();
  const title = chosenTitle();
  loading("Đang tải danh sách bình xét…");
  let data;
  try {
    data = await api.query(LISTS, { code, title, year });
  } catch (failure) {
    refused("Không xem được danh sách bình xét", failure, account);
    return;
  }
  if (!data.orgUnit) {
    show("Không tìm thấy", el("h1", { text: "Không tìm thấy đơn vị" }), alertBox(`Không có đơn vị mã ${code}.`));
    return;
  }
  const unit = data.orgUnit;
  const registrations = data.reviewRegistrations;
  const names = Object.fromEntries(registrations.map((r) => [r.enrolmentId, r.name]));
  const count = (test) => registrations.filter(test).length;
  const summary = el(
    "dl",
    { class: "numbers review-numbers" },
    [
      ["registered", "Đăng ký", count((r) => r.assessment.status !== "WITHDRAWN")],
      ["assessed", "Đã tự đánh giá", count((r) => r.assessment.selfAssessment)],
      ["reviewed", "Đã bình xét", count((r) => r.assessment.review)],
    ].map(([key, label, value]) => el("div", {}, el("dt", { text: label }), el("dd", { "data-figure": key, text: number(value) }))),
  );
  const canReview = REVIEWERS.includes(account.role);
  show(
    `Bình xét — ${unit.name}`,
    el(
      "div",
      { class: "heading" },
      el("h1", { id: "review-unit", "data-code": unit.code, "data-year": String(year), "data-title": title }, `Bình xét — ${unit.name}`),
    ),
    el(
      "div",
      { class: "toolbar" },
      field("Danh hiệu", titleSelect("review-title", title, (chosen) => go(reviewPath(code, year, chosen)))),
      field("Năm", yearSelect("review-year", year, (chosen) => go(reviewPath(code, chosen, title)))),
    ),
    summary,
    canReview
      ? el("p", { class: "actions" }, link(meetingPath(code, year, title), "Họp bình xét: ghi biên bản", { class: "button", id: "open-meeting" }))
      : null,
    el("h2", { text: `Đăng ký ${TITLE_NAMES[title]} năm ${year}` }),
    registrationsTable(registrations, title),
    listReviewsSection(data.listReviews, title, names),
    unit.children.length
      ? el(
        "section",
        { "aria-labelledby": "review-children" },
        el("h2", { id: "review-children", text: "Đơn vị trực thuộc" }),
        el("ul", { class: "units" }, unit.children.map((child) =>
          el("li", {}, link(reviewPath(child.code, year, title), child.name, { "data-code": child.code }),
            el("span", { class: "level", text: child.kindName || "" })))),
      )
      : null,
  );
}

// --- one registration's self-assessment ---------------------------------------------------------

function setHeader(set) {
  return el(
    "section",
    { class: "card criteria-set", "aria-labelledby": "set-heading", "data-set": set.id },
    el("h2", { id: "set-heading" }, `Bộ tiêu chí: ${set.decision}`, set.provisional ? provisionalBadge(set.provisionalReason) : null),
    el("p", {}, `Ban hành: ${set.issuer}. Áp dụng từ năm ${set.validFrom}${set.validTo ? ` đến năm ${set.validTo}` : ""}.`,
      set.totalPoints ? ` Tổng điểm tối đa: ${set.totalPoints}.` : "",
      set.passMark !== null ? ` Điểm đạt: ${set.passMark}.` : " Điểm đạt: chưa có số chính thức."),
    set.provisional && set.provisionalReason ? el("p", { class: "alert info provisional-reason", text: set.provisionalReason }) : null,
    el(
      "details",
      {},
      el("summary", { text: "Nguồn của bộ tiêu chí" }),
      el("ul", { class: "sources" }, set.sources.map((source) => el("li", { text: source }))),
    ),
  );
}

// The earlier answers, from the verdict's explanation (the stage keeps no raw answers).
function earlierAnswers(stage) {
  const answers = {};
  for (const criterion of stage ? stage.verdict.explanation : []) {
    for (const indicator of criterion.indicators) answers[indicator.id] = indicator;
  }
  return answers;
}

function indicatorInput(indicator, earlier) {
  const id = `ind-${indicator.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const badge = indicator.provisional ? provisionalBadge("Nội dung hoặc điểm của chỉ số này chưa chính thức.") : null;
  const label = el("span", {}, indicator.name || indicator.id, badge);
  if (indicator.kind === "points") {
    const input = el("input", {
      id, type: "number", inputmode: "numeric", min: "0", step: "1",
      max: indicator.maxPoints !== null ? String(indicator.maxPoints) : null,
      "data-indicator": indicator.id, "data-kind": "points", "data-name": indicator.name || indicator.id,
      value: earlier && earlier.points !== null ? String(earlier.points) : null,
    });
    const hint = indicator.maxPoints !== null
      ? `Từ 0 đến ${indicator.maxPoints} điểm${indicator.minPoints ? `; tối thiểu ${indicator.minPoints}` : ""}.`
      : "Điểm tối đa chưa có số chính thức: nhập số điểm hội nghị/gia đình chấm.";
    return field(label, input, { hint, required: true });
  }
  if (indicator.kind === "met") {
    const select = el(
      "select",
      { id, "data-indicator": indicator.id, "data-kind": "met", "data-name": indicator.name || indicator.id },
      el("option", { value: "", text: "— Chọn —" }),
      el("option", { value: "true", text: "Đạt", selected: earlier && earlier.met === true }),
      el("option", { value: "false", text: "Chưa đạt", selected: earlier && earlier.met === false }),
    );
    return field(label, select, { required: true });
  }
  return el("div", { class: "field" }, el("span", { class: "label" }, label),
    el("small", { class: "hint", text: `${KINDS.computed} từ số liệu của đơn vị; không cần nhập.` }));
}

function collectAnswers(form) {
  const answers = [];
  const problems = [];
  for (const input of form.querySelectorAll("[data-indicator]")) {
    const indicator = input.dataset.indicator;
    const name = input.dataset.name;
    invalid(input, false);
    if (input.dataset.kind === "points") {
      const text = input.value.trim();
      const points = Number(text);
      const max = input.max === "" ? null : Number(input.max);
      if (text === "" || !Number.isInteger(points) || points < 0 || (max !== null && points > max)) {
        invalid(input, true);
        problems.push(text === "" ? `Chưa chấm điểm chỉ số “${name}”.` : `Điểm của chỉ số “${name}” phải là số nguyên từ 0${max !== null ? ` đến ${max}` : ""}.`);
      } else answers.push({ indicator, points });
    } else if (input.value === "") {
      invalid(input, true);
      problems.push(`Chưa chọn kết quả của chỉ số “${name}”.`);
    } else answers.push({ indicator, met: input.value === "true" });
  }
  return { answers, problems };
}

function criteriaForm(set, stage, onSubmit) {
  const earlier = earlierAnswers(stage);
  const indicators = Object.fromEntries(set.indicators.map((indicator) => [indicator.id, indicator]));
  const groups = set.criteria.length
    ? set.criteria
    : [{ id: "all", name: "Các chỉ số", maxPoints: null, indicators: set.indicators.map((i) => i.id) }];
  const errors = errorArea("self-errors");
  const button = el("button", { type: "submit", id: "submit-self", text: "Ghi phiếu tự đánh giá" });
  const form = el(
    "form",
    { class: "card self-form", novalidate: true, "aria-labelledby": "form-heading" },
    el("h2", { id: "form-heading", text: "Phiếu tự đánh giá" }),
    el("p", { class: "hint", text: "Các ô có dấu * là bắt buộc. Chấm từng chỉ số theo đúng nội dung tiêu chí." }),
    groups.map((criterion) =>
      el(
        "fieldset",
        { class: "criterion", "data-criterion": criterion.id },
        el("legend", {}, criterion.name || "Tiêu chí", criterion.maxPoints !== null ? ` (tối đa ${criterion.maxPoints} điểm)` : ""),
        criterion.indicators.map((id) => (indicators[id] ? indicatorInput(indicators[id], earlier[id]) : null)),
      ),
    ),
    errors,
    el("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const { answers, problems } = collectAnswers(form);
    if (problems.length) {
      errors.replaceChildren(alertBox(problems.join(" ")));
      const first = form.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return;
    }
    try {
      await busy(button, "Đang ghi…", () => onSubmit(answers));
    } catch (failure) {
      showError(errors, failure);
    }
  });
  return form;
}

async function selfScreen(enrolmentId, account) {
  loading("Đang tải phiếu tự đánh giá…");
  let assessment;
  let sets;
  try {
    assessment = (await api.query(ASSESSMENT, { id: enrolmentId })).assessment;
    if (!assessment) {
      show("Không tìm thấy", el("h1", { text: "Không tìm thấy đăng ký" }), alertBox(`Không có đăng ký mã ${enrolmentId}.`));
      return;
    }
    sets = (await api.query(CRITERIA, { title: assessment.title, year: assessment.year })).criteriaSets;
  } catch (failure) {
    refused("Không mở được phiếu tự đánh giá", failure, account);
    return;
  }
  const unitCode = assessment.unitPath.split("/").pop();
  const back = link(reviewPath(unitCode, assessment.year, assessment.title), "‹ Danh sách bình xét");
  const head = el(
    "div",
    {},
    el("p", {}, back),
    el("h1", { id: "self-heading", "data-enrolment": enrolmentId }, `Tự đánh giá — ${TITLE_NAMES[assessment.title]} năm ${assessment.year}`),
    el("p", { class: "hint" }, `Mã đăng ký: ${enrolmentId}`),
  );
  const status = el("div", { id: "self-status", "aria-live": "polite" });
  const verdictHolder = el("div", { id: "self-verdict" });
  const drawVerdicts = (found) => {
    verdictHolder.replaceChildren(...[
      found.selfAssessment ? verdictView(found.selfAssessment.verdict, "Kết quả tự đánh giá:", "self-verdict-heading") : null,
      found.review ? verdictView(found.review.verdict, "Kết quả bình xét:", "review-verdict-heading") : null,
    ].filter(Boolean));
  };
  drawVerdicts(assessment);
  if (!sets.length) {
    show("Tự đánh giá", head, alertBox("Chưa có bộ tiêu chí nào áp dụng cho danh hiệu và năm này."), verdictHolder);
    return;
  }
  const usedSet = (assessment.selfAssessment || assessment.review || {}).setId;
  let chosen = sets.find((set) => set.id === usedSet) || sets[0];
  const formHolder = el("div", {});
  const canWrite = REVIEWERS.includes(account.role) && assessment.status !== "WITHDRAWN" && !assessment.recognition;
  const drawForm = () => {
    formHolder.replaceChildren(
      setHeader(chosen),
      canWrite
        ? criteriaForm(chosen, assessment.selfAssessment, async (answers) => {
          const input = { enrolmentId, answers };
          if (chosen.group) input.group = chosen.group;
          assessment = (await api.query(SUBMIT, { input })).submitSelfAssessment;
          const outcome = VERDICTS[assessment.selfAssessment.verdict.status][0];
          status.replaceChildren(alertBox(`Đã ghi phiếu tự đánh giá (mã đăng ký ${enrolmentId}): ${outcome.toLowerCase()}.`, "info"));
          drawVerdicts(assessment);
          const heading = document.getElementById("self-verdict-heading");
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        })
        : alertBox(assessment.recognition ? "Đăng ký đã được công nhận: không sửa tự đánh giá." : "Bạn chỉ xem được phiếu này.", "info"),
    );
  };
  const groupPicker = sets.length > 1
    ? field(
      "Nhóm đối tượng (mẫu đánh giá)",
      el(
        "select",
        {
          id: "self-group",
          onchange: (event) => {
            chosen = sets.find((set) => set.id === event.target.value);
            drawForm();
          },
        },
        sets.map((set) => el("option", { value: set.id, selected: set === chosen, text: `${set.group || set.level || "Chung"} — ${set.decision}` })),
      ),
    )
    : null;
  drawForm();
  show("Tự đánh giá", head, status, groupPicker, verdictHolder, formHolder);
}

// --- the list-review meeting --------------------------------------------------------------------

function today() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

function meetingFields(year) {
  const last = String(year) === today().slice(0, 4) ? today() : `${year}-12-31`;
  const input = (id, attrs = {}) => el("input", { id, ...attrs });
  return el(
    "fieldset",
    { class: "card meeting" },
    el("legend", { text: "Thông tin cuộc họp" }),
    el(
      "div",
      { class: "form-grid" },
      field("Số biên bản", input("m-document", { autocomplete: "off" }), { required: true, hint: "Số/mã biên bản của đơn vị, ví dụ 01/BB-BX." }),
      field("Ngày họp", input("m-date", { type: "date", min: `${year}-01-01`, max: last }), { required: true, hint: `Từ 01/01/${year} đến hôm nay.` }),
      field("Chủ trì", input("m-chair", { autocomplete: "name" })),
      field("Thư ký", input("m-secretary", { autocomplete: "name" })),
      field("Số người dự họp", input("m-attendees", { type: "number", min: "1", step: "1", inputmode: "numeric" })),
      field("Bản chụp biên bản (PDF, JPG, PNG)", input("m-file", { type: "file", accept: MINUTES_TYPES.join(",") }), { hint: "Không bắt buộc; tối đa 10 MB." }),
    ),
    field("Nội dung biên bản", el("textarea", { id: "m-minutes", rows: "5", maxlength: "20000" }), { required: true, hint: "Diễn biến cuộc họp, ý kiến và kết quả biểu quyết." }),
  );
}

// The meeting's fields as the API takes them, or Vietnamese problems (checked before sending).
async function meetingInput(root, year) {
  const value = (id) => root.querySelector(`#${id}`).value.trim();
  const problems = [];
  const mark = (id, bad) => invalid(root.querySelector(`#${id}`), bad);
  const documentId = value("m-document");
  const meetingDate = value("m-date");
  const minutes = value("m-minutes");
  const attendees = value("m-attendees");
  mark("m-document", !documentId);
  if (!documentId) problems.push("Nhập số biên bản.");
  const dateBad = !meetingDate || meetingDate < `${year}-01-01` || meetingDate > today();
  mark("m-date", dateBad);
  if (dateBad) problems.push(`Ngày họp phải từ 01/01/${year} đến hôm nay.`);
  mark("m-minutes", !minutes);
  if (!minutes) problems.push("Nhập nội dung biên bản.");
  const attendeesBad = attendees !== "" && !(Number.isInteger(Number(attendees)) && Number(attendees) > 0);
  mark("m-attendees", attendeesBad);
  if (attendeesBad) problems.push("Số người dự họp phải là số nguyên dương.");
  const picked = root.querySelector("#m-file").files[0];
  if (picked && !MINUTES_TYPES.includes(picked.type)) problems.push("Bản chụp biên bản phải là tệp PDF, JPG hoặc PNG.");
  if (picked && picked.size > 10 * 1024 * 1024) problems.push("Bản chụp biên bản quá 10 MB.");
  if (problems.length) return { problems };
  const input = { documentId, meetingDate, minutes };
  if (value("m-chair")) input.chair = value("m-chair");
  if (value("m-secretary")) input.secretary = value("m-secretary");
  if (attendees) input.attendees = Number(attendees);
  if (picked) input.minutesFile = { fileName: picked.name, contentType: picked.type, content: await api.base64(picked) };
  return { input };
}

function rowsTable(candidates) {
  return table(
    "Kết quả bình xét từng đối tượng",
    [
      {
        label: "Đưa vào biên bản",
        cell: (r) => el("input", { type: "checkbox", checked: true, class: "row-include", id: `inc-${r.enrolmentId}`, "aria-label": `Đưa ${r.name || r.enrolmentId} vào biên bản` }),
      },
      { label: "Đối tượng", cell: (r) => el("span", {}, r.name || "—", el("small", { text: r.enrolmentId })) },
      { label: "Tự đánh giá", cell: (r) => stageCell(r.assessment.selfAssessment) },
      {
        label: "Hội nghị",
        cell: (r) =>
          el(
            "select",
            { class: "row-agree", "aria-label": `Ý kiến hội nghị: ${r.name || r.enrolmentId}` },
            el("option", { value: "true", text: "Đồng ý" }),
            el("option", { value: "false", text: "Không đồng ý" }),
          ),
      },
      {
        label: "Ghi chú",
        cell: (r) => el("input", { type: "text", class: "row-note", "aria-label": `Ghi chú: ${r.name || r.enrolmentId}`, maxlength: "500" }),
      },
    ],
    candidates,
    { empty: "Không có đăng ký nào chờ bình xét.", rowAttrs: (r) => ({ "data-enrolment": r.enrolmentId }) },
  );
}

function collectRows(root, names) {
  const rows = [];
  const problems = [];
  for (const tr of root.querySelectorAll("tr[data-enrolment]")) {
    if (!tr.querySelector(".row-include").checked) continue;
    const enrolmentId = tr.dataset.enrolment;
    const agree = tr.querySelector(".row-agree").value === "true";
    const noteInput = tr.querySelector(".row-note");
    const note = noteInput.value.trim();
    invalid(noteInput, !agree && !note);
    if (!agree && !note) problems.push(`Ghi lý do hội nghị không đồng ý với ${names[enrolmentId] || enrolmentId}.`);
    const row = { enrolmentId, agree };
    if (note) row.note = note;
    rows.push(row);
  }
  if (!rows.length && !problems.length) problems.push("Chọn ít nhất một đối tượng để ghi vào biên bản.");
  return { rows, problems };
}

// After the meeting: each row's verdict with the criteria's wording and the explanation.
async function results(holder, code, title, year, recorded) {
  const data = await api.query(LISTS, { code, title, year });
  const byId = Object.fromEntries(data.reviewRegistrations.map((r) => [r.enrolmentId, r]));
  holder.replaceChildren(...[
    el("h2", { id: "results-heading", tabindex: "-1", text: `Kết quả bình xét theo biên bản số ${recorded.documentId}` }),
    recorded.minutesFile ? el("p", {}, downloadButton("Tải bản chụp biên bản", recorded.minutesFile.url, recorded.minutesFile.fileName)) : null,
    el(
      "ol",
      { class: "review-results" },
      recorded.rows.map((row) => {
        const found = byId[row.enrolmentId];
        const review = found && found.assessment.review;
        return el(
          "li",
          { "data-enrolment": row.enrolmentId },
          el(
            "details",
            {},
            el("summary", {}, `${(found && found.name) || row.enrolmentId}: `, verdictLabel(row.status)),
            review ? verdictView(review.verdict, "Kết quả bình xét:", `result-${row.row}`) : el("p", { class: "hint", text: "Chưa có kết quả." }),
          ),
        );
      }),
    ),
    el("p", {}, link(reviewPath(code, year, title), "Về danh sách bình xét")),
  ].filter(Boolean));
  holder.querySelector("#results-heading").focus();
}

function problemsView(imported) {
  return el(
    "div",
    { class: "sheet-problems", "data-error-report": imported.errorReport },
    alertBox(`Bảng bình xét có ${imported.problems.length} ô lỗi; chưa ghi dòng nào. Sửa các dòng dưới đây rồi tải lên lại.`),
    imported.errorReport ? el("p", {}, downloadButton("Tải tệp báo lỗi", imported.errorReport, "bao-loi-binh-xet.xlsx", { id: "error-file" })) : null,
    table(
      "Các ô lỗi của bảng bình xét",
      [
        { label: "Dòng", cell: (p) => String(p.row) },
        { label: "Cột", cell: (p) => p.column },
        { label: "Lý do", cell: (p) => p.message },
      ],
      imported.problems,
    ),
  );
}

async function meetingScreen(code, account) {
  const year = chosenYear();
  const title = chosenTitle();
  loading("Đang tải danh sách chờ bình xét…");
  let data;
  try {
    data = await api.query(LISTS, { code, title, year });
  } catch (failure) {
    refused("Không mở được cuộc họp bình xét", failure, account);
    return;
  }
  if (!data.orgUnit) {
    show("Không tìm thấy", el("h1", { text: "Không tìm thấy đơn vị" }), alertBox(`Không có đơn vị mã ${code}.`));
    return;
  }
  const unit = data.orgUnit;
  const candidates = data.reviewRegistrations.filter((r) => r.assessment.status !== "WITHDRAWN" && !r.assessment.recognition);
  const names = Object.fromEntries(candidates.map((r) => [r.enrolmentId, r.name]));
  const status = el("div", { id: "meeting-status", "aria-live": "polite" });
  const resultHolder = el("section", { id: "meeting-results", "aria-labelledby": "results-heading" });
  const meeting = meetingFields(year);
  const page = el("div", {});
  const done = async (recorded, how) => {
    status.replaceChildren(alertBox(`Đã ghi biên bản bình xét số ${recorded.documentId} (${how}): ${recorded.rows.length} đối tượng.`, "info"));
    await results(resultHolder, code, title, year, recorded);
  };

  // One way: the verdict typed in for each registration.
  const rowErrors = errorArea("rows-errors");
  const recordButton = el("button", { type: "submit", id: "record-review", text: "Ghi biên bản" });
  const rowsForm = el(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "rows-heading" },
    el("h2", { id: "rows-heading", text: "Cách 1: Ghi kết quả từng đối tượng" }),
    el("p", { class: "hint", text: "Hội nghị thông qua kết quả tự đánh giá của đối tượng được đưa vào biên bản; chọn “Không đồng ý” thì ghi lý do." }),
    rowsTable(candidates),
    rowErrors,
    el("div", { class: "actions" }, recordButton),
  );
  rowsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    rowErrors.replaceChildren();
    const { input, problems = [] } = await meetingInput(page, year);
    const { rows, problems: rowProblems } = collectRows(rowsForm, names);
    const all = [...problems, ...rowProblems];
    if (all.length) {
      rowErrors.replaceChildren(alertBox(all.join(" ")));
      const first = page.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return;
    }
    try {
      const recorded = await busy(recordButton, "Đang ghi…", () =>
        api.query(RECORD, { input: { ...input, unitCode: code, title, year, rows } }));
      await done(recorded.recordListReview, "nhập từng dòng");
    } catch (failure) {
      showError(rowErrors, failure);
    }
  });

  // The other way: the review sheet, downloaded pre-filled and uploaded back.
  const sheetErrors = errorArea("sheet-errors");
  const progress = el("progress", { id: "sheet-progress", max: "1", value: "0", hidden: true, "aria-label": "Tiến độ tải lên" });
  const sheetInput = el("input", { id: "sheet-file", type: "file", accept: ".xlsx,.csv" });
  const uploadButton = el("button", { type: "submit", id: "upload-sheet", text: "Tải lên bảng bình xét" });
  const sheetForm = el(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "sheet-heading" },
    el("h2", { id: "sheet-heading", text: "Cách 2: Tải lên bảng bình xét đã điền" }),
    el("p", { class: "hint", text: "Tải bảng bình xét điền sẵn danh sách của đơn vị, điền kết quả hội nghị, rồi tải lên cùng thông tin cuộc họp ở trên. Có dòng lỗi thì không dòng nào được ghi và có tệp báo lỗi để sửa." }),
    el("p", {}, downloadButton("Tải bảng bình xét (.xlsx)", `/files/list-reviews/sheet/${encodeURIComponent(code)}/${title}/${year}.xlsx`, `binh-xet-${code}-${title}-${year}.xlsx`, { id: "sheet-template" })),
    field("Bảng bình xét đã điền (.xlsx, .csv)", sheetInput, { required: true, hint: "Tối đa 5 MB." }),
    progress,
    sheetErrors,
    el("div", { class: "actions" }, uploadButton),
  );
  sheetForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    sheetErrors.replaceChildren();
    const { input, problems = [] } = await meetingInput(page, year);
    const picked = sheetInput.files[0];
    if (!picked) problems.push("Chọn tệp bảng bình xét đã điền.");
    else if (!/\.(xlsx|csv)$/i.test(picked.name)) problems.push("Bảng bình xét phải là tệp .xlsx hoặc .csv.");
    else if (picked.size > 5 * 1024 * 1024) problems.push("Bảng bình xét quá 5 MB.");
    if (problems.length) {
      sheetErrors.replaceChildren(alertBox(problems.join(" ")));
      return;
    }
    progress.hidden = false;
    progress.value = 0;
    try {
      const content = await api.base64(picked);
      const answer = await busy(uploadButton, "Đang tải lên…", () =>
        api.sendWithProgress(
          IMPORT,
          { input: { ...input, unitCode: code, title, year, fileName: picked.name, content } },
          (share) => { progress.value = share; },
        ));
      const imported = answer.importListReview;
      if (imported.listReview) await done(imported.listReview, "từ bảng bình xét");
      else {
        sheetErrors.replaceChildren(problemsView(imported));
        sheetErrors.querySelector(".alert").setAttribute("tabindex", "-1");
        sheetErrors.querySelector(".alert").focus();
      }
    } catch (failure) {
      showError(sheetErrors, failure);
    } finally {
      progress.hidden = true;
    }
  });

  page.append(
    el("p", {}, link(reviewPath(code, year, title), "‹ Danh sách bình xét")),
    el("h1", { id: "meeting-heading", "data-code": unit.code }, `Họp bình xét ${TITLE_NAMES[title]} năm ${year} — ${unit.name}`),
    status,
    meeting,
    rowsForm,
    sheetForm,
    resultHolder,
  );
  show(`Họp bình xét — ${unit.name}`, page);
}

route(/^\/app\/binh-xet\/tu-danh-gia\/([^/]+)$/, (found, account) => selfScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/binh-xet\/([^/]+)\/hop$/, (found, account) => meetingScreen(decodeURIComponent(found[1]), account));
route(/^\/app\/binh-xet\/([^/]+)$/, (found, account) => listsScreen(decodeURIComponent(found[1]), account));
section({
  key: "review",
  label: "Bình xét",
  href: (account) => reviewPath(account.unitCode),
  match: (here) => here.startsWith("/app/binh-xet"),
  roles: REVIEWERS,
});
