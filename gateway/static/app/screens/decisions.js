// Công nhận: the reviewed list of a unit and year (each one's verdict with the criteria's
// wording), the proposal list and its public posting (niêm yết), the decision by the People's
// Committee (number, date, signer, the scanned document or the decision's list as a sheet), its
// certificates, and revocation.
// Addresses: /app/cong-nhan/<unitCode>?nam=&danh-hieu=, /app/cong-nhan/de-nghi/<proposalId>,
// /app/cong-nhan/quyet-dinh/<decisionId>, /app/cong-nhan/thu-hoi/<enrolmentId>.

import * as api from "../api.js";
import { go, param, route, section } from "../router.js";
import {
  alertBox, busy, day, downloadButton, el, errorArea, field, link, loading, provisionalBadge, show,
  showError, table,
} from "../ui.js";

// --- vocabulary (labels of the API's closed sets; looked up case-insensitively) -----------------

const TITLES = [
  ["FAMILY", "gia-dinh", "Gia đình học tập"],
  ["CITIZEN", "cong-dan", "Công dân học tập"],
  ["CLAN", "dong-ho", "Dòng họ học tập"],
  ["COMMUNITY", "cong-dong-thon", "Cộng đồng học tập cấp thôn"],
  ["COMMUNE_COMMUNITY", "cong-dong-xa", "Cộng đồng học tập cấp xã"],
  ["UNIT", "don-vi", "Đơn vị học tập"],
];
const VERDICTS = {
  recognised: ["Đạt", "ok"],
  not_recognised: ["Không đạt", "bad"],
  undecidable: ["Chưa đủ căn cứ", ""],
};
const POSTING_STATES = { running: "Đang niêm yết", ended: "Đã hết thời gian niêm yết" };
const CERTIFICATE_STATES = { valid: ["Còn hiệu lực", "ok"], expired: ["Hết hiệu lực", ""], revoked: ["Đã thu hồi", "bad"] };
// Who may propose (the registrars), who signs (the People's Committee's account).
const PROPOSERS = ["PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER"];
const SIGNERS = ["AUTHORITY"];
const PAGE = 20;
const FIRST_YEAR = 2016;
const MAX_SCAN = 10 * 1024 * 1024;

// --- queries ------------------------------------------------------------------------------------

const VERDICT_FIELDS = `status total level provisional provisionalReason missing
  reasons { key message }
  explanation { id name points maxPoints indicators { id name points maxPoints met reasons { message } } }`;
const ASSESSMENT_FIELDS = `enrolmentId status year provisional provisionalReason
  review { meetingDate minutes verdict { ${VERDICT_FIELDS} } }
  recognition { decisionNumber decisionDate signer decisionId authority level validUntil revoked { at reason } }`;
const OVERVIEW = `query RecognitionOverview($code: String!, $year: Int!, $title: Title!, $first: Int, $after: String) {
  orgUnit(code: $code) {
    code name level path
    children { code name level }
    subjects(year: $year, title: $title, first: $first, after: $after) { nodes { enrolmentId name status } pageInfo { hasNextPage endCursor } }
  }
  criteriaSets(title: $title, year: $year) { id decision issuer provisional provisionalReason passMark totalPoints }
  decisions(unitCode: $code, year: $year) { id number date signer title proposalId subjects { enrolmentId } }
}`;
const PROPOSAL = `query Proposal($id: String!) {
  proposal(id: $id) { id unitCode title year postedFrom postingEnds postingDays postingBasis
    decisionIds provisional provisionalReason subjects { enrolmentId name } }
}`;
const PROPOSAL_PAGE = `query ProposalPage($id: String!, $code: String!, $year: Int!, $title: Title!) {
  proposal(id: $id) { id unitCode title year postedFrom postingEnds postingDays postingBasis
    decisionIds provisional provisionalReason subjects { enrolmentId name } }
  postings(unitCode: $code, year: $year) { id state ended decided total names }
  criteriaSets(title: $title, year: $year) { id decision issuer provisional provisionalReason passMark totalPoints }
  orgUnit(code: $code) { code name path }
}`;
const PROPOSE = `mutation ProposeRecognition($input: ProposeInput!) {
  proposeRecognition(input: $input) { id enrolmentIds postedFrom postingEnds } }`;
const DECIDE = `mutation DecideRecognition($input: DecideInput!) {
  decideRecognition(input: $input) { recognised skipped repeated reasons { enrolmentId message }
    document { id number } } }`;
const DECIDE_SHEET = `mutation DecideRecognitionFromSheet($input: DecideSheetInput!) {
  decideRecognitionFromSheet(input: $input) {
    decision { recognised document { id number } }
    rowErrors { row column enrolmentId message } errorReport } }`;
const DECISION = `query Decision($id: String!) {
  decision(id: $id) { id number date signer signerPosition authority enteredBy enteredAt title year
    unitCode proposalId provisional provisionalReason
    file { fileName size url } subjects { enrolmentId level provisional }
    skipped { enrolmentId message } }
}`;
const CERTIFICATES = `query Certificates($id: String!, $part: Int) {
  certificates(proposalId: $id, part: $part) { total part parts
    items { number code enrolmentId holderName status statusText validUntil } }
}`;
const REVOKE = `mutation RevokeRecognition($input: RevokeInput!) {
  revokeRecognition(input: $input) { enrolmentId recognition { decisionNumber revoked { at reason } } } }`;
const ASSESSMENT = `query Assessment($id: String!) { assessment(enrolmentId: $id) { ${ASSESSMENT_FIELDS} } }`;

