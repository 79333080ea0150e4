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
  let enabled = true;

  function push(event) {
    if (!enabled) return;
    queue.push(event);
    if (queue.length > keepAtMost) queue.splice(0, queue.length - keepAtMost);
    if (queue.length >= flushAt) flush();
  }

  // One batch at a time; a full queue sends the next batch as soon as this one is answered.
  async function flush() {
    if (flushing || !queue.length || !enabled) return;
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

  // Everything queued, in batches, for a last send as the page goes away.
  function drain() {
    const batches = [];
    while (enabled && queue.length) batches.push(queue.splice(0, flushAt));
    return batches;
  }

  return { push, flush, drain, size: () => queue.length, isEnabled: () => enabled };
}
