// Building blocks shared by every screen: elements, links, alerts, forms, tables, numbers and
// file downloads. Screens build the DOM with `el` (no innerHTML: user text is never markup).

import * as api from "./api.js";
import { go } from "./router.js";

const main = () => document.getElementById("main");

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// An in-app link: a plain <a href> (opens in a new tab with Ctrl), routed without a reload.
export function link(href, text, attrs = {}) {
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

// Replace the main area; the document title names the screen; focus moves to the content so a
// screen reader announces it and the keyboard starts there.
export function show(title, ...content) {
  document.title = `${title} — Khuyến học`;
  main().replaceChildren(...content.flat().filter((node) => node !== null && node !== undefined));
  main().focus();
}

export function loading(text = "Đang tải…") {
  show("Đang tải", el("p", { class: "loading", role: "status", text }));
}

export function alertBox(message, kind = "error") {
  return el("p", { class: `alert ${kind}`, role: kind === "error" ? "alert" : "status", text: message });
}

export function provisionalBadge(reason) {
  return el(
    "span",
    { class: "badge", title: reason || null },
    "Tạm thời",
    reason ? el("span", { class: "sr-only", text: `: ${reason}` }) : null,
  );
}

export function percent(value) {
  if (value === null || value === undefined) return "—";
  return `${(value * 100).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`;
}

export function number(value) {
  return value === null || value === undefined ? "—" : Number(value).toLocaleString("vi-VN");
}

// Money arrives as đồng (an integer, or its decimal string): "1.234.567 đ".
export function money(value) {
  return value === null || value === undefined ? "—" : `${Number(value).toLocaleString("vi-VN")} đ`;
}

// "2024-03-05" or an ISO timestamp → "05/03/2024" (the way Vietnamese paperwork writes dates).
export function day(value) {
  if (!value) return "—";
  const [y, m, d] = String(value).slice(0, 10).split("-");
  return d ? `${d}/${m}/${y}` : String(value);
}

// A labelled form field: `field("Họ và tên", input, { hint })`; the input needs an id.
export function field(label, input, { hint = null, required = false } = {}) {
  const hintId = hint ? `${input.id}-hint` : null;
  if (hintId) input.setAttribute("aria-describedby", hintId);
  if (required) input.required = true;
  return el(
    "div",
    { class: "field" },
    el("label", { for: input.id }, label, required ? el("span", { class: "req", "aria-hidden": "true", text: " *" }) : null),
    input,
    hint ? el("small", { id: hintId, class: "hint", text: hint }) : null,
  );
}

// A form's error area (announced), filled from a failed call: the server's Vietnamese messages.
export function errorArea(id) {
  return el("div", { id, class: "form-error", "aria-live": "assertive" });
}

export function showError(area, failure) {
  area.replaceChildren(alertBox(failure.message || String(failure)));
  area.scrollIntoView({ block: "nearest" });
}

// Disable a submit button while `work` runs, with a Vietnamese "working" label.
export async function busy(button, text, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = text;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

// A table: columns [{ label, cell(row) → Node|string }]; on a phone each row becomes a card
// whose cells are labelled by their column (data-label).
export function table(caption, columns, rows, { empty = "Chưa có dữ liệu.", rowAttrs = () => ({}) } = {}) {
  if (!rows.length) return el("p", { class: "hint empty", text: empty });
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      {},
      el("caption", { class: "sr-only", text: caption }),
      el("thead", {}, el("tr", {}, columns.map((column) => el("th", { scope: "col", text: column.label })))),
      el(
        "tbody",
        {},
        rows.map((row) =>
          el(
            "tr",
            rowAttrs(row),
            columns.map((column) => {
              const value = column.cell(row);
              return el("td", { "data-label": column.label }, value === null || value === undefined ? "—" : value);
            }),
          ),
        ),
      ),
    ),
  );
}

// A private file (/files/...) fetched with the session's token and saved under its name.
export async function download(path, fallbackName) {
  const { blob, filename } = await api.file(path);
  const url = URL.createObjectURL(blob);
  const anchor = el("a", { href: url, download: filename || fallbackName, class: "sr-only" });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// A download button with its own error line (the file may be refused or missing).
export function downloadButton(text, path, fallbackName, attrs = {}) {
  const status = el("span", { class: "download-status", "aria-live": "polite" });
  const button = el("button", {
    type: "button",
    class: "plain",
    text,
    ...attrs,
    onclick: async () => {
      status.replaceChildren();
      try {
        await busy(button, "Đang tải…", () => download(path, fallbackName));
      } catch (failure) {
        status.replaceChildren(alertBox(failure.message));
      }
    },
  });
  return el("span", { class: "download" }, button, status);
}
