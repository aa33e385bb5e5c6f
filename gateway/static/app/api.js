// Talking to /graphql and keeping the session: the access token in memory only, the one-time
// refresh token in sessionStorage (gone with the tab), renewed a minute before the access
// token expires.

const REFRESH_KEY = "khuyenhoc.refreshToken";
const EARLY_MS = 60 * 1000;

export const EXPIRED_MESSAGE = "Phiên đăng nhập đã hết hạn hoặc bị từ chối; vui lòng đăng nhập lại.";

let accessToken = null;
let account = null;
let timer = null;
let onExpired = () => {};

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function whenExpired(handler) {
  onExpired = handler;
}

export function currentAccount() {
  return account;
}

async function post(query, variables, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("Không kết nối được máy chủ; vui lòng thử lại.", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`Máy chủ trả lời lỗi ${response.status}.`, "HTTP");
  }
  return answer(body);
}

// The data of a GraphQL answer, or its first error as an ApiError in the server's Vietnamese.
function answer(body) {
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const extensions = first.extensions || {};
    // a field error (BAD_USER_INPUT) says what is wrong in its fields, in Vietnamese
    const fields = (extensions.fields || []).map((field) => field.message).filter(Boolean);
    throw new ApiError(fields.length ? fields.join(" ") : first.message, extensions.code || "ERROR");
  }
  return body.data;
}

const SESSION_FIELDS = "accessToken expiresAt refreshToken account { username fullName role unitCode }";

function keep(session) {
  accessToken = session.accessToken;
  account = session.account;
  sessionStorage.setItem(REFRESH_KEY, session.refreshToken);
  clearTimeout(timer);
  const wait = Date.parse(session.expiresAt) - Date.now() - EARLY_MS;
  timer = setTimeout(() => {
    refresh().catch(() => expire());
  }, Math.max(wait, 5000));
  return account;
}

function forget() {
  accessToken = null;
  account = null;
  clearTimeout(timer);
  sessionStorage.removeItem(REFRESH_KEY);
}

function expire() {
  forget();
  onExpired(EXPIRED_MESSAGE);
}

export async function signIn(username, password) {
  const data = await post(
    `mutation SignIn($input: SignInInput!) { signIn(input: $input) { ${SESSION_FIELDS} } }`,
    { input: { username, password } },
  );
  return keep(data.signIn);
}

// One refresh at a time: a refresh token presented twice would revoke the whole session.
let refreshing = null;

function refresh() {
  if (!refreshing) {
    refreshing = renew().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function renew() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) throw new ApiError(EXPIRED_MESSAGE, "UNAUTHENTICATED");
  const data = await post(
    `mutation RefreshSession($input: RefreshSessionInput!) {
      refreshSession(input: $input) { ${SESSION_FIELDS} } }`,
    { input: { refreshToken } },
  );
  return keep(data.refreshSession);
}

// After a reload the access token is gone: the refresh token (if any) brings the session back.
let resumeFailed = false;

export async function resume() {
  if (account) return account;
  if (!sessionStorage.getItem(REFRESH_KEY)) return null;
  try {
    return await refresh();
  } catch {
    forget();
    resumeFailed = true;
    return null;
  }
}

// Whether the last resume found a session that the server no longer accepts (asked once).
export function takeResumeFailure() {
  const failed = resumeFailed;
  resumeFailed = false;
  return failed;
}

export async function signOut() {
  try {
    if (accessToken) await post("mutation SignOut { signOut }", {}, accessToken);
  } finally {
    forget();
  }
}

// A signed-in query: a refused token is refreshed once, then the session ends.
export async function query(text, variables) {
  try {
    return await post(text, variables, accessToken);
  } catch (error) {
    if (error.code !== "UNAUTHENTICATED") throw error;
  }
  try {
    await refresh();
  } catch {
    expire();
    throw new ApiError(EXPIRED_MESSAGE, "UNAUTHENTICATED");
  }
  return post(text, variables, accessToken);
}

