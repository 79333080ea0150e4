// The feed's sheets and dialogs: "why am I seeing this" and the report form.
import { gettext, interpolate } from "../i18n.js";
import { api } from "../api.js";
import { role } from "./util.js";

// Clicking the backdrop of a modal closes it.
function closeOnBackdrop(dialog) {
  dialog.addEventListener("click", function (event) {
    if (event.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close();
  });
}

export function createSheets({ whySheet, reportDialog, reportUrlTemplate, player }) {
  function openWhy(item) {
    if (!item) return;
    const list = role(whySheet, "why-reasons");
    list.replaceChildren();
    (item.reasons || []).forEach(function (reason) {
      const li = document.createElement("li");
      li.textContent = reason;
      list.append(li);
    });
    list.hidden = !(item.reasons || []).length;
    role(whySheet, "why-none").hidden = Boolean((item.reasons || []).length);
    const sponsor = role(whySheet, "why-sponsor");
    if (item.is_sponsored) {
      sponsor.textContent = item.sponsor && item.sponsor.name
        ? interpolate(gettext("This is a paid promotion from %(name)s."), { name: item.sponsor.name })
        : gettext("This is a paid promotion from a business.");
      sponsor.hidden = false;
    } else {
      sponsor.hidden = true;
    }
    whySheet.showModal();
  }

  let reportedVideoId = null;
  function openReport(item) {
    if (!item) return;
    reportedVideoId = item.video.id;
    const form = role(reportDialog, "report-form");
    form.reset();
    form.hidden = false;
    role(reportDialog, "report-done").hidden = true;
    const error = role(reportDialog, "report-error");
    if (error) error.hidden = true;
    player.hold("report");
    reportDialog.showModal();
  }

  async function submitReport(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const error = role(reportDialog, "report-error");
    const submit = form.querySelector("[type=submit]");
    const reason = form.querySelector("input[name=reason]:checked");
    if (!reason || !reportedVideoId) return;
    error.hidden = true;
    submit.disabled = true;
    try {
      await api(reportUrlTemplate.replace("__ID__", encodeURIComponent(reportedVideoId)), {
        method: "POST",
        body: { reason: reason.value, detail: form.elements.detail.value.trim() },
      });
      form.hidden = true;
      const done = role(reportDialog, "report-done");
      done.hidden = false;
      done.querySelector("button").focus();
    } catch (problem) {
      error.textContent = problem.code === "not_authenticated" ? gettext("Please log in again to report.") : problem.detail;
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }

  [whySheet, reportDialog].forEach(closeOnBackdrop);
  reportDialog.addEventListener("close", function () { player.release("report"); });
  reportDialog.querySelectorAll("[data-role=report-cancel]").forEach(function (button) {
    button.addEventListener("click", function () { reportDialog.close(); });
  });
  const reportForm = role(reportDialog, "report-form");
  if (reportForm && reportForm.querySelector("input[name=reason]")) reportForm.addEventListener("submit", submitReport);

  return { openWhy, openReport };
}
