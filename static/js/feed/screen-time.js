// Screen time: the day's limit stops the player. The server counts what the signals report and decides;
// this module counts down what is left locally, asks the server when it runs out, shows the limit's panel
// and sends the passcode that gives 30 more minutes.
import { formatNumber, gettext, interpolate, ngettext } from "../i18n.js";
import { api } from "../api.js";
import { role } from "./util.js";

// `status` is the server's (GET /api/v1/screen-time), null for a viewer without a limit: then nothing
// here runs. `beforeCheck()` sends what was watched so far; `onLock()`/`onUnlock()` stop and resume the feed.
export function createScreenTime({ status, statusUrl, unlockUrl, dialog, beforeCheck, onLock, onUnlock }) {
  let remaining = status && typeof status.remaining_seconds === "number" ? status.remaining_seconds : null;
  let locked = Boolean(status && status.locked);
  let checking = false;

  function add(seconds) {
    if (remaining === null || locked) return;
    remaining -= seconds;
    if (remaining <= 0) check();
  }

  // Local time ran out: make sure the server has every watched second, then let it decide.
  async function check() {
    if (checking || !statusUrl) return;
    checking = true;
    try {
      await beforeCheck();
      apply(await api(statusUrl));
    } catch {
      /* offline: try again at the next second watched */
    } finally {
      checking = false;
    }
  }

  // A status from the server: the status API, a feed page's `screen_time` block, or the unlock's answer.
  function apply(next) {
    if (!next) return false;
    remaining = typeof next.remaining_seconds === "number" ? next.remaining_seconds : null;
    if (next.locked) lock(next);
    return Boolean(next.locked);
  }

  function lock(next) {
    locked = true;
    onLock();
    if (!dialog) return;
    const passcodeBox = role(dialog, "limit-with-passcode");
    const noPasscode = role(dialog, "limit-no-passcode");
    if (next && typeof next.has_passcode === "boolean") {
      passcodeBox.hidden = !next.has_passcode;
      noPasscode.hidden = next.has_passcode;
    }
    if (next && next.limit_minutes) {
      role(dialog, "limit-title").textContent =
        interpolate(ngettext("You've reached today's limit of %(count)s minute", "You've reached today's limit of %(count)s minutes", next.limit_minutes), { count: formatNumber(next.limit_minutes) });
    }
    // Rendered open (a plain panel without JavaScript); reopened as a modal so it owns the page.
    if (dialog.open && !dialog.matches(":modal")) dialog.close();
    if (!dialog.open) dialog.showModal();
    const input = dialog.querySelector("input[name=passcode]");
    if (input && !passcodeBox.hidden) input.focus();
  }

  async function submit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const error = role(dialog, "limit-error");
    const button = form.querySelector("[type=submit]");
    const passcode = form.elements.passcode.value.trim();
    if (!passcode) return;
    error.hidden = true;
    button.disabled = true;
    try {
      const body = await api(unlockUrl, { method: "POST", body: { passcode: passcode } });
      form.reset();
      if (body && typeof body.remaining_seconds === "number") remaining = body.remaining_seconds;
      unlock();
    } catch (problem) {
      if (problem.code === "conflict") {
        // The limit was not reached after all (another tab, a parent's change): carry on.
        form.reset();
        unlock();
        return;
      }
      // A wrong passcode, too many tries, no passcode set, or no connection: the answer says which.
      error.textContent = problem.detail || gettext("That didn't work. Please try again.");
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  function unlock() {
    locked = false;
    if (remaining !== null && remaining <= 0) remaining = 1; // the server said go on: ask again soon
    dialog.close();
    onUnlock();
  }

  if (dialog) {
    // Escape does not close the limit.
    dialog.addEventListener("cancel", function (event) { if (locked) event.preventDefault(); });
    const form = role(dialog, "limit-form");
    if (form) form.addEventListener("submit", submit);
  }

  return {
    add,
    apply,
    // A video the server refused (it also stops at the limit, counting what it sent): ask whether
    // that was the limit, so the panel shows instead of a broken video.
    recheck: function () { if (remaining !== null && !locked) check(); },
    isLocked: function () { return locked; },
    start: function () { if (locked) lock(status); },
  };
}
