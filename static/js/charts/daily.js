// Draws a daily series into a container with uPlot: as wide as the container, and followed by a
// visually hidden table of the same numbers for screen readers (the canvas itself is hidden from them).
import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { fillTable } from "./table.js";
import { formatNumber, gettext, language } from "../i18n.js";

const HEIGHT = 220;
const COLOURS = ["#f472b6", "#38bdf8", "#86efac", "#facc15"];
const DAY_SECONDS = 86_400;
const WHOLE_STEPS = [1, 2, 5].flatMap((step) => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000].map((power) => step * power)).sort((a, b) => a - b);
// The page's language, not the browser's: a German page says "6. Dez.", an English one "Dec 6".
const DAY_FORMAT = new Intl.DateTimeFormat(language(), { day: "numeric", month: "short", timeZone: "UTC" });

/**
 * drawDaily(container, { caption, days: ["2025-05-01", ...], series: [{ label, values, format?, axis?, bars? }] })
 * axis: "left" (default) or "right", for a second unit such as money beside counts.
 * bars: draw the series as bars (a line otherwise), so two series that move together stay apart.
 * format(value) -> text, for the axis, the legend and the table.
 * whole: the values are counts, so the axis of the first series on its side ticks only whole numbers.
 * Returns { update(data) } to redraw with new numbers, and destroy().
 */
export function drawDaily(container, data) {
  const plotBox = document.createElement("div");
  plotBox.className = "chart-plot";
  plotBox.setAttribute("aria-hidden", "true");
  const table = document.createElement("table");
  table.className = "visually-hidden";
  container.replaceChildren(plotBox, table);

  let current = data;
  let plot = new uPlot(options(current, width(container)), columns(current), plotBox);
  fillTable(table, tableOf(current));

  const resize = new ResizeObserver(() => plot.setSize({ width: width(container), height: HEIGHT }));
  resize.observe(container);

  return {
    update(next) {
      const sameShape = next.series.length === current.series.length;
      current = next;
      if (sameShape) {
        plot.setData(columns(next));
      } else {
        plot.destroy();
        plot = new uPlot(options(next, width(container)), columns(next), plotBox);
      }
      fillTable(table, tableOf(next));
    },
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

function dayToSeconds(day) {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

function columns(data) {
  return [data.days.map(dayToSeconds), ...data.series.map((series) => series.values)];
}

function plain(value) {
  return value == null ? "—" : formatNumber(value);
}

function options(data, plotWidth) {
  const axisStyle = { stroke: "#cbd5e1", grid: { stroke: "rgba(203, 213, 225, 0.12)" }, ticks: { show: false } };
  // Days are UTC days: pad the x range by half a day so bars at the ends are whole.
  const scales = {
    x: { time: true, range: (u, min, max) => [min - DAY_SECONDS / 2, max + DAY_SECONDS / 2] },
  };
  const axes = [
    {
      ...axisStyle,
      space: 56,
      // Ticks on whole days only, never hours.
      incrs: [1, 2, 7, 14, 28, 56].map((days) => days * DAY_SECONDS),
      values: (u, ticks) => ticks.map((tick) => DAY_FORMAT.format(new Date(tick * 1000))),
    },
  ];
  for (const [index, side] of ["left", "right"].entries()) {
    const series = data.series.find((item) => (item.axis || "left") === side);
    if (!series) continue;
    const format = series.format || plain;
    // From zero (or below it, for a series drawn downward), with a little room past the furthest point.
    scales[side] = { range: (u, min, max) => [Math.min(0, min * 1.08), Math.max(1, max * 1.08)] };
    axes.push({
      ...axisStyle,
      scale: side,
      side: index === 0 ? 3 : 1,
      grid: index === 0 ? axisStyle.grid : { show: false },
      size: 56,
      ...(series.whole ? { incrs: WHOLE_STEPS } : {}),
      values: (u, ticks) => ticks.map(format),
    });
  }
  return {
    width: plotWidth,
    height: HEIGHT,
    scales,
    axes,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    series: [
      { value: (u, seconds) => (seconds == null ? "" : DAY_FORMAT.format(new Date(seconds * 1000))) },
      ...data.series.map((series, index) => {
        const colour = COLOURS[index % COLOURS.length];
        const shape = series.bars
          ? { paths: uPlot.paths.bars({ size: [0.6, 48] }), fill: `${colour}88`, points: { show: false } }
          : { points: { size: 6, fill: colour } };
        return {
          label: series.label,
          scale: series.axis || "left",
          stroke: colour,
          width: 2,
          ...shape,
          value: (u, value) => (series.format || plain)(value),
        };
      }),
    ],
  };
}

function tableOf(data) {
  return {
    caption: data.caption || gettext("By day"),
    columns: [gettext("Day"), ...data.series.map((series) => series.label)],
    rows: data.days.map((day, row) => [
      DAY_FORMAT.format(new Date(dayToSeconds(day) * 1000)),
      ...data.series.map((series) => (series.format || plain)(series.values[row])),
    ]),
  };
}
