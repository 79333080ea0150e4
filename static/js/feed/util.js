// Small helpers the feed's modules share: safe URLs, storage that may be unavailable, lookups, the toast.

export function readJson(id) {
  const node = document.getElementById(id);
  if (!node) return null;
  try { return JSON.parse(node.textContent); } catch { return null; }
}

// Only http(s) links from the data ever become an href or a src.
export function safeUrl(value) {
  if (!value || typeof value !== "string") return "";
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
  } catch { return ""; }
}

// Pagination links are followed only on this site.
export function sameOriginUrl(value) {
  const href = safeUrl(value);
  if (!href) return "";
  return new URL(href).origin === window.location.origin ? href : "";
}

export function loginHref(loginUrl) {
  return loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
}

// This browser's storage for a person's choices on this device (sound, captions, data saver), or null
// where there is none (or it is refused).
export function deviceStorage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null;
  }
}

export function role(node, name) {
  return node.querySelector("[data-role=" + name + "]");
}

// The feed's dialog that is open, if any: while one is, it owns the keys, the wheel and touches.
export function openDialog(root) {
  return root.querySelector("dialog[open]");
}

export function round2(value) {
  return Math.round(value * 100) / 100;
}

// A short message in the player's status line; a new one replaces the last.
export function createToast(box) {
  let timer = 0;
  return function toast(message) {
    box.textContent = message;
    box.classList.add("is-visible");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { box.classList.remove("is-visible"); }, 2400);
  };
}
