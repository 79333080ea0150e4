// The estimated reach under the new-promotion form, asked again (debounced) whenever the form changes.
import { api } from "../js/api.js";

const WAIT_MS = 350;

const form = document.querySelector("[data-reach-form]");
if (form) setUp(form);

function setUp(form) {
  const output = form.querySelector("[data-reach-estimate]");
  let timer = 0;
  let running = null;
  const refresh = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      running?.abort();
      running = new AbortController();
      try {
        show(output, await estimate(form, running.signal));
      } catch (problem) {
        if (problem.name !== "AbortError") show(output, problem.message);
      }
    }, WAIT_MS);
  };
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
}

function show(output, text) {
  output.textContent = text;
  output.hidden = false;
}

// "12.5" or "12.50" -> 1250, in exact integer cents (never through a float); null when not a price.
export function cents(text) {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
}

function query(form) {
  const data = new FormData(form);
  const budget = cents(String(data.get("budget") || ""));
  const days = String(data.get("duration_days") || "").trim();
  if (budget === null || !/^\d{1,3}$/.test(days)) return null;
  const params = new URLSearchParams({
    audience: String(data.get("audience") || "automatic"),
    budget_cents: String(budget),
    duration_days: days,
  });
  for (const code of String(data.get("regions") || "").split(",")) {
    if (code.trim()) params.append("regions", code.trim());
  }
  for (const slug of data.getAll("topics")) params.append("topics", String(slug));
  for (const band of data.getAll("age_bands")) params.append("age_bands", String(band));
  return params;
}

async function estimate(form, signal) {
  const params = query(form);
  if (params === null) return "Enter a budget and a duration to see the estimated reach.";
  let data;
  try {
    data = (await api(`${form.dataset.reachUrl}?${params}`, { signal })) || {};
  } catch (problem) {
    if (problem.name === "AbortError") throw problem;
    const unavailable = problem.code === "network" || problem.status >= 500;
    return unavailable ? "The estimate is not available right now." : problem.detail;
  }
  const number = (value) => Number(value).toLocaleString();
  if (data.audience === 0) return "No adult viewers active in the last 28 days match this audience yet.";
  return (
    `Estimated reach: ${number(data.low)}–${number(data.high)} people ` +
    `(${number(data.impressions)} sponsored views at ${data.cpm_display} per 1,000; ` +
    `${number(data.audience)} matching adults were active in the last 28 days).`
  );
}
