// Watch signals: batched in memory, flushed every 5 s, at 20, and by beacon when the page is hidden.
import { csrfToken } from "../csrf.js";
import { round2 } from "./util.js";

const FLUSH_EVERY = 5000;
const FLUSH_AT = 20;
const KEEP_AT_MOST = 500; // offline for long: keep the newest

function uuid4() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
}

export function createSignals({ url }) {
  const queue = [];
  let flushing = false;
  let enabled = Boolean(url);

  // `view` is a player View: its item, how far it got (or `watched` seconds), and its loops.
  function record(kind, view, watched) {
    if (!enabled || !view) return;
    const duration = view.duration();
    let seconds = typeof watched === "number" ? watched : view.furthest;
    if (duration > 0) seconds = Math.min(seconds, duration);
    const event = {
      event_id: uuid4(),
      video: view.item.video.id,
      kind: kind,
      source: view.item.source,
      position: view.item.position,
      watched_seconds: round2(Math.max(0, seconds)),
      looped: view.looped,
    };
    if (view.item.topic) event.topic = view.item.topic; // which topic feed, for the creator's traffic sources
    queue.push(event);
    if (queue.length > KEEP_AT_MOST) queue.splice(0, queue.length - KEEP_AT_MOST);
    if (queue.length >= FLUSH_AT) flush();
  }

  async function flush() {
    if (flushing || !queue.length || !enabled) return;
    flushing = true;
    const batch = queue.splice(0, FLUSH_AT);
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ events: batch }),
      });
      if (response.status === 401 || response.status === 403) {
        enabled = false; // this viewer may not send signals: stop trying
        queue.length = 0;
      } else if (response.status >= 500 || response.status === 429) {
        queue.unshift.apply(queue, batch); // event ids make the retry safe
      }
    } catch (e) {
      queue.unshift.apply(queue, batch);
    } finally {
      flushing = false;
    }
    if (queue.length >= FLUSH_AT) flush();
  }

  // sendBeacon cannot set X-CSRFToken; the server accepts it by session alone.
  function flushByBeacon() {
    if (!enabled) return;
    while (queue.length) {
      const batch = queue.splice(0, FLUSH_AT);
      const body = JSON.stringify({ events: batch });
      const sent = navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: "application/json" }));
      if (!sent) {
        fetch(url, {
          method: "POST", keepalive: true, credentials: "same-origin", body: body,
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        }).catch(function () {});
      }
    }
  }

  window.setInterval(flush, FLUSH_EVERY);
  return { record, flush, flushByBeacon };
}
