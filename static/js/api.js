// The one door to the site's JSON API: headers, the CSRF token, JSON in and out, and errors as ApiError
// with the server's machine-readable code. Callers branch on `error.code`, never on the (translated) text.
import { csrfToken } from "./csrf.js";
import { gettext, interpolate } from "./i18n.js";

// Codes for answers that carry none (a proxy's 502 page, a dropped connection): the same words the
// API uses for the same meaning.
const CODE_FOR_STATUS = {
  0: "network",
  401: "not_authenticated",
  403: "permission_denied",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  429: "rate_limited",
};

// A refused or failed call. `code` is stable ("offset", "not_found", "network", ...); `detail` is a
// sentence for the person; `fields` maps each input field to its codes when the error is about fields.
export class ApiError extends Error {
  constructor({ status, code, detail, body = {}, fields = {} }) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.body = body;
    this.fields = fields;
  }
}

function codeForStatus(status) {
  if (CODE_FOR_STATUS[status]) return CODE_FOR_STATUS[status];
  return status >= 500 ? "server_error" : "error";
}

// Reads the API's error shape: {"detail", "code", ...context} or {"<field>": [messages], "codes": {...}}.
export function errorFrom(status, body, fallbackDetail = "") {
  const data = body && typeof body === "object" && !Array.isArray(body) ? body : {};
  const fallback =
    fallbackDetail ||
    interpolate(gettext("Something went wrong (%(status)s). Please try again."), {
      status: status || gettext("no connection"),
    });
  if (typeof data.detail === "string") {
    const code = typeof data.code === "string" && data.code ? data.code : codeForStatus(status);
    return new ApiError({ status, code, detail: data.detail, body: data });
  }
  const fields = data.codes && typeof data.codes === "object" ? data.codes : {};
  const first = Object.keys(fields).find((name) => Array.isArray(fields[name]) && fields[name].length);
  // The person reads the first field's first message; without codes, any field's.
  const messages = first ? data[first] : Object.values(data).find((value) => Array.isArray(value));
  const message = Array.isArray(messages) && typeof messages[0] === "string" ? messages[0] : fallback;
  return new ApiError({
    status,
    code: first ? String(fields[first][0]) : codeForStatus(status),
    detail: message,
    body: data,
    fields,
  });
}

async function readBody(response) {
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch {
    return null; // not JSON: an empty body, or an HTML error page from a proxy
  }
}

// `api(url, {method, body, signal, keepalive, csrfScope})`: resolves to the parsed JSON answer (null
// when there is none), rejects with ApiError (code "network" when the request never got an answer).
// An aborted request rejects with the browser's AbortError, untouched.
export async function api(url, { method = "GET", body, signal, keepalive = false, csrfScope, fetcher = fetch } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken(csrfScope);
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetcher(url, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      keepalive,
    });
  } catch (problem) {
    if (problem && problem.name === "AbortError") throw problem;
    throw new ApiError({ status: 0, code: "network", detail: gettext("We couldn't reach Joyreel. Check your connection and try again.") });
  }
  const data = await readBody(response);
  if (!response.ok) throw errorFrom(response.status, data);
  return data;
}
