// The feed's captions: the CC button (on or off, remembered like the sound), which text track of the
// current video to show, and drawing its cues as plain text in the player's caption box. The tracks come
// from the HLS master (hls.js or the browser adds them) or, for the MP4, from <track> elements.
import { gettext } from "../i18n.js";

export const CAPTIONS_KEY = "joyreel:captions";

export function captionsWanted(storage) {
  try {
    return Boolean(storage) && storage.getItem(CAPTIONS_KEY) === "on";
  } catch {
    return false;
  }
}

export function rememberCaptions(storage, on) {
  try {
    if (storage) storage.setItem(CAPTIONS_KEY, on ? "on" : "off");
  } catch { /* the choice lasts this page only */ }
}

// Which of `tracks` (each { kind, language }) to show: the first in a preferred language (the page's,
// then the browser's), else the first caption track at all; -1 when there is none.
export function pickTrack(tracks, preferred) {
  const usable = [];
  for (let index = 0; index < tracks.length; index += 1) {
    const kind = tracks[index].kind;
    if (kind === "captions" || kind === "subtitles") usable.push(index);
  }
  const base = function (code) { return String(code || "").toLowerCase().split("-")[0]; };
  for (const wanted of preferred.map(base).filter(Boolean)) {
    const found = usable.find(function (index) { return base(tracks[index].language) === wanted; });
    if (found !== undefined) return found;
  }
  return usable.length ? usable[0] : -1;
}

// A cue as plain text (our files hold no markup; a cue's HTML form decodes &amp; and friends).
export function cueText(cue) {
  if (cue && typeof cue.getCueAsHTML === "function") return cue.getCueAsHTML().textContent || "";
  return cue && cue.text ? String(cue.text) : "";
}

// <track> elements for the MP4: a ladder's captions come from its master playlist instead.
export function addCaptionTracks(el, captions, safeUrl) {
  for (const caption of captions || []) {
    const src = safeUrl(caption.url);
    if (!src) continue;
    const track = document.createElement("track");
    track.kind = "captions";
    track.srclang = String(caption.language || "");
    track.label = String(caption.name || caption.language || "");
    track.src = src;
    el.append(track);
  }
}

export function createCaptions({ button, box, storage }) {
  let on = captionsWanted(storage);
  let el = null;
  let shown = null; // the TextTrack whose cues are drawn
  let hasCaptions = false;

  function preferred() {
    return [document.documentElement.lang, ...(navigator.languages || [navigator.language])];
  }

  function paint() {
    button.hidden = !hasCaptions;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.classList.toggle("is-on", on);
    button.title = on ? gettext("Hide captions") : gettext("Show captions");
  }

  function draw() {
    const lines = [];
    if (on && shown && shown.activeCues) {
      for (let index = 0; index < shown.activeCues.length; index += 1) lines.push(cueText(shown.activeCues[index]));
    }
    box.textContent = lines.join("\n");
    box.hidden = !box.textContent;
  }

  // Our own drawing ("hidden" still loads the cues and fires cuechange): the box sits above the
  // video's caption and creator line, where the browser's own rendering would cover them.
  function apply() {
    if (shown) shown.removeEventListener("cuechange", draw);
    shown = null;
    if (el) {
      const tracks = Array.from(el.textTracks || []);
      const chosen = on ? pickTrack(tracks, preferred()) : -1;
      tracks.forEach(function (track, index) {
        const mode = index === chosen ? "hidden" : "disabled";
        if (track.mode !== mode) track.mode = mode;
      });
      if (chosen >= 0) {
        shown = tracks[chosen];
        shown.addEventListener("cuechange", draw);
      }
    }
    draw();
  }

  // The current video changed: `item.video.captions` says whether it has any (also for a ladder).
  function attach(item, videoEl) {
    if (el && el.textTracks) el.textTracks.removeEventListener("addtrack", apply);
    el = videoEl || null;
    hasCaptions = Boolean(item && item.video && item.video.captions && item.video.captions.length);
    if (el && el.textTracks) el.textTracks.addEventListener("addtrack", apply);
    paint();
    apply();
  }

  // The button shows only for a video with captions; the C key likewise does nothing without any.
  function toggle() {
    if (!hasCaptions) return;
    on = !on;
    rememberCaptions(storage, on);
    paint();
    apply();
  }

  button.addEventListener("click", toggle);
  paint();
  return { attach, toggle, isOn: function () { return on; } };
}