// One request for the verdicts of a page of registrations (aliases a0, a1, ...).
function verdictsQuery(count) {
  const names = Array.from({ length: count }, (_, i) => i);
  return `query Verdicts(${names.map((i) => `$e${i}: String!`).join(", ")}) {
    ${names.map((i) => `a${i}: assessment(enrolmentId: $e${i}) { ...A }`).join("\n    ")}
  }
  fragment A on Assessment { ${ASSESSMENT_FIELDS} }`;
}

// The gateway refuses more than 60 aliases in one request (gateway/limits.py MAX_ALIASES).
const VERDICTS_PER_QUERY = 50;

async function verdicts(ids) {
  const found = {};
  for (let start = 0; start < ids.length; start += VERDICTS_PER_QUERY) {
    const chunk = ids.slice(start, start + VERDICTS_PER_QUERY);
    const variables = Object.fromEntries(chunk.map((id, i) => [`e${i}`, id]));
    const data = await api.query(verdictsQuery(chunk.length), variables);
    chunk.forEach((id, i) => { found[id] = data[`a${i}`]; });
  }
  return found;
}

// --- addresses ----------------------------------------------------------------------------------

const lower = (value) => String(value ?? "").toLowerCase();
const titleName = (key) => (TITLES.find(([k]) => k === key) || [key, key, key])[2];
const titleSlug = (key) => (TITLES.find(([k]) => k === key) || [key, key])[1];

export function recognitionPath(code, year, title) {
  const query = new URLSearchParams();
  if (year) query.set("nam", year);
  if (title) query.set("danh-hieu", titleSlug(title));
  const tail = query.toString();
  return `/app/cong-nhan/${encodeURIComponent(code)}${tail ? `?${tail}` : ""}`;
}
const proposalPath = (id) => `/app/cong-nhan/de-nghi/${encodeURIComponent(id)}`;
const decisionPath = (id) => `/app/cong-nhan/quyet-dinh/${encodeURIComponent(id)}`;
const revokePath = (id) => `/app/cong-nhan/thu-hoi/${encodeURIComponent(id)}`;

function chosenYear() {
  const value = Number(param("nam"));
  const now = new Date().getFullYear();
  return Number.isInteger(value) && value >= FIRST_YEAR && value <= now + 1 ? value : now;
}

function chosenTitle() {
  const slug = param("danh-hieu");
  return (TITLES.find(([key, s]) => s === slug || key === slug) || TITLES[0])[0];
}

// --- pieces -------------------------------------------------------------------------------------

function statusTag(map, value) {
  const [label, kind] = map[lower(value)] || [value || "—", ""];
  return el("span", { class: `status ${kind}`.trim(), "data-status": lower(value), text: label });
}

// Today in Việt Nam (the day the platform checks dates against), whatever the PC's time zone.
function todayIso() {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(new Date());
  } catch {
    const now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }
}

function criteriaSetNote(sets) {
  const set = sets[0];
  if (!set) return el("p", { class: "hint", text: "Chưa có bộ tiêu chí áp dụng cho danh hiệu và năm này." });
  return el(
    "p",
    { class: "criteria-set", "data-set": set.id },
    el("strong", { text: "Bộ tiêu chí áp dụng: " }),
    `${set.decision} (${set.issuer})`,
    set.passMark ? ` — đạt từ ${set.passMark}/${set.totalPoints ?? 100} điểm` : "",
    set.provisional ? " " : "",
    set.provisional ? provisionalBadge(set.provisionalReason) : null,
    set.provisional && set.provisionalReason
      ? el("small", { class: "hint provisional-reason", "aria-hidden": "true", text: ` ${set.provisionalReason}` })
      : null,
  );
}

