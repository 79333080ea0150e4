// The trim editor's filmstrip and time ruler: thumbnails from the sprite made at processing time (one
// JPEG row of square tiles spread evenly over the video) laid under the handles, and second ticks below.
// Videos processed before sprites existed get the ruler only. The pure parts are exported for tests.

import { language } from "./i18n.js";

// Seconds between labelled ticks, smallest first; the first that leaves room for a label is used.
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
const MIN_LABEL_PIXELS = 44;
const MIN_TICK_PIXELS = 6;

// The sprite tile each of `count` slots shows: the one nearest the slot's middle in time.
export function tilesFor({ frames, count }) {
  return Array.from({ length: count }, (_, slot) => Math.min(frames - 1, Math.floor(((slot + 0.5) * frames) / count)));
}

// How many square slots fit a strip `width` wide and `height` tall (never more than there are tiles).
export function slotCount({ width, height, frames }) {
  if (!(width > 0) || !(height > 0)) return 0;
  return Math.max(1, Math.min(frames, Math.round(width / height)));
}

// The ruler for a video `duration` seconds long drawn `width` pixels wide: labelled ticks every `step`
// seconds, and unlabelled ones every second between them when there is room.
export function rulerTicks({ duration, width }) {
  if (!(duration > 0) || !(width > 0)) return [];
  const perSecond = width / duration;
  const step = STEPS.find((candidate) => candidate * perSecond >= MIN_LABEL_PIXELS) ?? STEPS[STEPS.length - 1];
  const minor = step > 1 && perSecond >= MIN_TICK_PIXELS ? 1 : step;
  const ticks = [];
  for (let second = 0; second <= duration + 1e-6; second += minor) {
    ticks.push({ seconds: second, isLabelled: second % step === 0 });
  }
  return ticks;
}

// "0 s", "15 s", then "1:30" from a minute on.
export function tickLabel(seconds) {
  if (seconds < 60) return `${seconds.toLocaleString(language())} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function drawStrip(strip, { src, frames }) {
  const count = slotCount({ width: strip.clientWidth, height: strip.clientHeight, frames });
  if (strip.childElementCount === count) return;
  strip.replaceChildren(
    ...tilesFor({ frames, count }).map((tile) => {
      const cell = document.createElement("span");
      cell.className = "trim-filmstrip-tile";
      cell.style.backgroundImage = `url("${src}")`;
      cell.style.backgroundSize = `${frames * 100}% 100%`;
      cell.style.backgroundPositionX = frames > 1 ? `${(tile / (frames - 1)) * 100}%` : "0";
      return cell;
    }),
  );
}

function drawRuler(ruler, duration) {
  ruler.replaceChildren(
    ...rulerTicks({ duration, width: ruler.clientWidth }).map((tick) => {
      const mark = document.createElement("span");
      const at = tick.seconds / duration;
      mark.className = tick.isLabelled ? "trim-tick trim-tick-labelled" : "trim-tick";
      // Labels at the ends lean inwards, so none sticks out of the ruler.
      if (tick.isLabelled && at < 0.04) mark.classList.add("trim-tick-start");
      if (tick.isLabelled && at > 0.92) mark.classList.add("trim-tick-end");
      mark.style.left = `${at * 100}%`;
      if (tick.isLabelled) {
        mark.dataset.seconds = String(tick.seconds);
        const label = document.createElement("span");
        label.className = "trim-tick-label";
        label.textContent = tickLabel(tick.seconds);
        mark.append(label);
      }
      return mark;
    }),
  );
}

export function attachFilmstrip(root) {
  const player = root.querySelector("[data-role=player]");
  const strip = root.querySelector("[data-role=filmstrip]");
  const ruler = root.querySelector("[data-role=ruler]");
  if (!player || !ruler) return;
  const duration = parseFloat(player.dataset.duration) || 0;
  let sprite = null;
  const draw = () => {
    drawRuler(ruler, duration);
    if (strip && sprite) drawStrip(strip, sprite);
  };
  if (strip) {
    const image = new Image();
    image.addEventListener("load", () => {
      // Square tiles in one row: the sprite says how many it holds.
      const frames = Math.round(image.naturalWidth / image.naturalHeight);
      if (frames < 1) return;
      sprite = { src: image.src, frames };
      strip.dataset.frames = String(frames);
      draw();
    });
    image.src = strip.dataset.src;
  }
  new ResizeObserver(draw).observe(ruler);
  draw();
}

if (typeof document !== "undefined") {
  const editor = document.querySelector(".editor");
  if (editor) attachFilmstrip(editor);
}
