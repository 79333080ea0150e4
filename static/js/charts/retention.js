// Draws retention curves with uPlot: x is how far into the video (0–100 % of its length, in 2 % steps),
// y the share of views still watching. A visually hidden table follows with the same numbers at each
// 10 % for screen readers (the canvas itself is hidden from them).
import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { fillTable } from "./table.js";
import { gettext, language } from "../i18n.js";

const HEIGHT = 240;
const COLOURS = ["#f472b6", "#94a3b8"];
const TABLE_EVERY = 10; // % of the length between rows of the hidden table
// "50%" in English, "50 %" in German.
const PERCENT = new Intl.NumberFormat(language(), { style: "percent", maximumFractionDigits: 0 });

/**
 * drawRetention(container, { caption, steps: [0, 2, ..., 100], series: [{ label, values: [1, 0.97, ...] }] })
 * values are shares (0..1) of views still watching at each step.
 * Returns { destroy() }.
 */
export function drawRetention(container, data) {
  const plotBox = document.createElement("div");
  plotBox.className = "chart-plot";
  plotBox.setAttribute("aria-hidden", "true");
  const table = document.createElement("table");
  table.className = "visually-hidden";
  container.replaceChildren(plotBox, table);

  const plot = new uPlot(options(data, width(container)), [data.steps, ...data.series.map((s) => s.values)], plotBox);
  fillTable(table, tableOf(data));
  const resize = new ResizeObserver(() => plot.setSize({ width: width(container), height: HEIGHT }));
  resize.observe(container);
  return {
    destroy() {
      resize.disconnect();
      plot.destroy();
      container.replaceChildren();
    },
  };
}

function width(container) {
  return Math.max(200, Math.floor(container.clientWidth));
}

function share(value) {
  return value == null ? "—" : PERCENT.format(Math.round(value * 100) / 100);
}

function options(data, plotWidth) {
  const axisStyle = { stroke: "#cbd5e1", grid: { stroke: "rgba(203, 213, 225, 0.12)" }, ticks: { show: false } };
  return {
    width: plotWidth,
    height: HEIGHT,
    scales: { x: { time: false, range: [0, 100] }, y: { range: [0, 1] } },
    axes: [
      { ...axisStyle, space: 48, incrs: [10, 20, 25, 50], values: (u, ticks) => ticks.map((tick) => PERCENT.format(tick / 100)) },
      { ...axisStyle, size: 48, incrs: [0.1, 0.2, 0.25, 0.5], values: (u, ticks) => ticks.map(share) },
    ],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: gettext("Into the video"), value: (u, step) => (step == null ? "" : PERCENT.format(step / 100)) },
      ...data.series.map((series, index) => {
        const colour = COLOURS[index % COLOURS.length];
        return {
          label: series.label,
          stroke: colour,
          width: index === 0 ? 2.5 : 2,
          dash: index === 0 ? undefined : [6, 4],
          fill: index === 0 ? `${colour}22` : undefined,
          points: { show: false },
          value: (u, value) => share(value),
        };
      }),
    ],
  };
}

function tableOf(data) {
  return {
    caption: data.caption || gettext("Retention"),
    columns: [gettext("Into the video"), ...data.series.map((series) => series.label)],
    rows: data.steps
      .map((step, index) => [step, index])
      .filter(([step]) => step % TABLE_EVERY === 0)
      .map(([step, index]) => [PERCENT.format(step / 100), ...data.series.map((series) => share(series.values[index]))]),
  };
}
