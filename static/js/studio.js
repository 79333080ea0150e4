// Studio enhancements: upload progress, live state badges, delete confirmation.
// Every form here still works without this script.
import { csrfToken } from "./csrf.js";

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
  const token = csrfToken(uploadForm);

  function message(body, status) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && typeof body === "object") {
      const first = Object.values(body).flat().find((value) => typeof value === "string");
      if (first) return first;
    }
    return "The upload failed (" + status + ").";
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { /* empty */ }
    return { status: response.status, data: data };
  }

  function putChunk(url, blob, onProgress) {
    return new Promise(function (resolve) {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) onProgress(e.loaded); });
      xhr.addEventListener("load", function () {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* empty */ }
        resolve({ status: xhr.status, data: data });
      });
      xhr.addEventListener("error", function () { resolve({ status: 0, data: {} }); });
      xhr.send(blob);
    });
  }

  function show(done, total) {
    const percent = total ? Math.floor((done / total) * 100) : 0;
    bar.value = percent;
    text.textContent = percent < 100 ? percent + "%" : "Checking the video…";
  }

  function fail(text) {
    button.disabled = false;
    progress.hidden = true;
    errorBox.textContent = text;
    errorBox.hidden = false;
  }

  async function upload(file) {
    const started = await api("POST", API, { filename: file.name, size: file.size });
    if (started.status !== 201) return fail(message(started.data, started.status));
    const session = started.data;
    const url = API + "/" + session.id;
    // A session given up on is cancelled at once: open ones count against the creator's few until they expire.
    const giveUp = async (text) => {
      await api("DELETE", url).catch(() => {}); // offline: it expires on its own
      return fail(text);
    };
    let received = 0;
    let failures = 0;
    while (received < file.size) {
      const chunk = file.slice(received, Math.min(received + session.chunk_size, file.size));
      const base = received;
      const result = await putChunk(url + "/chunk?offset=" + received, chunk, (loaded) => show(base + loaded, file.size));
      if (result.status === 200) {
        received = result.data.received;
        failures = 0;
        continue;
      }
      if (result.status === 409 && typeof result.data.received === "number") {
        received = result.data.received;
        continue;
      }
      if (result.status === 0 || result.status >= 500) {
        failures += 1;
        if (failures > 6) return giveUp("The connection keeps dropping. Please try again in a moment.");
        text.textContent = "Connection lost — resuming…";
        await new Promise((wait) => window.setTimeout(wait, 500 * 2 ** failures));
        const status = await api("GET", url);
        if (status.status === 200) received = status.data.received;
        continue;
      }
      return giveUp(message(result.data, result.status));
    }
    show(file.size, file.size);
    const done = await api("POST", url + "/complete");
    if (done.status === 201 && done.data.edit_url) {
      window.location.assign(done.data.edit_url);
      return;
    }
    fail(message(done.data, done.status));
  }

  uploadForm.addEventListener("submit", function (event) {
    const input = uploadForm.querySelector("input[type=file]");
    if (!input.files.length) return; // let the server say the field is required
    event.preventDefault();
    errorBox.hidden = true;
    progress.hidden = false;
    button.disabled = true;
    show(0, 1);
    upload(input.files[0]).catch(function () { fail("The upload failed. Please try again."); });
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
        row.querySelector("[data-role=retry]").hidden = video.state !== "failed" && !video.is_stuck;
        if (before !== video.state && !row.querySelector("img.thumb") && video.state === "draft") {
          window.location.reload(); // pick up the new poster
          return;
        }
      }
    }
  } catch (e) { /* offline for a moment: try again */ }
  window.setTimeout(poll, 1500);
}
if (statusUrl) window.setTimeout(poll, 1000);