// The verdict of the review with its explanation: each criterion's wording and points, each
// indicator met or not and why.
function verdictCell(assessment) {
  const verdict = assessment && assessment.review && assessment.review.verdict;
  if (!verdict) return el("span", { class: "status", "data-status": "none", text: "Chưa bình xét" });
  const summary = [
    statusTag(VERDICTS, verdict.status),
    verdict.total !== null && verdict.total !== undefined ? ` ${verdict.total} điểm` : "",
    verdict.level ? ` · mức ${verdict.level}` : "",
  ];
  const details = el(
    "details",
    { class: "explain" },
    el("summary", { text: "Giải thích" }),
    verdict.reasons.length
      ? el("ul", { class: "reasons" }, verdict.reasons.map((r) => el("li", { text: r.message })))
      : null,
    el(
      "ol",
      { class: "criteria" },
      verdict.explanation.map((criterion) =>
        el(
          "li",
          {},
          el("strong", { text: criterion.name || criterion.id }),
          criterion.points !== null && criterion.points !== undefined
            ? ` — ${criterion.points}${criterion.maxPoints ? `/${criterion.maxPoints}` : ""} điểm`
            : "",
          el(
            "ul",
            {},
            criterion.indicators.map((indicator) =>
              el(
                "li",
                { class: indicator.met === false ? "unmet" : indicator.met ? "met" : "" },
                indicator.name || indicator.id,
                indicator.points !== null && indicator.points !== undefined
                  ? `: ${indicator.points}${indicator.maxPoints ? `/${indicator.maxPoints}` : ""} điểm`
                  : indicator.met === null || indicator.met === undefined
                    ? ""
                    : indicator.met ? ": đạt" : ": không đạt",
                indicator.reasons.length ? el("small", { text: indicator.reasons.map((r) => r.message).join(" ") }) : null,
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return el(
    "div",
    { class: "verdict" },
    el("div", {}, summary, verdict.provisional ? provisionalBadge(verdict.provisionalReason) : null),
    details,
  );
}

function recognitionCell(assessment, account) {
  const recognition = assessment && assessment.recognition;
  if (!recognition) return el("span", { class: "hint", text: "Chưa công nhận" });
  if (recognition.revoked) {
    return el(
      "span",
      {},
      el("span", { class: "status bad", "data-status": "revoked", text: "Đã thu hồi" }),
      el("small", { text: `${day(recognition.revoked.at)}: ${recognition.revoked.reason}` }),
    );
  }
  return el(
    "span",
    {},
    el("span", { class: "status ok", "data-status": "recognised", text: "Đã công nhận" }),
    el(
      "small",
      {},
      "QĐ ",
      recognition.decisionId ? link(decisionPath(recognition.decisionId), recognition.decisionNumber) : recognition.decisionNumber,
      ` ngày ${day(recognition.decisionDate)}`,
    ),
    SIGNERS.includes(account.role)
      ? el("small", {}, link(revokePath(assessment.enrolmentId), "Thu hồi", { class: "revoke-link" }))
      : null,
  );
}

function yearAndTitle(code, year, title) {
  const now = new Date().getFullYear();
  const years = el("select", { id: "cn-year", onchange: () => go(recognitionPath(code, years.value, title)) });
  for (let option = now + 1; option >= FIRST_YEAR; option -= 1) {
    years.append(el("option", { value: String(option), selected: option === year, text: String(option) }));
  }
  const titles = el("select", { id: "cn-title", onchange: () => go(recognitionPath(code, year, titles.value)) });
  for (const [key, , name] of TITLES) titles.append(el("option", { value: key, selected: key === title, text: name }));
  return el("div", { class: "toolbar" }, field("Năm", years), field("Danh hiệu", titles));
}

function problem(title, failure, account) {
  show(
    title,
    el("h1", { text: title }),
    alertBox(failure.message || String(failure)),
    el("p", {}, link(recognitionPath(account.unitCode), "Về trang công nhận của đơn vị tôi")),
  );
}

// --- the unit's year: reviewed list, proposal, decisions ---------------------------------------

async function overviewScreen(code) {
  const account = api.currentAccount();
  const year = chosenYear();
  const title = chosenTitle();
  const after = param("sau");
  loading("Đang tải danh sách…");
  let data;
  let assessed;
  let proposal = null;
  try {
    data = await api.query(OVERVIEW, { code, year, title, first: PAGE, after });
    if (data.orgUnit) {
      const items = data.orgUnit.subjects.nodes;
      assessed = await verdicts(items.map((s) => s.enrolmentId));
      const tenant = data.orgUnit.path.split("/")[0];
      proposal = (await api.query(PROPOSAL, { id: `${tenant}:${code}:${title}:${year}` })).proposal;
    }
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    return problem("Không xem được danh sách", failure, account);
  }
  const unit = data.orgUnit;
  if (!unit) return problem("Không tìm thấy đơn vị", new Error(`Không có đơn vị mã ${code}.`), account);
  const page = unit.subjects;
  const rows = page.nodes.map((s) => ({ ...s, assessment: assessed[s.enrolmentId] }));
  const decisions = data.decisions.filter((d) => lower(d.title) === lower(title));
  const eligible = rows.filter(
    (r) => r.assessment && r.assessment.review && lower(r.assessment.review.verdict.status) === "recognised" && !r.assessment.recognition,
  ).length;

  const listSection = el(
    "section",
    { "aria-labelledby": "cn-list-heading" },
    el("h2", { id: "cn-list-heading", text: "Danh sách đăng ký sau bình xét" }),
    table(
      `Đăng ký ${titleName(title)} năm ${year} và kết quả bình xét`,
      [
        { label: "Họ và tên", cell: (r) => el("span", {}, el("strong", { text: r.name }), el("small", { text: r.enrolmentId })) },
        { label: "Kết quả bình xét", cell: (r) => verdictCell(r.assessment) },
        { label: "Công nhận", cell: (r) => recognitionCell(r.assessment, account) },
      ],
      rows,
      { empty: "Chưa có đăng ký nào cho danh hiệu và năm này.", rowAttrs: (r) => ({ "data-enrolment": r.enrolmentId }) },
    ),
    pager(code, year, title, after, page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null),
  );

  show(
    `Công nhận — ${unit.name}`,
    el("h1", { id: "cn-heading", "data-code": unit.code, text: `Công nhận danh hiệu — ${unit.name}` }),
    yearAndTitle(unit.code, year, title),
    criteriaSetNote(data.criteriaSets),
    proposalSection(unit, year, title, proposal, account, eligible),
    decisionsSection(decisions),
    lower(unit.level) !== "commune" && unit.children.length ? childrenSection(unit, year, title) : null,
    listSection,
  );
}

function pager(code, year, title, after, next) {
  if (!after && !next) return null;
  const base = recognitionPath(code, year, title);
  return el(
    "nav",
    { class: "pager", "aria-label": "Trang danh sách" },
    after ? link(base, "« Trang đầu") : null,
    next ? link(`${base}&sau=${encodeURIComponent(next)}`, "Trang sau »", { id: "cn-next" }) : null,
  );
}

function childrenSection(unit, year, title) {
  return el(
    "section",
    { "aria-labelledby": "cn-children-heading" },
    el("h2", { id: "cn-children-heading", text: "Đề nghị, quyết định theo đơn vị trực thuộc" }),
    el(
      "ul",
      { class: "units" },
      unit.children.map((child) => el("li", {}, link(recognitionPath(child.code, year, title), child.name, { "data-code": child.code }))),
    ),
  );
}

function postingLinks(unitCode, year, proposalId) {
  return el(
    "p",
    { class: "public-links" },
    "Trang công khai: ",
    el("a", { href: `/cong-khai/niem-yet/${encodeURIComponent(unitCode)}/${year}`, target: "_blank", rel: "noopener", text: "Niêm yết của đơn vị" }),
    " · ",
    el("a", { href: `/cong-khai/danh-sach/${encodeURIComponent(proposalId)}`, target: "_blank", rel: "noopener", text: "Danh sách đề nghị này", id: "cn-public-link" }),
  );
}

function proposalSection(unit, year, title, proposal, account, eligibleOnPage) {
  const part = el(
    "section",
    { class: "card", "aria-labelledby": "cn-proposal-heading" },
    el("h2", { id: "cn-proposal-heading", text: "Đề nghị công nhận" }),
  );
  if (proposal) {
    part.append(
      el(
        "p",
        {},
        `Đã lập danh sách đề nghị gồm ${proposal.subjects.length} đăng ký; niêm yết từ ${day(proposal.postedFrom)} đến ${day(proposal.postingEnds)}. `,
        link(proposalPath(proposal.id), "Xem danh sách đề nghị", { id: "cn-open-proposal" }),
      ),
      postingLinks(unit.code, year, proposal.id),
    );
    if (proposal.decisionIds.length) return part; // decided: nothing more to propose
  }
  if (!PROPOSERS.includes(account.role)) {
    if (!proposal) part.append(el("p", { class: "hint", text: "Chưa có danh sách đề nghị. Cán bộ Hội Khuyến học lập danh sách từ kết quả bình xét." }));
    return part;
  }
  if (lower(unit.level) !== "commune" && !proposal) {
    part.append(el("p", { class: "hint", text: "Danh sách đề nghị được lập theo từng xã: chọn một đơn vị trực thuộc bên dưới." }));
    return part;
  }
  part.append(proposeForm(unit, year, title, proposal, eligibleOnPage));
  return part;
}

function proposeForm(unit, year, title, proposal, eligibleOnPage) {
  const posted = el("input", { id: "cn-posted-from", type: "date", max: todayIso() });
  const errors = errorArea("cn-propose-error");
  const done = el("div", { "aria-live": "polite" });
  const button = el("button", { type: "submit", id: "cn-propose", text: proposal ? "Lập lại danh sách đề nghị" : "Lập danh sách đề nghị công nhận" });
  const form = el(
    "form",
    {
      id: "cn-propose-form",
      novalidate: true,
      oninput: () => errors.replaceChildren(),
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        if (posted.value && posted.value > todayIso()) {
          return showError(errors, new Error("Ngày bắt đầu niêm yết không được sau hôm nay."));
        }
        if (posted.value && Number(posted.value.slice(0, 4)) < year) {
          return showError(errors, new Error(`Ngày bắt đầu niêm yết phải từ năm ${year}.`));
        }
        const input = { unitCode: unit.code, title, year };
        if (posted.value) input.postedFrom = posted.value;
        try {
          const made = (await busy(button, "Đang lập danh sách…", () => api.query(PROPOSE, { input }))).proposeRecognition;
          done.replaceChildren(
            alertBox(`Đã lập danh sách đề nghị công nhận ${titleName(title)} năm ${year} gồm ${made.enrolmentIds.length} đăng ký, niêm yết đến ${day(made.postingEnds)}.`, "info"),
            el("p", {}, link(proposalPath(made.id), "Mở danh sách đề nghị", { id: "cn-made-proposal" })),
          );
          done.querySelector("a").focus();
        } catch (failure) {
          showError(errors, failure);
        }
      },
    },
    el("p", {
      class: "hint",
      text: `Danh sách gồm mọi đăng ký được bình xét "Đạt" và chưa được công nhận${eligibleOnPage ? ` (trang này có ${eligibleOnPage})` : ""}. Danh sách được niêm yết công khai trước khi UBND ra quyết định.`,
    }),
    field("Ngày bắt đầu niêm yết (nếu đã niêm yết trên giấy)", posted, { hint: "Để trống: niêm yết từ hôm nay." }),
    errors,
    el("div", { class: "actions" }, button),
    done,
  );
  return form;
}

function decisionsSection(decisions) {
  return el(
    "section",
    { "aria-labelledby": "cn-decisions-heading" },
    el("h2", { id: "cn-decisions-heading", text: "Quyết định công nhận" }),
    table(
      "Các quyết định công nhận",
      [
        { label: "Số quyết định", cell: (d) => link(decisionPath(d.id), d.number, { "data-decision": d.id }) },
        { label: "Ngày", cell: (d) => day(d.date) },
        { label: "Người ký", cell: (d) => d.signer },
        { label: "Số được công nhận", cell: (d) => String(d.subjects.length) },
      ],
      decisions,
      { empty: "Chưa có quyết định công nhận." },
    ),
  );
}

// --- a proposal list: who, verdicts, posting, and the decision ---------------------------------

async function proposalScreen(id) {
  const account = api.currentAccount();
  const [, unitCode = "", title = "FAMILY", yearText = ""] = id.split(":");
  const year = Number(yearText) || chosenYear();
  loading("Đang tải danh sách đề nghị…");
  let data;
  let assessed;
  try {
    data = await api.query(PROPOSAL_PAGE, { id, code: unitCode, year, title });
    assessed = data.proposal ? await verdicts(data.proposal.subjects.map((s) => s.enrolmentId)) : {};
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    return problem("Không xem được danh sách đề nghị", failure, account);
  }
  const proposal = data.proposal;
  if (!proposal) return problem("Không tìm thấy danh sách đề nghị", new Error("Không có danh sách đề nghị này."), account);
  const posting = data.postings.find((p) => p.id === proposal.id);
  const rows = proposal.subjects.map((s) => ({ ...s, assessment: assessed[s.enrolmentId] }));
  const state = posting ? lower(posting.state) : (proposal.postingEnds < todayIso() ? "ended" : "running");
  const decided = proposal.decisionIds.length > 0;

  const postingCard = el(
    "section",
    { class: "card", "aria-labelledby": "cn-posting-heading" },
    el("h2", { id: "cn-posting-heading", text: "Niêm yết công khai" }),
    el(
      "p",
      {},
      el("span", { class: `status ${state === "ended" ? "ok" : ""}`.trim(), id: "cn-posting-state", "data-state": state, text: POSTING_STATES[state] || state }),
      ` Từ ${day(proposal.postedFrom)} đến ${day(proposal.postingEnds)}`,
      proposal.postingDays ? ` (${proposal.postingDays} ngày)` : "",
      ".",
    ),
    proposal.postingBasis ? el("p", { class: "hint", text: proposal.postingBasis }) : null,
    postingLinks(proposal.unitCode, proposal.year, proposal.id),
  );

  show(
    "Danh sách đề nghị công nhận",
    el("p", {}, link(recognitionPath(proposal.unitCode, proposal.year, proposal.title), `« ${data.orgUnit ? data.orgUnit.name : proposal.unitCode}, năm ${proposal.year}`)),
    el("h1", { id: "cn-proposal", "data-proposal": proposal.id, text: `Đề nghị công nhận ${titleName(proposal.title)} năm ${proposal.year}` }),
    el("p", {}, `${data.orgUnit ? data.orgUnit.name : proposal.unitCode}: ${proposal.subjects.length} đăng ký được đề nghị.`, proposal.provisional ? " " : "", proposal.provisional ? provisionalBadge(proposal.provisionalReason) : null),
    criteriaSetNote(data.criteriaSets),
    postingCard,
    el(
      "section",
      { "aria-labelledby": "cn-who-heading" },
      el("h2", { id: "cn-who-heading", text: "Những người, hộ được đề nghị" }),
      table(
        "Danh sách đề nghị với kết quả bình xét",
        [
          { label: "Họ và tên", cell: (r) => el("span", {}, el("strong", { text: r.name || "—" }), el("small", { text: r.enrolmentId })) },
          { label: "Kết quả bình xét", cell: (r) => verdictCell(r.assessment) },
          { label: "Công nhận", cell: (r) => recognitionCell(r.assessment, account) },
        ],
        rows,
        { rowAttrs: (r) => ({ "data-enrolment": r.enrolmentId }) },
      ),
    ),
    decided
      ? el(
          "section",
          { "aria-labelledby": "cn-decided-heading" },
          el("h2", { id: "cn-decided-heading", text: "Quyết định công nhận" }),
          el("ul", {}, proposal.decisionIds.map((d) => el("li", {}, link(decisionPath(d), "Xem quyết định", { "data-decision": d })))),
        )
      : decideSection(proposal, rows, state, account),
  );
}

function decideSection(proposal, rows, state, account) {
  const part = el(
    "section",
    { class: "card", "aria-labelledby": "cn-decide-heading" },
    el("h2", { id: "cn-decide-heading", text: "Quyết định công nhận" }),
  );
  if (!SIGNERS.includes(account.role)) {
    part.append(el("p", { class: "hint", id: "cn-not-signer", text: "Chưa có quyết định. Quyết định công nhận do lãnh đạo UBND (người ký) ghi trên tài khoản của mình." }));
    return part;
  }
  if (state !== "ended") {
    part.append(alertBox(`Danh sách đang niêm yết đến ${day(proposal.postingEnds)}; có thể ra quyết định sau khi hết thời gian niêm yết.`, "info"));
  }
  const mode = el("fieldset", { class: "mode" },
    el("legend", { text: "Cách ghi quyết định" }),
    el("label", {}, el("input", { type: "radio", name: "cn-mode", value: "form", id: "cn-mode-form", checked: true }), " Nhập quyết định và chọn người được công nhận"),
    el("label", {}, el("input", { type: "radio", name: "cn-mode", value: "sheet", id: "cn-mode-sheet" }), " Tải lên danh sách kèm quyết định (.xlsx)"),
  );
  const number = el("input", { id: "cn-number", type: "text", autocomplete: "off", placeholder: "VD: 17/QĐ-UBND" });
  const date = el("input", { id: "cn-date", type: "date", max: todayIso(), value: todayIso() });
  const signer = el("input", { id: "cn-signer", type: "text", autocomplete: "off" });
  const position = el("input", { id: "cn-position", type: "text", autocomplete: "off", placeholder: "VD: Chủ tịch UBND xã" });
  const scan = el("input", { id: "cn-scan", type: "file", accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" });
  const sheet = el("input", { id: "cn-sheet", type: "file", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  const choose = el(
    "fieldset",
    { class: "who", id: "cn-who" },
    el("legend", { text: "Người, hộ được công nhận" }),
    rows.map((r) =>
      el(
        "label",
        { class: "check" },
        el("input", { type: "checkbox", value: r.enrolmentId, checked: true, "data-enrolment": r.enrolmentId }),
        ` ${r.name || r.enrolmentId}`,
        r.assessment && r.assessment.review ? el("span", { class: "hint" }, " — ", statusTag(VERDICTS, r.assessment.review.verdict.status)) : null,
      ),
    ),
  );
  const formPart = el("div", { id: "cn-form-part" }, choose, field("Bản quét quyết định (PDF, JPEG, PNG, tối đa 10 MB)", scan));
  const sheetPart = el("div", { id: "cn-sheet-part", hidden: true },
    field("Danh sách kèm quyết định (.xlsx)", sheet, { hint: "Cột “Mã đăng ký” (và “Họ và tên”, “Mức độ”); chỉ những người trong danh sách đề nghị." }),
  );
  mode.addEventListener("change", () => {
    const bySheet = mode.querySelector("#cn-mode-sheet").checked;
    formPart.hidden = bySheet;
    sheetPart.hidden = !bySheet;
  });
  const progress = el("progress", { id: "cn-progress", max: "100", value: "0", hidden: true, "aria-label": "Tiến độ tải lên" });
  const errors = errorArea("cn-decide-error");
  const done = el("div", { "aria-live": "polite" });
  const button = el("button", { type: "submit", id: "cn-decide", text: "Ghi quyết định công nhận" });

  const form = el(
    "form",
    {
      id: "cn-decide-form",
      novalidate: true,
      oninput: () => errors.replaceChildren(),
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        const bySheet = mode.querySelector("#cn-mode-sheet").checked;
        const missing = [];
        if (!number.value.trim()) missing.push("số quyết định");
        if (!date.value) missing.push("ngày quyết định");
        if (!signer.value.trim()) missing.push("người ký");
        if (bySheet && !sheet.files.length) missing.push("tệp danh sách");
        if (missing.length) return showError(errors, new Error(`Vui lòng nhập ${missing.join(", ")}.`));
        if (date.value > todayIso()) return showError(errors, new Error("Ngày quyết định không được sau hôm nay."));
        const chosen = [...choose.querySelectorAll("input:checked")].map((box) => box.value);
        if (!bySheet && !chosen.length) return showError(errors, new Error("Chọn ít nhất một người, hộ được công nhận."));
        const file = bySheet ? sheet.files[0] : scan.files[0];
        if (file && file.size > MAX_SCAN) return showError(errors, new Error("Tệp lớn hơn 10 MB."));
        const input = {
          proposalId: proposal.id,
          decisionNumber: number.value.trim(),
          decisionDate: date.value,
          signer: signer.value.trim(),
        };
        if (position.value.trim()) input.signerPosition = position.value.trim();
        progress.hidden = !file;
        progress.value = 0;
        try {
          await busy(button, "Đang ghi quyết định…", async () => {
            let documentId;
            let count;
            if (bySheet) {
              Object.assign(input, { sheet: await api.base64(file), sheetFileName: file.name });
              const answer = (await api.sendWithProgress(DECIDE_SHEET, { input }, (share) => { progress.value = Math.round(share * 100); })).decideRecognitionFromSheet;
              if (!answer.decision) return showSheetErrors(errors, answer);
              documentId = answer.decision.document.id;
              count = answer.decision.recognised.length;
            } else {
              if (chosen.length < rows.length) input.enrolmentIds = chosen;
              if (file) Object.assign(input, { fileName: file.name, contentType: file.type || "application/pdf", content: await api.base64(file) });
              const answer = (await api.sendWithProgress(DECIDE, { input }, (share) => { progress.value = Math.round(share * 100); })).decideRecognition;
              documentId = answer.document.id;
              count = answer.recognised.length;
            }
            form.replaceChildren(
              alertBox(`Đã ghi quyết định số ${input.decisionNumber} ngày ${day(input.decisionDate)}: ${count} đăng ký được công nhận.`, "info"),
              el("p", {}, link(decisionPath(documentId), "Xem quyết định và giấy công nhận", { id: "cn-open-decision" })),
            );
            form.querySelector("a").focus();
          });
        } catch (failure) {
          showError(errors, failure);
        } finally {
          progress.hidden = true;
        }
      },
    },
    mode,
    el("div", { class: "form-grid" },
      field("Số quyết định", number, { required: true }),
      field("Ngày quyết định", date, { required: true }),
      field("Người ký", signer, { required: true }),
      field("Chức vụ người ký", position),
    ),
    formPart,
    sheetPart,
    progress,
    errors,
    el("div", { class: "actions" }, button),
    done,
  );
  part.append(form);
  return part;
}

function showSheetErrors(area, answer) {
  const children = [
    alertBox("Danh sách có dòng không hợp lệ; chưa ghi quyết định nào."),
    table(
      "Các dòng không hợp lệ",
      [
        { label: "Dòng", cell: (e) => String(e.row) },
        { label: "Cột", cell: (e) => e.column },
        { label: "Lỗi", cell: (e) => e.message },
      ],
      answer.rowErrors,
    ),
  ];
  if (answer.errorReport) {
    const bytes = Uint8Array.from(atob(answer.errorReport), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
    children.push(el("p", {}, el("a", { href: url, download: "loi-danh-sach-quyet-dinh.xlsx", text: "Tải tệp các dòng lỗi" })));
  }
  area.replaceChildren(...children);
}

// --- a decision: the document, its list, files and certificates --------------------------------

async function decisionScreen(id) {
  const account = api.currentAccount();
  loading("Đang tải quyết định…");
  let decision;
  let names = {};
  let certificates = null;
  let assessed = {};
  try {
    decision = (await api.query(DECISION, { id })).decision;
    if (decision) {
      const [proposal, listed] = await Promise.all([
        api.query(PROPOSAL, { id: decision.proposalId }).then((d) => d.proposal),
        api.query(CERTIFICATES, { id: decision.proposalId, part: 1 }).then((d) => d.certificates).catch(() => null),
      ]);
      names = Object.fromEntries(((proposal && proposal.subjects) || []).map((s) => [s.enrolmentId, s.name]));
      certificates = listed;
      assessed = await verdicts(decision.subjects.map((s) => s.enrolmentId));
    }
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    return problem("Không xem được quyết định", failure, account);
  }
  if (!decision) return problem("Không tìm thấy quyết định", new Error("Không có quyết định này."), account);
  const byEnrolment = Object.fromEntries(((certificates && certificates.items) || []).map((c) => [c.enrolmentId, c]));
  const fileId = encodeURIComponent(decision.id);

  show(
    `Quyết định ${decision.number}`,
    el("p", {}, link(recognitionPath(decision.unitCode, decision.year, decision.title), `« Công nhận năm ${decision.year}`)),
    el("h1", { id: "cn-decision", "data-decision": decision.id, text: `Quyết định số ${decision.number}` }),
    el(
      "dl",
      { class: "facts" },
      [
        ["Danh hiệu", `${titleName(decision.title)} năm ${decision.year}`],
        ["Ngày quyết định", day(decision.date)],
        ["Người ký", decision.signerPosition ? `${decision.signer} (${decision.signerPosition})` : decision.signer],
        ["Cơ quan ban hành", decision.authority || "—"],
        ["Số được công nhận", String(decision.subjects.length)],
      ].map(([label, value]) => el("div", {}, el("dt", { text: label }), el("dd", { text: value }))),
    ),
    decision.provisional
      ? el("p", {}, "Bộ tiêu chí áp dụng: ", provisionalBadge(decision.provisionalReason), decision.provisionalReason ? el("small", { class: "hint", "aria-hidden": "true", text: ` ${decision.provisionalReason}` }) : null)
      : null,
    el(
      "div",
      { class: "actions" },
      decision.file ? downloadButton(`Bản quét quyết định (${decision.file.fileName})`, decision.file.url, decision.file.fileName, { id: "cn-scan-download" }) : el("span", { class: "hint", text: "Chưa có bản quét quyết định." }),
      downloadButton("Danh sách kèm quyết định (.xlsx)", `/files/decision-lists/${fileId}.xlsx`, "danh-sach-quyet-dinh.xlsx", { id: "cn-list-download" }),
      downloadButton("Giấy công nhận (PDF)", `/files/certificates/${encodeURIComponent(decision.proposalId)}.pdf`, "giay-cong-nhan.pdf", { id: "cn-certificates-download" }),
    ),
    certificates && certificates.parts > 1
      ? el("p", { class: "hint", text: `Giấy công nhận được chia thành ${certificates.parts} tệp; tệp trên là phần 1.` })
      : null,
    el(
      "section",
      { "aria-labelledby": "cn-recognised-heading" },
      el("h2", { id: "cn-recognised-heading", text: "Danh sách được công nhận" }),
      table(
        "Danh sách được công nhận và giấy công nhận",
        [
          { label: "Họ và tên", cell: (s) => el("span", {}, el("strong", { text: names[s.enrolmentId] || (byEnrolment[s.enrolmentId] || {}).holderName || "—" }), el("small", { text: s.enrolmentId })) },
          { label: "Mức độ", cell: (s) => (s.level ? String(s.level) : "—") },
          {
            label: "Giấy công nhận",
            cell: (s) => {
              const certificate = byEnrolment[s.enrolmentId];
              if (!certificate) return "—";
              return el(
                "span",
                {},
                `Số ${certificate.number} `,
                statusTag(CERTIFICATE_STATES, certificate.status),
                el("small", {}, el("a", { href: `/xac-minh?ma=${encodeURIComponent(certificate.code)}`, target: "_blank", rel: "noopener", class: "verify-link", text: "Xác minh công khai" })),
              );
            },
          },
          { label: "Tình trạng", cell: (s) => recognitionCell(assessed[s.enrolmentId], account) },
        ],
        decision.subjects,
        { rowAttrs: (s) => ({ "data-enrolment": s.enrolmentId }) },
      ),
    ),
    decision.skipped.length
      ? el(
          "section",
          { "aria-labelledby": "cn-skipped-heading" },
          el("h2", { id: "cn-skipped-heading", text: "Không được công nhận trong quyết định này" }),
          el("ul", {}, decision.skipped.map((s) => el("li", {}, `${names[s.enrolmentId] || s.enrolmentId}: ${s.message}`))),
        )
      : null,
  );
}

// --- revocation ---------------------------------------------------------------------------------

async function revokeScreen(enrolmentId) {
  const account = api.currentAccount();
  loading();
  let assessment;
  try {
    assessment = (await api.query(ASSESSMENT, { id: enrolmentId })).assessment;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return;
    return problem("Không xem được đăng ký", failure, account);
  }
  if (!assessment) return problem("Không tìm thấy đăng ký", new Error(`Không có đăng ký ${enrolmentId}.`), account);
  const recognition = assessment.recognition;
  const back = recognition && recognition.decisionId
    ? link(decisionPath(recognition.decisionId), `« Quyết định ${recognition.decisionNumber}`)
    : link(recognitionPath(account.unitCode, assessment.year), "« Công nhận");
  const heading = el("h1", { id: "cn-revoke-heading", text: "Thu hồi danh hiệu" });
  const facts = el("p", { class: "cn-recognition" }, `Đăng ký ${enrolmentId}, năm ${assessment.year}. `, recognitionCell(assessment, { role: "" }));
  if (!recognition || recognition.revoked) {
    return show("Thu hồi danh hiệu", el("p", {}, back), heading, facts,
      alertBox(recognition ? "Danh hiệu này đã bị thu hồi." : "Đăng ký này chưa được công nhận; không có gì để thu hồi.", "info"));
  }
  if (!SIGNERS.includes(account.role)) {
    return show("Thu hồi danh hiệu", el("p", {}, back), heading, facts,
      alertBox("Chỉ lãnh đạo UBND (người ký quyết định) được thu hồi danh hiệu.", "info"));
  }
  const number = el("input", { id: "cn-revoke-number", type: "text", autocomplete: "off", placeholder: "VD: 25/QĐ-UBND" });
  const reason = el("textarea", { id: "cn-revoke-reason", rows: "3" });
  const errors = errorArea("cn-revoke-error");
  const confirmArea = el("div", { id: "cn-revoke-confirm" });
  const button = el("button", { type: "submit", id: "cn-revoke", class: "danger", text: "Thu hồi…" });
  const form = el(
    "form",
    {
      class: "card",
      id: "cn-revoke-form",
      novalidate: true,
      oninput: () => errors.replaceChildren(),
      onsubmit: (event) => {
        event.preventDefault();
        errors.replaceChildren();
        const missing = [];
        if (!number.value.trim()) missing.push("số quyết định thu hồi");
        if (!reason.value.trim()) missing.push("lý do thu hồi");
        if (missing.length) return showError(errors, new Error(`Vui lòng nhập ${missing.join(", ")}.`));
        button.hidden = true;
        const text = `Quyết định ${number.value.trim()}: ${reason.value.trim()}`;
        const yes = el("button", { type: "button", id: "cn-revoke-yes", class: "danger", text: "Xác nhận thu hồi" });
        const no = el("button", {
          type: "button", class: "plain", text: "Không, quay lại",
          onclick: () => { confirmArea.replaceChildren(); button.hidden = false; button.focus(); },
        });
        yes.addEventListener("click", async () => {
          try {
            const answer = (await busy(yes, "Đang thu hồi…", () => api.query(REVOKE, { input: { enrolmentId, reason: text } }))).revokeRecognition;
            const revoked = answer.recognition && answer.recognition.revoked;
            form.replaceChildren(
              alertBox(`Đã thu hồi danh hiệu của đăng ký ${enrolmentId} (quyết định công nhận ${recognition.decisionNumber}) ngày ${day(revoked ? revoked.at : todayIso())}. Lý do: ${revoked ? revoked.reason : text}`, "info"),
              el("p", {}, back.cloneNode(true)),
            );
            form.querySelector("a").addEventListener("click", (e) => { e.preventDefault(); go(back.getAttribute("href")); });
            form.querySelector("[role=status]").setAttribute("tabindex", "-1");
            form.querySelector("[role=status]").focus();
          } catch (failure) {
            showError(errors, failure);
            confirmArea.replaceChildren();
            button.hidden = false;
          }
        });
        confirmArea.replaceChildren(
          el("div", { class: "alert warn", role: "alertdialog", "aria-labelledby": "cn-confirm-text" },
            el("p", { id: "cn-confirm-text", text: `Thu hồi danh hiệu đã công nhận theo quyết định ${recognition.decisionNumber} ngày ${day(recognition.decisionDate)}? Giấy công nhận sẽ hiện "Đã thu hồi" khi tra cứu.` }),
            el("div", { class: "actions" }, yes, no),
          ),
        );
        yes.focus();
      },
    },
    field("Số quyết định thu hồi", number, { required: true }),
    field("Lý do thu hồi", reason, { required: true }),
    errors,
    el("div", { class: "actions" }, button),
    confirmArea,
  );
  show("Thu hồi danh hiệu", el("p", {}, back), heading, facts, form);
}

// --- routes and menu ----------------------------------------------------------------------------

route(/^\/app\/cong-nhan\/de-nghi\/([^/]+)$/, (found) => proposalScreen(decodeURIComponent(found[1])));
route(/^\/app\/cong-nhan\/quyet-dinh\/([^/]+)$/, (found) => decisionScreen(decodeURIComponent(found[1])));
route(/^\/app\/cong-nhan\/thu-hoi\/([^/]+)$/, (found) => revokeScreen(decodeURIComponent(found[1])));
route(/^\/app\/cong-nhan\/([^/]+)$/, (found) => overviewScreen(decodeURIComponent(found[1])));
route(/^\/app\/cong-nhan\/?$/, (found, account) => go(recognitionPath(account.unitCode), true));
section({
  key: "decisions",
  label: "Công nhận",
  href: (account) => recognitionPath(account.unitCode),
  match: (path) => path.startsWith("/app/cong-nhan"),
  roles: ["PROVINCE_ADMIN", "DISTRICT_OFFICER", "COMMUNE_OFFICER", "BRANCH_OFFICER", "AUTHORITY", "AUDITOR"],
});
