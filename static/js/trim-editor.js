// The trim editor: drag start/end handles over the preview, step frames, loop the range.
// The start/end number fields are the source of truth that the form submits.
(function () {
  "use strict";
  // A classic script, so not the module i18n.js: Django's catalogue (/jsi18n/) directly, English without it.
  const gettext = (text) => (window.django ? window.django.gettext(text) : text);
  const interpolate = (format, values) => format.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? values[name] : match));
  const seconds = (value) => value.toLocaleString(document.documentElement.lang || "en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const player = document.querySelector("[data-role=player]");
  const trim = document.querySelector("[data-role=trim]");
  if (!player || !trim) return;
  const startInput = document.getElementById("id_start");
  const endInput = document.getElementById("id_end");
  const track = trim.querySelector("[data-role=track]");
  const range = trim.querySelector("[data-role=range]");
  const playhead = trim.querySelector("[data-role=playhead]");
  const handleStart = trim.querySelector("[data-role=handle-start]");
  const handleEnd = trim.querySelector("[data-role=handle-end]");
  const lengthOut = trim.querySelector("[data-role=length]");
  const fps = parseFloat(player.dataset.fps) || 30;
  const frame = 1 / fps;
  const MIN_LENGTH = 1.0;
  let duration = parseFloat(player.dataset.duration) || 0;
  let looping = false;

  const round = (value) => Math.round(value * 1000) / 1000;
  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
  const snap = (value) => round(Math.round(value * fps) / fps);
  const start = () => parseFloat(startInput.value) || 0;
  const end = () => parseFloat(endInput.value) || duration;

  function render() {
    if (!duration) return;
    const left = (start() / duration) * 100;
    const right = (end() / duration) * 100;
    handleStart.style.left = left + "%";
    handleEnd.style.left = right + "%";
    range.style.left = left + "%";
    range.style.width = Math.max(right - left, 0) + "%";
    playhead.style.left = (player.currentTime / duration) * 100 + "%";
    handleStart.setAttribute("aria-valuenow", start().toFixed(3));
    handleEnd.setAttribute("aria-valuenow", end().toFixed(3));
    handleStart.setAttribute("aria-valuetext", interpolate(gettext("%(seconds)s seconds"), { seconds: seconds(start()) }));
    handleEnd.setAttribute("aria-valuetext", interpolate(gettext("%(seconds)s seconds"), { seconds: seconds(end()) }));
    lengthOut.textContent = seconds(end() - start());
  }

  function setStart(value) {
    startInput.value = snap(clamp(value, 0, end() - MIN_LENGTH)).toFixed(3);
    render();
  }
  function setEnd(value) {
    endInput.value = (value >= duration - frame / 2 ? round(duration) : snap(clamp(value, start() + MIN_LENGTH, duration))).toFixed(3);
    render();
  }

  function timeAt(clientX) {
    const box = track.getBoundingClientRect();
    return clamp((clientX - box.left) / box.width, 0, 1) * duration;
  }

  function drag(handle, setter) {
    handle.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      player.pause();
      const move = function (e) {
        setter(timeAt(e.clientX));
        player.currentTime = setter === setStart ? start() : end();
      };
      const up = function () {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
    });
    handle.addEventListener("keydown", function (event) {
      const current = setter === setStart ? start() : end();
      if (event.key === "ArrowLeft") setter(current - (event.shiftKey ? 1 : frame));
      else if (event.key === "ArrowRight") setter(current + (event.shiftKey ? 1 : frame));
      else return;
      event.preventDefault();
      player.currentTime = setter === setStart ? start() : end();
    });
  }
  drag(handleStart, setStart);
  drag(handleEnd, setEnd);

  track.addEventListener("pointerdown", function (event) {
    if (event.target !== track && event.target !== range) return;
    player.currentTime = timeAt(event.clientX);
  });

  const actions = {
    "step-back": () => { player.pause(); player.currentTime = clamp(player.currentTime - frame, 0, duration); },
    "step-forward": () => { player.pause(); player.currentTime = clamp(player.currentTime + frame, 0, duration); },
    "set-start": () => setStart(player.currentTime),
    "set-end": () => setEnd(player.currentTime),
    "play-range": () => {
      looping = !looping;
      trim.querySelector("[data-action=play-range]").classList.toggle("is-active", looping);
      if (looping) { player.currentTime = start(); player.play(); } else { player.pause(); }
    },
  };
  trim.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { actions[button.dataset.action](); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select")) return;
    const key = { ",": "step-back", ".": "step-forward", "[": "set-start", "]": "set-end", " ": "play-range" }[event.key];
    if (!key || event.target.closest(".trim-handle")) return;
    if (key === "play-range" && event.target.closest("button, a, summary, video")) return; // Space presses the focused control
    event.preventDefault();
    actions[key]();
  });

  player.addEventListener("timeupdate", function () {
    if (looping && (player.currentTime >= end() || player.currentTime < start() - frame)) {
      player.currentTime = start();
      if (player.paused) player.play();
    }
    render();
  });
  player.addEventListener("seeked", render);
  player.addEventListener("loadedmetadata", function () {
    if (!duration && isFinite(player.duration)) duration = player.duration;
    render();
  });
  startInput.addEventListener("change", () => setStart(parseFloat(startInput.value) || 0));
  endInput.addEventListener("change", () => setEnd(parseFloat(endInput.value) || duration));
  render();
})();
