// Playback of the current video: one watch session per visit to a slide, pause and sound, holds, the progress bar.
import { gettext, interpolate } from "../i18n.js";
import { rememberSound, soundWanted } from "./sound.js";
import { attachStream } from "./stream.js";
import { deviceStorage, role } from "./util.js";

const PROGRESS_EVERY = 3; // seconds of playback between progress signals
const SKIP_BELOW = 2; // leaving before this many seconds of watching is a skip

// One watch session of the current video; `record` sends its signals, `onPlayed` counts screen time.
export class View {
  constructor(item, slide, { record, onPlayed }) {
    this.item = item;
    this.slide = slide;
    this.el = slide.querySelector("video");
    this.record = record;
    this.onPlayed = onPlayed;
    this.furthest = 0; // furthest point in the current loop
    this.lastTime = 0;
    this.played = 0; // seconds of playback in this session, all loops
    this.progressMark = 0;
    this.reported = 0; // watched_seconds of the last progress in this loop
    this.looped = 0;
    this.completedLoop = false;
    this.userPaused = false;
  }

  duration() {
    const fromItem = Number(this.item.video.duration) || 0;
    const fromMedia = this.el && isFinite(this.el.duration) ? this.el.duration : 0;
    if (fromItem && fromMedia) return Math.min(fromItem, fromMedia);
    return fromItem || fromMedia;
  }

  complete() {
    this.completedLoop = true;
    this.record("complete", this, this.duration() || this.furthest);
  }

  tick() {
    const t = this.el.currentTime;
    const end = this.duration();
    const last = this.lastTime;
    if (end > 0 && t < last - Math.min(0.5, end / 4)) {
      // The loop attribute jumped back to the start.
      if (!this.completedLoop) this.complete();
      this.addPlayed(Math.max(0, end - last) + t);
      this.looped += 1;
      this.furthest = t;
      this.reported = 0;
      this.completedLoop = false;
    } else if (t > last) {
      this.addPlayed(Math.min(t - last, 1));
      this.furthest = Math.max(this.furthest, t);
    }
    this.lastTime = t;
    if (!this.completedLoop && end > 0 && t >= end - 0.3) {
      this.furthest = end;
      this.complete();
    }
    if (this.played - this.progressMark >= PROGRESS_EVERY) {
      this.progressMark = this.played;
      this.reportProgress();
    }
  }

  addPlayed(seconds) {
    this.played += seconds;
    this.onPlayed(seconds);
  }

  reportProgress() {
    if (this.completedLoop || this.furthest <= this.reported) return;
    this.reported = this.furthest;
    this.record("progress", this, this.furthest);
  }
}

