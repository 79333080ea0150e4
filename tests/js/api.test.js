// api() and errorFrom(): the error shapes of the API read into codes, with a fake fetch.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, api, errorFrom } from "../../static/js/api.js";

globalThis.document = { querySelector: () => null, cookie: "csrftoken=token%2F1" };

function answer(status, body) {
  return async (url, init) => {
    answer.last = { url, init };
    return {
      status,
      ok: status >= 200 && status < 300,
      json: async () => {
        if (body === undefined) throw new SyntaxError("no body");
        return body;
      },
    };
  };
}

test("a non-field error keeps its detail and code", () => {
  const error = errorFrom(409, { detail: "Expected the chunk at byte 10.", code: "offset", received: 10 });
  assert.ok(error instanceof ApiError);
  assert.deepEqual([error.status, error.code, error.detail, error.body.received], [409, "offset", "Expected the chunk at byte 10.", 10]);
});

test("field errors give the first field's first code and message, and every field's codes", () => {
  const error = errorFrom(400, { email: ["Taken."], size: ["Too big."], codes: { email: ["taken"], size: ["too_large"] } });
  assert.deepEqual([error.code, error.detail], ["taken", "Taken."]);
  assert.deepEqual(error.fields, { email: ["taken"], size: ["too_large"] });
});

test("an answer without the shape (a proxy's page, no connection) gets a code from its status", () => {
  assert.equal(errorFrom(502, null).code, "server_error");
  assert.equal(errorFrom(429, "Too many").code, "rate_limited");
  assert.equal(errorFrom(0, null).code, "network");
  assert.match(errorFrom(502, null).detail, /502/);
});

test("a GET sends no CSRF token and resolves to the JSON answer", async () => {
  const fetcher = answer(200, { results: [] });
  assert.deepEqual(await api("/api/v1/feed", { fetcher }), { results: [] });
  assert.equal(answer.last.init.method, "GET");
  assert.equal(answer.last.init.credentials, "same-origin");
  assert.deepEqual(answer.last.init.headers, { Accept: "application/json" });
  assert.equal(answer.last.init.body, undefined);
});

test("a write sends JSON with the CSRF token from the cookie", async () => {
  await api("/api/v1/x", { method: "POST", body: { a: 1 }, fetcher: answer(201, { id: 1 }) });
  assert.deepEqual(answer.last.init.headers, {
    Accept: "application/json",
    "X-CSRFToken": "token/1",
    "Content-Type": "application/json",
  });
  assert.equal(answer.last.init.body, '{"a":1}');
});

test("an answer with no body resolves to null", async () => {
  assert.equal(await api("/api/v1/x", { method: "DELETE", fetcher: answer(204) }), null);
});

test("a refusal rejects with an ApiError carrying the server's code", async () => {
  const fetcher = answer(404, { detail: "No such video.", code: "not_found" });
  await assert.rejects(api("/api/v1/x", { fetcher }), { name: "ApiError", status: 404, code: "not_found", detail: "No such video." });
});

test("no connection rejects with the network code, an abort with the AbortError itself", async () => {
  const offline = async () => { throw new TypeError("Failed to fetch"); };
  await assert.rejects(api("/api/v1/x", { fetcher: offline }), { code: "network", status: 0 });
  const aborted = async () => { throw Object.assign(new Error("aborted"), { name: "AbortError" }); };
  await assert.rejects(api("/api/v1/x", { fetcher: aborted }), { name: "AbortError" });
});
