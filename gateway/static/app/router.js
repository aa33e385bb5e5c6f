// Addresses and the menu. Each screen module registers its routes (a pattern and a function
// that draws it) and, optionally, a menu section; app.js imports the screen modules.

const routes = [];
const sections = [];
let router = null;

// `route(/^\/app\/quy\/([^/]+)$/, (match, account) => ...)`: the first matching route draws.
export function route(pattern, draw) {
  routes.push({ pattern, draw });
}

// A menu entry: `section({ key, label, href(account), roles })`; roles null = every officer.
export function section(entry) {
  sections.push(entry);
}

export function menuFor(account) {
  return sections.filter((entry) => !entry.roles || entry.roles.includes(account.role));
}

export function match(path) {
  for (const entry of routes) {
    const found = path.match(entry.pattern);
    if (found) return { entry, found };
  }
  return null;
}

export function onNavigate(handler) {
  router = handler;
}

export function go(path, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  if (router) router();
}

// The query-string value `name` of the current address (null when absent).
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}
