// Watch signals: batched in memory, flushed every 5 s, at 20, and by beacon when the page is hidden.
import { api } from "../api.js";
import { createSignalQueue } from "./signal-queue.js";
import { round2 } from "./util.js";

const FLUSH_EVERY = 5000;

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
  const queue = createSignalQueue({ send: (batch) => api(url, { method: "POST", body: { events: batch } }) });
  const enabled = () => Boolean(url) && queue.isEnabled();

  // `view` is a player View: its item, how far it got (or `watched` seconds), and its loops.
  function record(kind, view, watched) {
    if (!enabled() || !view) return;
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
  }

  function flush() {
    return url ? queue.flush() : Promise.resolve();
  }

  // Everything recorded so far, sent now (resolves once the server has it, or the send failed).
  function flushNow() {
    return url ? queue.flushAll() : Promise.resolve();
  }

  // sendBeacon cannot set X-CSRFToken; the server accepts it by session alone. Where the beacon is
  // refused, a keepalive request outlives the page instead (no answer is read).
  function flushByBeacon() {
    if (!url) return;
    for (const batch of queue.drain()) {
      const body = JSON.stringify({ events: batch });
      const sent = navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: "application/json" }));
      if (!sent) api(url, { method: "POST", body: { events: batch }, keepalive: true }).catch(function () {});
    }
  }

  window.setInterval(flush, FLUSH_EVERY);
  return { record, flush, flushNow, flushByBeacon };
}
