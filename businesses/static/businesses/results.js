// The results section of a promotion's page: draws the daily chart, then keeps the figures, the
// chart and the table current by polling the results API while the promotion runs.
import { api } from "../js/api.js";
import { drawDaily } from "../js/charts/daily.js";
import { formatNumber, gettext, interpolate, language } from "../js/i18n.js";

const POLL_MILLISECONDS = 20_000;
// As the server writes a figure (businesses/templatetags/business_numbers.py): German groups thousands
// (4.166), English keeps the bare figure (4166).
const figure = (value) => (language().startsWith("en") ? String(value) : formatNumber(value));
const section = document.querySelector("[data-results]");
if (section) setUp(section);

function setUp(section) {
  const initial = JSON.parse(document.getElementById("results-data").textContent);
  const chart = drawDaily(section.querySelector("[data-results-chart]"), chartData(initial));
  if (section.dataset.resultsLive !== "1") return;
  const url = section.dataset.resultsUrl;
  const status = section.querySelector("[data-results-status]");
  setInterval(async () => {
    if (document.visibilityState !== "visible") return;
    try {
      const results = await api(url);
      showFigures(section, results);
      showTable(section.querySelector("[data-results-days]"), results);
      chart.update(chartData(results));
      const time = new Date().toLocaleTimeString(language(), { hour: "2-digit", minute: "2-digit" });
      status.textContent = interpolate(gettext("Updated %(time)s"), { time });
    } catch {
      status.textContent = gettext("Could not update just now; trying again shortly.");
    }
  }, POLL_MILLISECONDS);
}

function chartData(results) {
  const money = new Intl.NumberFormat(language(), { style: "currency", currency: results.currency });
  return {
    caption: gettext("Impressions and spend by day"),
    days: results.days.map((day) => day.day),
    series: [
      { label: gettext("Impressions"), bars: true, values: results.days.map((day) => day.impressions) },
      {
        label: gettext("Spend"),
        axis: "right",
        values: results.days.map((day) => day.spent_cents / 100),
        format: (value) => (value == null ? "—" : money.format(value)),
      },
    ],
  };
}

function showFigures(section, results) {
  for (const element of section.querySelectorAll("[data-figure]")) {
    const value = results[element.dataset.figure];
    if (value !== undefined) element.textContent = typeof value === "number" ? figure(value) : String(value);
  }
}

function showTable(body, results) {
  const rows = results.days.map((day) => {
    const row = document.createElement("tr");
    const dayCell = document.createElement("th");
    dayCell.scope = "row";
    dayCell.textContent = new Date(`${day.day}T00:00:00Z`).toLocaleDateString(language(), {
      day: "numeric", month: "short", timeZone: "UTC",
    });
    row.append(dayCell);
    for (const value of [day.impressions, day.reach, day.views, day.clicks]) {
      row.insertCell().textContent = figure(value);
    }
    row.insertCell().textContent = day.spent_amount;
    return row;
  });
  body.replaceChildren(...rows.reverse());
}
