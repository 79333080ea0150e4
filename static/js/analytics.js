// The creator analytics pages: draws each chart from the numbers the server put in the page.
import { drawDaily } from "./charts/daily.js";
import { drawRetention } from "./charts/retention.js";
import { formatNumber } from "./i18n.js";

const source = document.getElementById("analytics-charts");
if (source) {
  const charts = JSON.parse(source.textContent);
  for (const container of document.querySelectorAll("[data-chart]")) {
    const chart = charts[container.dataset.chart];
    if (!chart) continue;
    if (container.dataset.kind === "retention") drawRetention(container, chart);
    else drawDaily(container, withFormats(chart));
  }
}

// Losses come drawn below the axis; the legend and the table show them without the sign.
function withFormats(chart) {
  const unsigned = (value) => (value == null ? "—" : formatNumber(Math.abs(value)));
  return {
    ...chart,
    series: chart.series.map((series) => (series.negative ? { ...series, format: unsigned } : series)),
  };
}
