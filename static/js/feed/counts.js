// Counts as people read them on the action buttons: the twin of the server's `compact_count` filter
// (999 → "999", 1234 → "1.2K", 15300 → "15K", 2500000 → "2.5M").
import { formatNumber } from "../i18n.js";

// Python's format() rounds a tie to the even digit; toFixed rounds it up. Match the server.
function fixed(value, digits) {
  const scale = Math.pow(10, digits);
  const shifted = value * scale;
  const floor = Math.floor(shifted);
  const rest = shifted - floor;
  let rounded = Math.round(shifted);
  if (Math.abs(rest - 0.5) < 1e-9) rounded = floor % 2 === 0 ? floor : floor + 1;
  return (rounded / scale).toFixed(digits);
}

export function compactCount(count) {
  const value = Math.max(0, Math.floor(Number(count) || 0));
  const sizes = [[1e9, "B"], [1e6, "M"], [1e3, "K"]];
  for (const [size, suffix] of sizes) {
    if (value >= size) {
      const scaled = value / size;
      const text = scaled < 10 ? fixed(scaled, 1) : fixed(scaled, 0);
      return text.replace(/\.0$/, "") + suffix;
    }
  }
  return String(value);
}

// A count from the feed item, or null when the item does not carry it (older pages, other feeds).
export function countOf(item, key) {
  const value = item ? item[key] : undefined;
  return typeof value === "number" && value >= 0 ? value : null;
}

// Paint `count` into a rail button's count label; the button's accessible name says the exact number.
export function paintCount(button, count) {
  if (!button) return;
  const label = button.querySelector("[data-role=count]");
  const word = button.querySelector("[data-role=count-none]");
  if (word) word.hidden = count != null;
  if (!button.dataset.baseLabel) button.dataset.baseLabel = button.getAttribute("aria-label") || "";
  if (count == null) {
    if (label) label.hidden = true;
    button.setAttribute("aria-label", button.dataset.baseLabel);
    return;
  }
  if (label) {
    label.textContent = compactCount(count);
    label.hidden = false;
  }
  button.dataset.count = String(count);
  button.setAttribute("aria-label", button.dataset.baseLabel + ", " + formatNumber(count));
}
