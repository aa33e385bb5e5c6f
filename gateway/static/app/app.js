// The officers' web app: the session, the menu and the routing. Each screen lives in its own
// module under screens/ and registers its routes and menu entry (router.js); to add a screen,
// import its module below.
// Addresses: /app/dang-nhap (sign-in), /app/don-vi/<code>?nam=<year> (a unit's home), and the
// screens' own; "/" goes to the officer's own unit.

import * as api from "./api.js";
import { go, match, menuFor, onNavigate } from "./router.js";
import { alertBox, el, link, show } from "./ui.js";
import { oidcCallback, signInScreen, tellAtSignIn } from "./screens/signin.js";
import { unitPath } from "./screens/home.js";
// screens (each registers itself; the menu follows this order: the year's work, then the rest)
import "./screens/home.js";
import "./screens/registrations.js";
import "./screens/review.js";
import "./screens/decisions.js";
import "./screens/fund.js";
import "./screens/reports.js";
import "./screens/admin.js";
import "./screens/accounts.js";

const ROLE_NAMES = {
  PROVINCE_ADMIN: "Quản trị cấp tỉnh",
  DISTRICT_OFFICER: "Cán bộ cấp huyện",
  COMMUNE_OFFICER: "Cán bộ cấp xã",
  BRANCH_OFFICER: "Cán bộ chi hội",
  AUTHORITY: "Lãnh đạo UBND (người ký quyết định)",
  FUND_MANAGER: "Quản lý quỹ",
  AUDITOR: "Kiểm tra, giám sát",
  PARTNER: "Hệ thống đối tác",
};

function signedInBar(account) {
  document.getElementById("who").replaceChildren(
    el(
      "span",
      { class: "name" },
      account.fullName,
      el("small", { class: "role", text: ROLE_NAMES[account.role] || account.role }),
    ),
    el("button", {
      type: "button", id: "signout", class: "secondary", text: "Đăng xuất",
      onclick: async () => {
        await api.signOut().catch(() => {});
        tellAtSignIn("Bạn đã đăng xuất.", "info");
        go("/app/dang-nhap", true);
      },
    }),
  );
}

function menu(account) {
  const here = location.pathname;
  const entries = menuFor(account).map((entry) => {
    const href = entry.href(account);
    const current = entry.match ? entry.match(here) : here.startsWith(href.split("?")[0]);
    return el("li", {}, link(href, entry.label, { "data-section": entry.key, "aria-current": current ? "page" : null }));
  });
  document.getElementById("menu").replaceChildren(el("ul", {}, entries));
}

async function route() {
  if (location.pathname === "/app/oidc") return oidcCallback(); // back from the identity provider
  const account = await api.resume();
  if (!account && api.takeResumeFailure()) tellAtSignIn(api.EXPIRED_MESSAGE);
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
    if (after.startsWith("/app/") && after !== "/app/dang-nhap") return go(after, true);
  }
  const found = match(path);
  if (!found) return go(unitPath(account.unitCode), true);
  signedInBar(account);
  menu(account);
  try {
    await found.entry.draw(found.found, account);
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") return; // the sign-in screen took over
    show(
      "Có lỗi",
      el("h1", { text: "Không mở được trang này" }),
      alertBox(failure.message || String(failure)),
      el("p", {}, link(unitPath(account.unitCode), "Về đơn vị của tôi")),
    );
  }
}

api.whenExpired((message) => {
  tellAtSignIn(message);
  go("/app/dang-nhap", true);
});
onNavigate(route);
window.addEventListener("popstate", route);
route();