// `captions` (optional) follows the current video for the CC button.
export function createPlayer({ soundButton, announceBox, signals, screenTime, captions }) {
  let view = null;
  // Muted until the person first turns the sound on; from then on for every video and visit.
  let soundOn = soundWanted(deviceStorage());
  let soundBlocked = false; // the browser wants a tap on this visit before it plays sound
  const holds = new Set(); // reasons the current video is paused besides the viewer's tap

  function start(item, slide) {
    view = item && slide ? new View(item, slide, { record: signals.record, onPlayed: screenTime.add }) : null;
    if (!view) return;
    signals.record("impression", view, 0);
    if (captions) captions.attach(item, view.el);
    if (view.el) {
      if (view.el.currentTime > 0) view.el.currentTime = 0; // coming back starts from the top
      play();
    }
    announce(item);
  }

  // `reason`: "leave" (moved to another video), "close" (left the page) or "not_interested".
  // Only moving on quickly is a skip: closing the page or following a link says nothing against the video.
  function end(reason) {
    if (!view) return;
    const leaving = view;
    view = null;
    if (leaving.el) leaving.el.pause();
    if (reason === "not_interested") return;
    if (reason === "leave" && leaving.played < SKIP_BELOW && leaving.looped === 0) signals.record("skip", leaving);
    else leaving.reportProgress();
  }

  function announce(item) {
    const parts = [];
    if (item.is_sponsored) parts.push(gettext("Sponsored."));
    parts.push(item.video.caption ? item.video.caption : gettext("Untitled video"));
    parts.push(interpolate(gettext("by @%(handle)s"), { handle: item.creator.handle }));
    announceBox.textContent = parts.join(" ");
  }

  function play() {
    if (!view || !view.el || view.userPaused || holds.size) return;
    const el = view.el;
    el.muted = !soundOn || soundBlocked;
    const attempt = el.play();
    if (attempt && attempt.catch) {
      attempt.catch(function (error) {
        if (error && error.name === "NotAllowedError" && !el.muted) {
          // Sound needs a tap first on this visit: play muted until then, keeping the choice.
          soundBlocked = true;
          paintSound();
          el.muted = true;
          document.addEventListener("pointerdown", unblockSound, true);
          document.addEventListener("keydown", unblockSound, true);
          el.play().catch(function () { markPaused(el); });
        } else if (error && error.name === "NotAllowedError") {
          markPaused(el);
        }
      });
    }
  }

  function markPaused(el) {
    const slide = el.closest(".feed-slide");
    if (slide) slide.classList.add("is-paused");
  }

  function togglePause() {
    if (!view || !view.el) return;
    if (view.el.paused) {
      view.userPaused = false;
      play();
    } else {
      view.userPaused = true;
      view.el.pause();
    }
  }

  // Dialogs and hidden tabs pause playback; releasing the last hold resumes it.
  function hold(reason) {
    holds.add(reason);
    if (view && view.el) view.el.pause();
  }

  function release(reason) {
    if (!holds.delete(reason)) return;
    play();
  }

  function isAudible() {
    return soundOn && !soundBlocked;
  }

  function paintSound() {
    const audible = isAudible();
    soundButton.setAttribute("aria-pressed", audible ? "true" : "false");
    soundButton.setAttribute("aria-label", audible ? gettext("Mute") : gettext("Turn sound on"));
    soundButton.classList.toggle("is-on", audible);
  }

  function setSound(on) {
    soundOn = on;
    soundBlocked = false;
    rememberSound(deviceStorage(), on);
    paintSound();
    if (view && view.el) {
      view.el.muted = !on;
      if (on && view.el.paused && !view.userPaused) play();
    }
  }

  function toggleSound() {
    setSound(!isAudible());
  }

  function unblockSound(event) {
    document.removeEventListener("pointerdown", unblockSound, true);
    document.removeEventListener("keydown", unblockSound, true);
    if (!soundBlocked) return;
    if (soundButton.contains(event.target)) return; // its own click decides
    if (event.type === "keydown" && (event.key === "m" || event.key === "M")) return; // so does the key
    soundBlocked = false;
    paintSound();
    if (view && view.el) view.el.muted = !soundOn;
  }

  // Ties a slide's <video> to the current session and to the slide's paused/waiting/broken looks.
  function watchVideo(el, slide) {
    if (el.dataset.stream) {
      const startUrls = (el.dataset.streamStart || "").split(" ").filter(Boolean);
      attachStream(el, { streamUrl: el.dataset.stream, fileUrl: el.dataset.file, startUrls });
    }
    el.addEventListener("timeupdate", function () {
      if (view && view.el === el) view.tick();
    });
    el.addEventListener("play", function () { slide.classList.remove("is-paused"); });
    el.addEventListener("pause", function () { slide.classList.add("is-paused"); });
    el.addEventListener("playing", function () { slide.classList.remove("is-waiting"); });
    el.addEventListener("waiting", function () { slide.classList.add("is-waiting"); });
    el.addEventListener("canplay", function () { slide.classList.remove("is-waiting"); });
    el.addEventListener("error", function () {
      slide.classList.add("is-broken");
      role(slide, "broken").hidden = false;
      screenTime.recheck();
    });
  }

  function progressLoop() {
    if (view && view.el) {
      const end = view.duration();
      const bar = role(view.slide, "progress");
      if (bar && end > 0) bar.style.transform = "scaleX(" + Math.min(1, view.el.currentTime / end) + ")";
    }
    window.requestAnimationFrame(progressLoop);
  }

  soundButton.addEventListener("click", toggleSound);

  return {
    current: function () { return view; },
    start, end, togglePause, hold, release, toggleSound, paintSound, watchVideo,
    startProgressBar: function () { window.requestAnimationFrame(progressLoop); },
  };
}
