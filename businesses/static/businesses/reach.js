// The new-promotion form: the estimated reach under it, asked again (debounced) whenever the form
// changes, and the custom-audience fields shown only for a custom audience.
import { api } from "../js/api.js";
import { formatNumber, gettext, interpolate, ngettext } from "../js/i18n.js";
import { query } from "./reach-query.js";

const WAIT_MS = 350;
const prompt = () => gettext("Enter a budget and a duration to see the estimated reach.");

const form = document.querySelector("[data-reach-form]");
if (form) setUp(form);

function setUp(form) {
  const output = form.querySelector("[data-reach-estimate]");
  const custom = form.querySelector("[data-custom-audience]");
  let timer = 0;
  let running = null;
  const refresh = () => {
    if (custom) custom.hidden = new FormData(form).get("audience") !== "custom";
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      running?.abort();
      running = new AbortController();
      try {
        show(output, await estimate(form, running.signal));
      } catch (problem) {
        if (problem.name !== "AbortError") show(output, { lines: [problem.message] });
      }
    }, WAIT_MS);
  };
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
}

// `lines`: sentences to show, the first as the headline; `warning`: the last one is a warning.
function show(output, { lines, warning = false }) {
  const paragraphs = lines.map((line, index) => {
    const paragraph = document.createElement("p");
    paragraph.textContent = line;
    if (index === 0 && lines.length > 1) paragraph.className = "estimate-headline";
    if (warning && index === lines.length - 1) paragraph.className = "estimate-warning";
    return paragraph;
  });
  output.replaceChildren(...paragraphs);
  output.classList.toggle("is-warning", warning);
  output.hidden = false;
}

async function estimate(form, signal) {
  const params = query(new FormData(form));
  if (params === null) return { lines: [prompt()] };
  let data;
  try {
    data = (await api(`${form.dataset.reachUrl}?${params}`, { signal })) || {};
  } catch (problem) {
    if (problem.name === "AbortError") throw problem;
    const unavailable = problem.code === "network" || problem.status >= 500;
    return { lines: [unavailable ? gettext("The estimate is not available right now.") : problem.detail] };
  }
  const lines = [...data.sentences];
  if (params.get("budget_per") === "day") {
    const days = Number(params.get("duration_days"));
    const total = ngettext("Total budget: %(budget)s (%(days)s day).", "Total budget: %(budget)s (%(days)s days).", days);
    lines.splice(1, 0, interpolate(total, { budget: data.budget, days: formatNumber(days) }));
  }
  return { lines, warning: Boolean(data.is_budget_too_big) };
}