// A private file (/files/...) with the session's token: its bytes and the name the server gives.
export async function file(path) {
  const attempt = () =>
    fetch(path, { headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {} });
  let response;
  try {
    response = await attempt();
    if (response.status === 401) {
      await refresh();
      response = await attempt();
    }
  } catch (failure) {
    if (failure instanceof ApiError) {
      expire();
      throw failure;
    }
    throw new ApiError("Không kết nối được máy chủ; vui lòng thử lại.", "NETWORK");
  }
  if (!response.ok) {
    const text = (await response.text()).trim();
    throw new ApiError(text && text.length < 300 ? text : `Không tải được tệp (lỗi ${response.status}).`, "HTTP");
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const star = disposition.match(/filename\*=UTF-8''([^;]+)/i);
  const plain = disposition.match(/filename="([^"]+)"/i);
  const filename = star ? decodeURIComponent(star[1]) : plain ? plain[1] : null;
  return { blob: await response.blob(), filename };
}

// A file picked in a form as base64 (the API takes files base64-encoded inside the variables).
export function base64(fileObject) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(new ApiError("Không đọc được tệp đã chọn.", "FILE"));
    reader.readAsDataURL(fileObject);
  });
}

// A signed-in query whose (large) body reports its upload: `onProgress(share 0..1)`.
export function sendWithProgress(text, variables, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/graphql");
    request.setRequestHeader("Content-Type", "application/json");
    if (accessToken) request.setRequestHeader("Authorization", `Bearer ${accessToken}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError("Không kết nối được máy chủ; vui lòng thử lại.", "NETWORK"));
    request.onload = () => {
      let body;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        reject(new ApiError(`Máy chủ trả lời lỗi ${request.status}.`, "HTTP"));
        return;
      }
      try {
        resolve(answer(body));
      } catch (failure) {
        reject(failure);
      }
    };
    request.send(JSON.stringify({ query: text, variables }));
  });
}

// ---- signing in through the province's identity provider (OIDC, code flow with PKCE) -----

const OIDC_KEY = "khuyenhoc.oidc";

// Bytes as base64url without padding (RFC 7636's encoding of the verifier and its challenge).
function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// The ways this deployment offers (the identity provider's button only when it has one).
export async function signInOptions() {
  const data = await post(
    "query SignInOptions { signInOptions { password oidc { authorizationEndpoint clientId scope label } } }",
    {},
  );
  return data.signInOptions;
}

// Leave for the issuer; it sends the officer back to /app/oidc with a code.
export async function startOidc(oidc) {
  const verifier = randomText(48);
  const state = randomText(16);
  const nonce = randomText(16);
  const redirectUri = `${location.origin}/app/oidc`;
  sessionStorage.setItem(OIDC_KEY, JSON.stringify({ verifier, state, nonce, redirectUri }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: oidc.clientId,
    redirect_uri: redirectUri,
    scope: oidc.scope,
    state,
    nonce,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  });
  const separator = oidc.authorizationEndpoint.includes("?") ? "&" : "?";
  location.assign(`${oidc.authorizationEndpoint}${separator}${query}`);
}

// Back from the issuer: the code (with the state we sent) traded for the platform's session.
export async function finishOidc(search) {
  const given = new URLSearchParams(search);
  const kept = JSON.parse(sessionStorage.getItem(OIDC_KEY) || "null");
  sessionStorage.removeItem(OIDC_KEY);
  if (given.get("error")) {
    throw new ApiError("Cổng định danh từ chối đăng nhập; vui lòng thử lại.", "OIDC");
  }
  if (!kept || !given.get("code") || given.get("state") !== kept.state) {
    throw new ApiError("Lượt đăng nhập qua cổng định danh không hợp lệ hoặc đã cũ; vui lòng đăng nhập lại.", "OIDC");
  }
  const data = await post(
    `mutation SignInWithOidc($input: SignInWithOidcInput!) { signInWithOidc(input: $input) { ${SESSION_FIELDS} } }`,
    { input: { code: given.get("code"), codeVerifier: kept.verifier, redirectUri: kept.redirectUri, nonce: kept.nonce } },
  );
  return keep(data.signInWithOidc);
}
