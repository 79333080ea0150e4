// Modal dialogs keep the keyboard inside: Tab and Shift+Tab wrap around their controls, and a dialog
// marked data-escape="stay" (the day's screen-time limit) is not closed by Escape, however often it is
// pressed (Chromium closes a dialog on a second Escape even when its cancel event was refused).

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

function openModal() {
  const dialogs = Array.from(document.querySelectorAll("dialog[open]")).filter(function (dialog) {
    return dialog.matches(":modal");
  });
  return dialogs[dialogs.length - 1] || null;
}

function focusables(dialog) {
  return Array.from(dialog.querySelectorAll(FOCUSABLE)).filter(function (element) {
    return !element.closest("[hidden], [inert]") && element.getClientRects().length > 0;
  });
}

export function trapDialogFocus() {
  document.addEventListener("keydown", function (event) {
    const dialog = openModal();
    if (!dialog) return;
    if (event.key === "Escape" && dialog.dataset.escape === "stay") {
      event.preventDefault();
      return;
    }
    if (event.key !== "Tab") return;
    const inside = focusables(dialog);
    if (!inside.length) {
      event.preventDefault();
      return;
    }
    const first = inside[0];
    const last = inside[inside.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }, true);
}
