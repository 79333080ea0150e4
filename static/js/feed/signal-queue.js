// The batching of watch signals, without the browser: a bounded queue sent in batches, kept for a
// retry when the network or the server fails, dropped for good when the viewer may not send signals.
export const FLUSH_AT = 20;
export const KEEP_AT_MOST = 500; // offline for long: keep the newest

// The viewer may not send signals (logged out, or the CSRF check failed): stop trying.
const REFUSED = new Set(["not_authenticated", "authentication_failed", "permission_denied"]);

// Worth sending again: event ids make a retry safe, and the server may take it later.
function isRetryable(error) {
  if (!error || typeof error.code !== "string") return true; // not an answer from the API at all
  return error.code === "network" || error.code === "rate_limited" || error.status >= 500;
}

// `send(batch)` resolves when the server took the batch, or rejects with an ApiError.
export function createSignalQueue({ send, flushAt = FLUSH_AT, keepAtMost = KEEP_AT_MOST }) {
  const queue = [];
  let flushing = false;
  let current = Promise.resolve(); // the flush under way
  let enabled = true;

  function push(event) {
    if (!enabled) return;
    queue.push(event);
    if (queue.length > keepAtMost) queue.splice(0, queue.length - keepAtMost);
    if (queue.length >= flushAt) flush();
  }

  // One batch at a time; a full queue sends the next batch as soon as this one is answered.
  function flush() {
    if (flushing || !queue.length || !enabled) return Promise.resolve();
    current = sendNext();
    return current;
  }

  async function sendNext() {
    flushing = true;
    const batch = queue.splice(0, flushAt);
    try {
      await send(batch);
    } catch (error) {
      if (error && REFUSED.has(error.code)) {
        enabled = false;
        queue.length = 0;
      } else if (isRetryable(error)) {
        queue.unshift(...batch);
      } // else the server refused this batch as it is (invalid): sending it again would fail again
    } finally {
      flushing = false;
    }
    if (queue.length >= flushAt) await flush();
  }

  // Everything queued so far, sent before this resolves: a "not for me" must reach the server before the
  // next page is asked for. Resolves early when a batch fails (it stays queued for the next flush).
  async function flushAll() {
    while (enabled && queue.length) {
      if (flushing) {
        await current;
        continue;
      }
      const before = queue.length;
      await flush();
      if (queue.length >= before) return;
    }
  }

  // Everything queued, in batches, for a last send as the page goes away.
  function drain() {
    const batches = [];
    while (enabled && queue.length) batches.push(queue.splice(0, flushAt));
    return batches;
  }

  return { push, flush, flushAll, drain, size: () => queue.length, isEnabled: () => enabled };
}
