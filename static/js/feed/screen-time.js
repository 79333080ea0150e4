// Screen time: seconds watched today in this browser, and a nudge each time a chosen number of minutes is reached.
import { storageGet, storageSet } from "./util.js";

const SAVE_EVERY = 5000;

function todayKey() {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, "0");
  return "joyreel:watch:" + now.getFullYear() + "-" + month + "-" + day;
}

// `minutes` 0 means no nudges; `isBusy()` holds a nudge back while a dialog is open; `onBreak(total)` shows one.
export function createScreenTime({ minutes, isBusy, onBreak }) {
  let unsaved = 0;

  function add(seconds) {
    unsaved += seconds;
  }

  function save() {
    const key = todayKey();
    let stored = { seconds: 0, nudged: 0 };
    try { stored = Object.assign(stored, JSON.parse(storageGet("localStorage", key) || "{}")); } catch (e) { /* corrupt: restart */ }
    stored.seconds += unsaved;
    unsaved = 0;
    let nudge = 0;
    if (minutes > 0 && !isBusy()) {
      const reached = Math.floor(stored.seconds / (minutes * 60));
      if (reached > stored.nudged) {
        stored.nudged = reached;
        nudge = reached * minutes;
      }
    }
    storageSet("localStorage", key, JSON.stringify(stored));
    if (nudge) onBreak(nudge);
  }

  window.setInterval(save, SAVE_EVERY);
  return { add, save };
}
