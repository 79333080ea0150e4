// Studio enhancements: upload progress, live state badges, delete confirmation.
// Every form here still works without this script.
import { api, errorFrom } from "./api.js";
import { csrfToken } from "./csrf.js";
import { gettext } from "./i18n.js";
import { sendChunks } from "./upload.js";

// --- resumable upload with a progress bar ---------------------------------------
// The file goes up in chunks through /api/v1/studio/uploads; a dropped connection
// resumes from what the server has. Without JS the form posts the file in one go.
const uploadForm = document.querySelector("[data-upload-form]");
if (uploadForm) {
  const progress = uploadForm.querySelector("[data-role=progress]");
  const bar = progress.querySelector("progress");
  const text = progress.querySelector("[data-role=progress-text]");
  const errorBox = uploadForm.querySelector("[data-role=upload-error]");
  const button = uploadForm.querySelector("button[type=submit]");
  const API = "/api/v1/studio/uploads";

  // A chunk goes by XMLHttpRequest, the one API that reports upload progress; its answer is read
  // like api()'s: the session, or an ApiError with the server's code.
  function putChunk(url, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrfToken(uploadForm));
      xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) onProgress(e.loaded); });
      xhr.addEventListener("load", function () {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data || {});
        else reject(errorFrom(xhr.status, data));
      });
      xhr.addEventListener("error", function () { reject(errorFrom(0, null)); });
      xhr.send(blob);
    });
  }

  function show(done, total) {
    const percent = total ? Math.floor((done / total) * 100) : 0;
    bar.value = percent;
    text.textContent = percent < 100 ? percent + "%" : gettext("Checking the video…");
  }

  function fail(message) {
    button.disabled = false;
    progress.hidden = true;
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  async function upload(file) {
    const call = (url, method, body) => api(url, { method, body, csrfScope: uploadForm });
    let session;
    try {
      session = await call(API, "POST", { filename: file.name, size: file.size });
    } catch (error) {
      return fail(error.detail || gettext("The upload failed. Please try again."));
    }
    const url = API + "/" + session.id;
    try {
      await sendChunks({
        size: file.size,
        chunkSize: session.chunk_size,
        sendChunk: (start, end) => putChunk(url + "/chunk?offset=" + start, file.slice(start, end), (loaded) => show(start + loaded, file.size)),
        askReceived: () => call(url, "GET"),
        wait: (milliseconds) => new Promise((resume) => window.setTimeout(resume, milliseconds)),
        onRetry: () => { text.textContent = gettext("Connection lost — resuming…"); },
      });
    } catch (error) {
      // A session given up on is cancelled at once: open ones count against the creator's few until they expire.
      await call(url, "DELETE").catch(() => {}); // offline: it expires on its own
      return fail(error.detail || gettext("The upload failed. Please try again."));
    }
    show(file.size, file.size);
    try {
      const done = await call(url + "/complete", "POST");
      if (done && done.edit_url) {
        window.location.assign(done.edit_url);
        return;
      }
      fail(gettext("The upload failed. Please try again."));
    } catch (error) {
      fail(error.detail || gettext("The upload failed. Please try again."));
    }
  }

  uploadForm.addEventListener("submit", function (event) {
    const input = uploadForm.querySelector("input[type=file]");
    if (!input.files.length) return; // let the server say the field is required
    event.preventDefault();
    errorBox.hidden = true;
    progress.hidden = false;
    button.disabled = true;
    show(0, 1);
    upload(input.files[0]).catch(function () { fail(gettext("The upload failed. Please try again.")); });
  });
  // Until this module has run, the form still works: it posts the whole file in one request.
  uploadForm.dataset.enhanced = "true";
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
    const data = await api(statusUrl);
    if (data) {
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
        row.querySelector("[data-role=retry]").hidden = video.state !== "failed" && !video.is_stuck;
        if (before !== video.state && !row.querySelector("img.thumb") && video.state === "draft") {
          window.location.reload(); // pick up the new poster
          return;
        }
      }
    }
  } catch { /* offline for a moment: try again */ }
  window.setTimeout(poll, 1500);
}
if (statusUrl) window.setTimeout(poll, 1000);
