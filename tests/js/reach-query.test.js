// The reach estimate's query: exact cents from what was typed, the budget type, and the targeting lists.
import assert from "node:assert/strict";
import { test } from "node:test";

import { cents, query } from "../../businesses/static/businesses/reach-query.js";

function form(entries) {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

test("cents are exact and refuse what is not a price", () => {
  assert.equal(cents("12.5"), 1250);
  assert.equal(cents("0,07"), 7);
  assert.equal(cents(" 25 "), 2500);
  for (const text of ["", "12.345", "-5", "1e3", "ten"]) assert.equal(cents(text), null, text);
});

test("a daily budget is sent as typed, with its type", () => {
  const params = query(form([["budget", "5"], ["budget_per", "day"], ["duration_days", "5"]]));
  assert.equal(params.toString(), "audience=automatic&budget_cents=500&budget_per=day&duration_days=5");
});

test("a custom audience sends each region, topic and age band", () => {
  const params = query(
    form([
      ["audience", "custom"], ["budget", "25.00"], ["duration_days", "7"], ["regions", "DE-BY, DE-BE,"],
      ["topics", "food"], ["topics", "music"], ["age_bands", "25_34"],
    ]),
  );
  assert.deepEqual(params.getAll("regions"), ["DE-BY", "DE-BE"]);
  assert.deepEqual(params.getAll("topics"), ["food", "music"]);
  assert.deepEqual(params.getAll("age_bands"), ["25_34"]);
  assert.equal(params.get("budget_per"), "total");
});

test("no query until the budget and the days are numbers", () => {
  assert.equal(query(form([["budget", "12"], ["duration_days", ""]])), null);
  assert.equal(query(form([["budget", "abc"], ["duration_days", "7"]])), null);
});
