// Studio enhancements: upload progress, live state badges, delete confirmation.
// Every form here still works without this script.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- upload with a progress bar ---------------------------------------------------
  const uploadForm = document.querySelector("[data-upload-form]");
  if (uploadForm) {
    const progress = uploadForm.querySelector("[data-role=progress]");
    const bar = progress.querySelector("progress");
    const text = progress.querySelector("[data-role=progress-text]");
    const errorBox = uploadForm.querySelector("[data-role=upload-error]");
    const button = uploadForm.querySelector("button[type=submit]");
    uploadForm.addEventListener("submit", function (event) {
      const input = uploadForm.querySelector("input[type=file]");
      if (!input.files.length) return; // let the server say the field is required
      event.preventDefault();
      errorBox.hidden = true;
      progress.hidden = false;
      button.disabled = true;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", uploadForm.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrfToken(uploadForm));
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        const percent = Math.floor((e.loaded / e.total) * 100);
        bar.value = percent;
        text.textContent = percent < 100 ? percent + "%" : "Checking the video…";
      });
      xhr.addEventListener("load", function () {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 201 && body.edit_url) {
          window.location.assign(body.edit_url);
          return;
        }
        button.disabled = false;
        progress.hidden = true;
        errorBox.textContent = body.detail || "The upload failed (" + xhr.status + ").";
        errorBox.hidden = false;
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        progress.hidden = true;
        errorBox.textContent = "The connection broke during the upload. Please try again.";
        errorBox.hidden = false;
      });
      xhr.send(new FormData(uploadForm));
    });
  }

  // --- confirm destructive actions -------------------------------------------------
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // --- live state badges -----------------------------------------------------------
  const list = document.querySelector(".studio-list[data-status-url]");
  const editor = document.querySelector(".editor[data-status-url]");
  const statusUrl = (list || editor || {}).dataset ? (list || editor).dataset.statusUrl : null;
  if (!statusUrl) return;
  const WORKING = ["uploaded", "processing", "publishing"];

  function anyWorking() {
    if (editor) return editor.dataset.working === "1";
    return Array.from(document.querySelectorAll("[data-role=state]")).some(function (badge) {
      return WORKING.includes(badge.dataset.state);
    });
  }

  async function poll() {
    if (!anyWorking()) return;
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        for (const video of data.videos) {
          if (editor) {
            if (video.id === editor.dataset.videoId && !video.is_working) {
              window.location.reload(); // the preview or new rendition is ready
              return;
            }
            continue;
          }
          const row = document.querySelector('[data-video-id="' + video.id + '"]');
          if (!row) continue;
          const badge = row.querySelector("[data-role=state]");
          const before = badge.dataset.state;
          badge.dataset.state = video.state;
          badge.className = "badge badge-" + video.state;
          badge.textContent = video.label;
          const failure = row.querySelector("[data-role=failure]");
          failure.textContent = video.failure_reason;
          failure.hidden = !video.failure_reason;
          row.querySelector("[data-role=retry]").hidden = video.state !== "failed";
          if (before !== video.state && !row.querySelector("img.thumb") && video.state === "draft") {
            window.location.reload(); // pick up the new poster
            return;
          }
        }
      }
    } catch (e) { /* offline for a moment: try again */ }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
