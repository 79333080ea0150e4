// The viewer's ways through the feed by pointer: a swipe, a wheel or trackpad gesture or a step button
// moves one video (keys.js has the keyboard's ways).
// Hand-written on purpose: Swiper 14 moved the same way on these gestures in Chromium, but
// keeping only three <video> slides in the DOM needs its Virtual module driving our slides, and the
// parts we would load weigh ~26 KB gzipped against ~4.5 KB for this module and pager.js together.

// `isBusy()` is true while a dialog is open: it then owns touches and the wheel.
export function attachGestures({ stage, column, prevButton, nextButton, pager, isBusy }) {
  prevButton.addEventListener("click", function () { pager.step(-1); });
  nextButton.addEventListener("click", function () { pager.step(1); });

  let touch = null;
  stage.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 1 || isBusy()) { touch = null; return; }
    const point = event.touches[0];
    touch = { x: point.clientX, y: point.clientY, dy: 0, dragging: false, samples: [{ at: performance.now(), dy: 0 }] };
  }, { passive: true });

  stage.addEventListener("touchmove", function (event) {
    if (!touch || event.touches.length !== 1) return;
    const point = event.touches[0];
    const dx = point.clientX - touch.x;
    const dy = point.clientY - touch.y;
    if (!touch.dragging && Math.abs(dy) > 10 && Math.abs(dy) > Math.abs(dx)) {
      touch.dragging = true;
      pager.beginDrag();
    }
    if (!touch.dragging) return;
    touch.dy = pager.drag(dy);
    touch.samples.push({ at: performance.now(), dy: dy });
    if (touch.samples.length > 8) touch.samples.shift();
  }, { passive: true });

  function endTouch() {
    if (!touch) return;
    const gesture = touch;
    touch = null;
    if (!gesture.dragging) return;
    pager.endDrag();
    // Speed over the last ~120 ms, so a quick flick at the end of a slow drag still counts.
    const now = performance.now();
    const last = gesture.samples[gesture.samples.length - 1];
    const first = gesture.samples.find(function (sample) { return now - sample.at <= 120; }) || last;
    const velocity = first === last ? 0 : (last.dy - first.dy) / Math.max(1, last.at - first.at); // px per ms
    const far = Math.abs(gesture.dy) > Math.min(90, column.clientHeight * 0.15);
    const flick = Math.abs(gesture.dy) > 25 && Math.abs(velocity) > 0.35 && Math.sign(velocity) === Math.sign(gesture.dy);
    if (far || flick) pager.step(gesture.dy < 0 ? 1 : -1);
    else pager.snapBack();
  }
  stage.addEventListener("touchend", endTouch);
  stage.addEventListener("touchcancel", endTouch);

  // A wheel or trackpad gesture moves one video however many events it sends.
  let wheelTotal = 0;
  let wheelLocked = false;
  let wheelQuietTimer = 0;
  stage.addEventListener("wheel", function (event) {
    if (event.ctrlKey || isBusy()) return; // pinch zoom, or a dialog is in charge
    event.preventDefault();
    window.clearTimeout(wheelQuietTimer);
    wheelQuietTimer = window.setTimeout(function () { wheelLocked = false; wheelTotal = 0; }, 200);
    if (wheelLocked) return;
    const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? column.clientHeight : 1;
    wheelTotal += event.deltaY * scale;
    if (Math.abs(wheelTotal) >= 40) {
      wheelLocked = true;
      pager.step(wheelTotal > 0 ? 1 : -1);
    }
  }, { passive: false });
}
