// Sign-in (/app/dang-nhap): the only screen without a session.

import * as api from "../api.js";
import { go } from "../router.js";
import { alertBox, el, show } from "../ui.js";
import { unitPath } from "./home.js";

let notice = null; // a message for the next sign-in screen (expired session, signed out)

export function tellAtSignIn(text, kind = "error") {
  notice = { text, kind };
}

export function signInScreen() {
  document.getElementById("who").replaceChildren();
  document.getElementById("menu").replaceChildren();
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
    el("p", { class: "hint public-link" }, el("a", { href: "/cong-khai", text: "Trang công khai (không cần đăng nhập)" })),
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
  offerIdentityProvider(form, error);
}

// The province's identity provider, when the deployment has one: a second way in, below.
async function offerIdentityProvider(form, error) {
  let options;
  try {
    options = await api.signInOptions();
  } catch {
    return; // password sign-in still works
  }
  if (!options.oidc) return;
  const button = el("button", {
    type: "button", id: "signin-oidc", class: "plain", text: options.oidc.label,
    onclick: async () => {
      button.disabled = true;
      try {
        await api.startOidc(options.oidc);
      } catch (failure) {
        error.replaceChildren(alertBox(failure.message || String(failure)));
        button.disabled = false;
      }
    },
  });
  form.querySelector(".public-link").before(el("p", { class: "or", text: "hoặc" }), button);
}

// /app/oidc: back from the identity provider with a code.
export async function oidcCallback() {
  try {
    const account = await api.finishOidc(location.search);
    go(unitPath(account.unitCode), true);
  } catch (failure) {
    tellAtSignIn(failure.message || String(failure));
    go("/app/dang-nhap", true);
  }
}
