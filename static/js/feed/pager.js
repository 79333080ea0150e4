// Where the viewer is in the feed: the list of videos, the current one and its neighbours in the DOM,
// the track's position, and fetching the next page before the list runs out.
import { gettext } from "../i18n.js";
import { api } from "../api.js";
import { createFeedList, fetchPages, settledWithin } from "./feed-list.js";
import { safeUrl, sameOriginUrl } from "./util.js";

// `onPage(page)` sees each page from the API first; true means the day's screen-time limit is reached:
// the pager then stops fetching until `reopen()`.
export function createPager({ root, stage, column, track, prevButton, nextButton, emptyBox, apiUrl, nextUrl, follows, slideMaker, player, toast, onPage }) {
  const list = createFeedList({ follows });
  const items = list.items;
  const slides = new Map(); // key -> slide element
  let index = 0;
  let pageUrl = sameOriginUrl(nextUrl);
  let fetchedFromApi = false;
  let isDone = false;
  let isLoading = false;
  let isStopped = false; // the day's limit is reached
  let signalSent = Promise.resolve(); // the last "not for me" on its way: the next page is asked after it

  const NOT_FOR_ME_WAIT = 2000; // ms the next page waits for that signal at most

  const addItems = list.add;
  const keyAt = list.keyAt;

  function slideCount() {
    return list.slideCount(isDone);
  }

  // Starts a watch session of the video at the current position.
  function startCurrent() {
    const item = items[index];
    const slide = item ? slides.get(keyAt(index)) : null;
    root.dataset.currentIndex = String(index);
    root.dataset.currentVideoId = item ? item.video.id : "";
    player.start(item, slide);
  }

  // Keeps only the current slide and its neighbours in the DOM.
  function render() {
    const wanted = list.around(index, isDone);
    slides.forEach(function (slide, key) {
      if (!wanted.has(key)) {
        slideMaker.destroy(slide);
        slides.delete(key);
      }
    });
    wanted.forEach(function (position, key) {
      let slide = slides.get(key);
      if (!slide) {
        slide = key === "end" ? slideMaker.buildEnd() : slideMaker.build(items[position]);
        slides.set(key, slide);
        track.append(slide);
      }
      const isCurrent = position === index;
      slide.style.top = position * 100 + "%";
      slide.classList.toggle("is-current", isCurrent);
      slide.dataset.current = isCurrent ? "true" : "false";
      slide.dataset.testid = isCurrent ? "current-slide" : "feed-slide";
      slide.inert = !isCurrent;
      slide.setAttribute("aria-hidden", isCurrent ? "false" : "true");
      const el = slide.querySelector("video");
      if (el) {
        el.dataset.testid = isCurrent ? "current-video" : "feed-video";
        el.autoplay = isCurrent;
        if (position >= index) el.preload = "auto"; // the next video buffers while this one plays
        if (!isCurrent && !el.paused) el.pause();
      }
    });
    track.style.transform = "translate3d(0, " + -index * 100 + "%, 0)";
    prevButton.disabled = index <= 0;
    nextButton.disabled = index >= slideCount() - 1 && isDone;
    if (document.activeElement && track.contains(document.activeElement)) {
      const current = slides.get(keyAt(index));
      if (!current || !current.contains(document.activeElement)) stage.focus({ preventScroll: true });
    }
  }

  // Re-place slides without the slide animation (after the list itself changed).
  function renderInPlace() {
    track.classList.add("is-instant");
    render();
    void track.offsetHeight;
    track.classList.remove("is-instant");
  }

  function goTo(position) {
    if (position === index || position < 0 || position >= slideCount()) {
      render(); // snap back after a short drag
      return false;
    }
    player.end("leave");
    index = position;
    render();
    startCurrent();
    loadMoreIfNear();
    return true;
  }

  // One video down (1) or up (-1); past either end the column bumps instead.
  function step(delta) {
    const target = index + delta;
    if (target >= slideCount()) {
      if (isLoading) toast(gettext("Loading more videos…"));
      else if (!isDone) loadMore();
      bump(delta);
      return;
    }
    if (target < 0) {
      bump(delta);
      return;
    }
    goTo(target);
  }

  function bump(delta) {
    render(); // put a dragged track back
    column.classList.remove("is-bump-up", "is-bump-down");
    void column.offsetWidth;
    column.classList.add(delta > 0 ? "is-bump-up" : "is-bump-down");
  }

  // A finger holds the track `dy` pixels off its place (with resistance past either end).
  function beginDrag() {
    track.classList.add("is-dragging");
  }

  function drag(dy) {
    const atEdge = (dy > 0 && index === 0) || (dy < 0 && index >= slideCount() - 1);
    const offset = atEdge ? dy / 3 : dy;
    track.style.transform = "translate3d(0, calc(" + -index * 100 + "% + " + offset + "px), 0)";
    return offset;
  }

  function endDrag() {
    track.classList.remove("is-dragging");
  }

  // Takes the current video out of the list ("not interested") and shows the next one in its place.
  // With `sent` (the signal's send), the creator's videos not yet shown go too, and the next page is
  // asked for only once the server knows.
  function removeCurrent(item, { sent } = {}) {
    const key = item.slideKey;
    const slide = slides.get(key);
    items.splice(index, 1);
    if (slide) {
      slides.delete(key);
      slideMaker.destroy(slide);
    }
    if (sent) {
      list.dropCreator(item.creator && item.creator.handle, index);
      signalSent = settledWithin(sent, NOT_FOR_ME_WAIT);
    }
    if (!items.length) {
      // That was the last one we had: fetch more, or say the feed is empty.
      index = 0;
      renderInPlace();
      if (isDone) finish();
      else loadMore();
      return;
    }
    if (index >= slideCount()) index = slideCount() - 1;
    renderInPlace();
    slides.get(keyAt(index)).classList.add("is-entering");
    startCurrent();
    loadMoreIfNear();
  }

  function forEachSlide(callback) {
    slides.forEach(function (slide) {
      const item = items.find(function (it) { return it.slideKey === slide.dataset.key; });
      callback(slide, item || null);
    });
  }

  function loadMoreIfNear() {
    if (list.isNearEnd(index)) loadMore();
  }

  async function loadMore() {
    if (isLoading || isDone || isStopped) return;
    // Page one is in the HTML; without a cursor for page two, ask for page one and skip what we have.
    const url = pageUrl || (fetchedFromApi ? "" : safeUrl(apiUrl));
    if (!url) {
      finish();
      return;
    }
    isLoading = true;
    root.dataset.loading = "true";
    let added = 0;
    try {
      const got = await fetchPages({ url, get: (pageAt) => api(pageAt), add: addItems, onPage, follow: sameOriginUrl, ready: signalSent });
      added = got.added;
      isStopped = got.stopped;
      if (got.fetched) {
        fetchedFromApi = true;
        pageUrl = got.next;
      }
      if (!pageUrl && !isStopped) isDone = true;
    } catch {
      toast(gettext("Couldn't load more videos. Check your connection."));
    } finally {
      isLoading = false;
      root.dataset.loading = "false";
    }
    if (added && !player.current() && items.length) {
      showStage();
      render();
      startCurrent();
    } else {
      render();
    }
    if (isDone) finish();
  }

  function finish() {
    isDone = true;
    if (!items.length) {
      emptyBox.hidden = false;
      stage.hidden = true;
    } else {
      render();
    }
  }

  function showStage() {
    emptyBox.hidden = true;
    stage.hidden = false;
  }

  // The first page comes inline with the HTML; without it, fetch one.
  function begin(firstPage) {
    addItems(firstPage);
    if (items.length) {
      showStage();
      render();
      startCurrent();
      loadMoreIfNear();
    } else if (apiUrl) {
      loadMore();
    }
  }

  // The limit was lifted: go on where the viewer was, fetching what the stop held back.
  function reopen() {
    isStopped = false;
    if (!player.current() && items.length) {
      showStage();
      render();
      startCurrent();
    }
    if (!items.length || list.isNearEnd(index)) loadMore();
  }

  // Back from the back/forward cache with nothing playing: start where the viewer was.
  function resume() {
    if (!player.current() && items.length) startCurrent();
  }

  // Focus moving to a control (say, when a dialog closes) must never scroll the clipped column.
  column.addEventListener("scroll", function () { column.scrollTop = 0; column.scrollLeft = 0; });
  track.addEventListener("scroll", function () { track.scrollTop = 0; });

  return { begin, resume, reopen, step, snapBack: render, beginDrag, drag, endDrag, removeCurrent, forEachSlide };
}
