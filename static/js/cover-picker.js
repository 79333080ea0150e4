// The edit page's cover picker: the slider seeks a muted copy of the preview so the creator sees the frame
// they are choosing, and while a new cover is being made the page asks again until it is there.
// Without this script the slider and its buttons still post the chosen time.

const POLL_MS = 1500;

export function formatSeconds(value) {
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds.toFixed(1) : "";
}

function attach(section) {
  const slider = section.querySelector("[data-role=cover-slider]");
  const time = section.querySelector("[data-role=cover-time]");
  const preview = section.querySelector("[data-role=cover-preview]");
  const previewBox = section.querySelector("[data-role=cover-preview-box]");
  if (!slider || !preview) return;

  function show() {
    time.textContent = formatSeconds(slider.value);
    previewBox.hidden = false;
    // Seek as the slider moves; a seek still in flight is simply replaced by the next.
    if (preview.readyState >= 1) preview.currentTime = Number(slider.value);
  }
  slider.addEventListener("input", show);
  preview.addEventListener("loadedmetadata", function () {
    if (!previewBox.hidden) preview.currentTime = Number(slider.value);
  });

  // A cover on its way: fetch the page until it no longer says so, then show the new image.
  if (section.dataset.pending === "1") {
    const poll = async function () {
      try {
        const response = await fetch(window.location.pathname, { credentials: "same-origin" });
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("[data-cover-picker]");
        if (fresh && fresh.dataset.pending !== "1") {
          section.querySelector("[data-role=cover-image]").src = fresh.querySelector("[data-role=cover-image]").getAttribute("src");
          const caption = fresh.querySelector("figcaption");
          section.querySelector("figcaption").textContent = caption ? caption.textContent : "";
          const status = section.querySelector("[data-testid=cover-pending]");
          if (status) status.remove();
          section.dataset.pending = "0";
          return;
        }
      } catch { /* offline for a moment: ask again */ }
      window.setTimeout(poll, POLL_MS);
    };
    window.setTimeout(poll, POLL_MS);
  }
}

const section = typeof document !== "undefined" && document.querySelector("[data-cover-picker]");
if (section) attach(section);
