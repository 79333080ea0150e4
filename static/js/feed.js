// The viewer's feed: one vertical video at a time, batched watch signals, and the
// like/share/follow/report/"why" actions. Without this script the page is a list of links.
(function () {
  "use strict";

  const root = document.getElementById("feed");
  if (!root) return;

  const stage = root.querySelector("[data-role=stage]");
  const column = root.querySelector("[data-role=column]");
  const track = root.querySelector("[data-role=track]");
  const soundButton = root.querySelector("[data-role=sound]");
  const toastBox = root.querySelector("[data-role=toast]");
  const announceBox = root.querySelector("[data-role=announce]");
  const prevButton = root.querySelector("[data-role=prev]");
  const nextButton = root.querySelector("[data-role=next]");
  const emptyBox = root.querySelector("[data-role=empty]");
  const whySheet = root.querySelector("dialog[data-role=why]");
  const reportDialog = root.querySelector("dialog[data-role=report]");
  const breakDialog = root.querySelector("dialog[data-role=break]");
  const topicBrowser = root.querySelector(".feed-topics");
  const slideTemplate = document.getElementById("feed-slide-template");
  const endTemplate = document.getElementById("feed-end-template");

  const data = root.dataset;
  const config = {
    apiUrl: data.apiUrl || "",
    signalsUrl: data.signalsUrl || "",
    reportUrlTemplate: data.reportUrlTemplate || "",
    followUrlTemplate: data.followUrlTemplate || "",
    loginUrl: data.loginUrl || "/accounts/login/",
    isAuthenticated: data.authenticated === "1",
    viewerHandle: (data.viewerHandle || "").toLowerCase(),
    screenTimeMinutes: parseInt(data.screenTimeMinutes, 10) || 0,
  };

  const PROGRESS_EVERY = 3; // seconds of playback between progress signals
  const SKIP_BELOW = 2; // leaving before this many seconds of watching is a skip
  const FLUSH_EVERY = 5000;
  const FLUSH_AT = 20;
  const PRELOAD_AHEAD = 3; // fetch the next page when this few videos are left

  // --- small helpers ------------------------------------------------------------------
  function readJson(id) {
    const node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function uuid4() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Only http(s) links from the data ever become an href or a src.
  function safeUrl(value) {
    if (!value || typeof value !== "string") return "";
    try {
      const url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
    } catch (e) { return ""; }
  }

  // Pagination links are followed only on this site.
  function sameOriginUrl(value) {
    const href = safeUrl(value);
    if (!href) return "";
    return new URL(href).origin === window.location.origin ? href : "";
  }

  function loginHref() {
    return config.loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  }

  function storageGet(storage, key) {
    try { return window[storage].getItem(key); } catch (e) { return null; }
  }

  function storageSet(storage, key, value) {
    try { window[storage].setItem(key, value); } catch (e) { /* private mode or full: not fatal */ }
  }

  function role(node, name) {
    return node.querySelector("[data-role=" + name + "]");
  }

  function openDialog() {
    return root.querySelector("dialog[open]");
  }

  function round2(value) {
    return Math.round(value * 100) / 100;
  }

  let toastTimer = 0;
  function toast(message) {
    toastBox.textContent = message;
    toastBox.classList.add("is-visible");
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { toastBox.classList.remove("is-visible"); }, 2400);
  }

  // --- signals: batched in memory, flushed every 5 s, at 20, and by beacon on hide ----
  const queue = [];
  let flushing = false;
  let signalsEnabled = Boolean(config.signalsUrl);

  function record(kind, view, watched) {
    if (!signalsEnabled || !view) return;
    const duration = view.duration();
    let seconds = typeof watched === "number" ? watched : view.furthest;
    if (duration > 0) seconds = Math.min(seconds, duration);
    queue.push({
      event_id: uuid4(),
      video: view.item.video.id,
      kind: kind,
      source: view.item.source,
      position: view.item.position,
      watched_seconds: round2(Math.max(0, seconds)),
      looped: view.looped,
    });
    if (queue.length > 500) queue.splice(0, queue.length - 500); // offline for long: keep the newest
    if (queue.length >= FLUSH_AT) flush();
  }

  async function flush() {
    if (flushing || !queue.length || !signalsEnabled) return;
    flushing = true;
    const batch = queue.splice(0, FLUSH_AT);
    try {
      const response = await fetch(config.signalsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ events: batch }),
      });
      if (response.status === 401 || response.status === 403) {
        signalsEnabled = false; // this viewer may not send signals: stop trying
        queue.length = 0;
      } else if (response.status >= 500 || response.status === 429) {
        queue.unshift.apply(queue, batch); // event ids make the retry safe
      }
    } catch (e) {
      queue.unshift.apply(queue, batch);
    } finally {
      flushing = false;
    }
    if (queue.length >= FLUSH_AT) flush();
  }

  // sendBeacon cannot set X-CSRFToken; the server accepts it by session alone.
  function flushByBeacon() {
    if (!signalsEnabled) return;
    while (queue.length) {
      const batch = queue.splice(0, FLUSH_AT);
      const body = JSON.stringify({ events: batch });
      const sent = navigator.sendBeacon && navigator.sendBeacon(config.signalsUrl, new Blob([body], { type: "application/json" }));
      if (!sent) {
        fetch(config.signalsUrl, {
          method: "POST", keepalive: true, credentials: "same-origin", body: body,
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        }).catch(function () {});
      }
    }
  }

  window.setInterval(flush, FLUSH_EVERY);

  // --- screen time: seconds watched today in this browser, and a break nudge -----------
  let unsavedWatch = 0;

  function todayKey() {
    const now = new Date();
    const month = String(now.getMonth() + 1).padStart(2, "0");
    const day = String(now.getDate()).padStart(2, "0");
    return "joyreel:watch:" + now.getFullYear() + "-" + month + "-" + day;
  }

  function saveWatchTime() {
    const key = todayKey();
    let stored = { seconds: 0, nudged: 0 };
    try { stored = Object.assign(stored, JSON.parse(storageGet("localStorage", key) || "{}")); } catch (e) { /* corrupt: restart */ }
    stored.seconds += unsavedWatch;
    unsavedWatch = 0;
    const minutes = config.screenTimeMinutes;
    let nudge = 0;
    if (minutes > 0 && !openDialog()) {
      const reached = Math.floor(stored.seconds / (minutes * 60));
      if (reached > stored.nudged) {
        stored.nudged = reached;
        nudge = reached * minutes;
      }
    }
    storageSet("localStorage", key, JSON.stringify(stored));
    if (nudge) showBreak(nudge);
  }

  function showBreak(totalMinutes) {
    role(breakDialog, "break-text").textContent =
      "You've been watching for " + totalMinutes + (totalMinutes === 1 ? " minute" : " minutes") + " — time for a break?";
    holdPlayback("break");
    breakDialog.showModal();
  }

  window.setInterval(saveWatchTime, FLUSH_EVERY);

  // --- state -------------------------------------------------------------------------
  let items = [];
  const seenIds = new Set();
  const liked = new Set();
  const follows = new Map(); // handle (lower case) -> "approved" | "pending" | null
  const slides = new Map(); // key -> slide element
  let index = 0;
  let view = null;
  let nextUrl = sameOriginUrl(data.nextUrl);
  let fetchedFromApi = false;
  let isDone = false;
  let isLoading = false;
  let soundOn = storageGet("sessionStorage", "joyreel:sound") === "on";
  let soundBlocked = false; // the browser wants a tap on this visit before it plays sound
  const holds = new Set(); // reasons the current video is paused besides the viewer's tap

  function addItems(list) {
    let added = 0;
    (Array.isArray(list) ? list : []).forEach(function (item) {
      if (!item || !item.video || !item.video.id || seenIds.has(item.video.id)) return;
      seenIds.add(item.video.id);
      items.push(item);
      const handle = item.creator && item.creator.handle ? item.creator.handle.toLowerCase() : "";
      if (handle && !follows.has(handle)) {
        const known = item.creator.follow_status || (item.creator.is_following ? "approved" : null);
        follows.set(handle, known || (item.source === "following" ? "approved" : null));
      }
      added += 1;
    });
    return added;
  }

  function slideCount() {
    return items.length + (isDone && items.length ? 1 : 0);
  }

  function keyAt(position) {
    return position < items.length ? "v:" + items[position].video.id : "end";
  }

  // --- one watch session of the current video -----------------------------------------
  function View(item, slide) {
    this.item = item;
    this.slide = slide;
    this.el = slide.querySelector("video");
    this.furthest = 0; // furthest point in the current loop
    this.lastTime = 0;
    this.played = 0; // seconds of playback in this session, all loops
    this.progressMark = 0;
    this.reported = 0; // watched_seconds of the last progress in this loop
    this.looped = 0;
    this.completedLoop = false;
    this.userPaused = false;
  }

  View.prototype.duration = function () {
    const fromItem = Number(this.item.video.duration) || 0;
    const fromMedia = this.el && isFinite(this.el.duration) ? this.el.duration : 0;
    if (fromItem && fromMedia) return Math.min(fromItem, fromMedia);
    return fromItem || fromMedia;
  };

  View.prototype.complete = function () {
    this.completedLoop = true;
    record("complete", this, this.duration() || this.furthest);
  };

  View.prototype.tick = function () {
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
  };

  View.prototype.addPlayed = function (seconds) {
    this.played += seconds;
    unsavedWatch += seconds;
  };

  View.prototype.reportProgress = function () {
    if (this.completedLoop || this.furthest <= this.reported) return;
    this.reported = this.furthest;
    record("progress", this, this.furthest);
  };

  function startView() {
    const item = items[index];
    const slide = item ? slides.get(keyAt(index)) : null;
    view = item && slide ? new View(item, slide) : null;
    root.dataset.currentIndex = String(index);
    root.dataset.currentVideoId = item ? item.video.id : "";
    if (!view) return;
    record("impression", view, 0);
    if (view.el) {
      if (view.el.currentTime > 0) view.el.currentTime = 0; // coming back starts from the top
      playCurrent();
    }
    announce(item);
  }

  function endView(reason) {
    if (!view) return;
    const leaving = view;
    view = null;
    if (leaving.el) leaving.el.pause();
    if (reason === "not_interested") return;
    if (leaving.played < SKIP_BELOW && leaving.looped === 0) record("skip", leaving);
    else leaving.reportProgress();
  }

  function announce(item) {
    const parts = [];
    if (item.is_sponsored) parts.push("Sponsored.");
    parts.push(item.video.caption ? item.video.caption : "Untitled video");
    parts.push("by @" + item.creator.handle);
    announceBox.textContent = parts.join(" ");
  }

  // --- playback ---------------------------------------------------------------------
  function playCurrent() {
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
      playCurrent();
    } else {
      view.userPaused = true;
      view.el.pause();
    }
  }

  // Dialogs and hidden tabs pause playback; releasing the last hold resumes it.
  function holdPlayback(reason) {
    holds.add(reason);
    if (view && view.el) view.el.pause();
  }

  function releasePlayback(reason) {
    if (!holds.delete(reason)) return;
    playCurrent();
  }

  function isAudible() {
    return soundOn && !soundBlocked;
  }

  function paintSound() {
    const audible = isAudible();
    soundButton.setAttribute("aria-pressed", audible ? "true" : "false");
    soundButton.setAttribute("aria-label", audible ? "Mute" : "Turn sound on");
    soundButton.classList.toggle("is-on", audible);
  }

  function setSound(on) {
    soundOn = on;
    soundBlocked = false;
    storageSet("sessionStorage", "joyreel:sound", on ? "on" : "off");
    paintSound();
    if (view && view.el) {
      view.el.muted = !on;
      if (on && view.el.paused && !view.userPaused) playCurrent();
    }
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

  function watchVideo(el, slide) {
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

  // --- slides -----------------------------------------------------------------------
  function buildEndSlide() {
    const slide = endTemplate.content.firstElementChild.cloneNode(true);
    slide.dataset.key = "end";
    return slide;
  }

  function buildSlide(item) {
    const slide = slideTemplate.content.firstElementChild.cloneNode(true);
    const video = item.video;
    const creator = item.creator;
    slide.dataset.key = "v:" + video.id;
    slide.dataset.videoId = video.id;
    slide.dataset.source = item.source;
    slide.dataset.position = String(item.position);
    slide.classList.add("is-paused");

    const el = document.createElement("video");
    el.className = "feed-video";
    el.setAttribute("playsinline", "");
    el.setAttribute("webkit-playsinline", "");
    el.setAttribute("muted", "");
    el.muted = true;
    el.loop = true;
    el.preload = "metadata";
    el.disableRemotePlayback = true;
    el.setAttribute("aria-label", "Video by @" + creator.handle);
    el.dataset.testid = "feed-video";
    const poster = safeUrl(video.poster_url);
    if (poster) el.poster = poster;
    const source = safeUrl(video.video_url);
    if (source) el.src = source;
    role(slide, "video-box").prepend(el);
    watchVideo(el, slide);

    // Creator
    const profile = safeUrl(creator.url) || "/@" + encodeURIComponent(creator.handle) + "/";
    const handleLink = role(slide, "handle");
    handleLink.href = profile;
    handleLink.textContent = "@" + creator.handle;
    if (creator.display_name) handleLink.title = creator.display_name;
    role(slide, "avatar-link").href = profile;
    const avatarUrl = safeUrl(creator.avatar_url);
    const initial = role(slide, "avatar-initial");
    if (avatarUrl) {
      const img = role(slide, "avatar");
      img.src = avatarUrl;
      img.hidden = false;
      initial.hidden = true;
    } else {
      initial.textContent = (creator.display_name || creator.handle || "?").charAt(0).toUpperCase();
    }
    const isSelf = config.viewerHandle && config.viewerHandle === String(creator.handle).toLowerCase();
    if (!isSelf) {
      if (config.isAuthenticated) {
        const follow = role(slide, "follow");
        follow.hidden = false;
        paintFollow(follow, follows.get(creator.handle.toLowerCase()) || null);
      } else {
        const login = role(slide, "follow-login");
        login.href = loginHref();
        login.hidden = false;
        login.setAttribute("aria-label", "Log in to follow @" + creator.handle);
      }
    }

    // Caption and hashtags, as text only
    const caption = role(slide, "caption");
    caption.textContent = video.caption || "";
    caption.hidden = !video.caption;
    // Hashtags the caption already shows are not repeated underneath it.
    const inCaption = new Set(((video.caption || "").match(/#[\p{L}\p{N}_]+/gu) || []).map(function (tag) {
      return tag.slice(1).toLowerCase();
    }));
    const extraTags = (video.hashtags || []).map(function (tag) { return String(tag).replace(/^#/, ""); })
      .filter(function (tag) { return tag && !inCaption.has(tag.toLowerCase()); });
    const tags = role(slide, "hashtags");
    extraTags.forEach(function (tag) {
      const span = document.createElement("span");
      span.textContent = "#" + tag;
      tags.append(span, " ");
    });
    tags.hidden = !extraTags.length;

    // Sponsored
    if (item.is_sponsored) {
      slide.classList.add("is-sponsored");
      role(slide, "sponsor").hidden = false;
      role(slide, "sponsor-name").textContent = item.sponsor && item.sponsor.name ? item.sponsor.name : "";
      const click = item.sponsor ? safeUrl(item.sponsor.click_url) : "";
      if (click) {
        const more = role(slide, "learn-more");
        more.href = click;
        more.hidden = false;
        more.setAttribute("aria-label", "Learn more about " + (item.sponsor.name || "this sponsor") + " (opens a new tab)");
      }
    }

    // Like state survives leaving and coming back
    role(slide, "like").setAttribute("aria-pressed", liked.has(video.id) ? "true" : "false");
    return slide;
  }

  function destroySlide(slide) {
    const el = slide.querySelector("video");
    if (el) {
      el.pause();
      el.removeAttribute("src");
      el.load(); // let the browser drop the buffered media
    }
    slide.remove();
  }

  // Keeps only the current slide and its neighbours in the DOM.
  function render() {
    const wanted = new Map();
    for (let position = index - 1; position <= index + 1; position++) {
      if (position >= 0 && position < slideCount()) wanted.set(keyAt(position), position);
    }
    slides.forEach(function (slide, key) {
      if (!wanted.has(key)) {
        destroySlide(slide);
        slides.delete(key);
      }
    });
    wanted.forEach(function (position, key) {
      let slide = slides.get(key);
      if (!slide) {
        slide = key === "end" ? buildEndSlide() : buildSlide(items[position]);
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
    endView("leave");
    index = position;
    render();
    startView();
    loadMoreIfNear();
    return true;
  }

  function step(delta) {
    const target = index + delta;
    if (target >= slideCount()) {
      if (isLoading) toast("Loading more videos…");
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

  // --- pages ------------------------------------------------------------------------
  function loadMoreIfNear() {
    if (items.length - 1 - index <= PRELOAD_AHEAD) loadMore();
  }

  async function loadMore() {
    if (isLoading || isDone) return;
    // Page one is in the HTML; without a cursor for page two, ask for page one and skip what we have.
    let url = nextUrl || (fetchedFromApi ? "" : safeUrl(config.apiUrl));
    if (!url) {
      finish();
      return;
    }
    isLoading = true;
    root.dataset.loading = "true";
    let added = 0;
    try {
      for (let round = 0; url && added === 0 && round < 3; round++) {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error("HTTP " + response.status);
        const page = await response.json();
        fetchedFromApi = true;
        added += addItems(page.results);
        nextUrl = sameOriginUrl(page.next);
        url = nextUrl;
      }
      if (!nextUrl) isDone = true;
    } catch (e) {
      toast("Couldn't load more videos. Check your connection.");
    } finally {
      isLoading = false;
      root.dataset.loading = "false";
    }
    if (added && !view && items.length) {
      showStage();
      render();
      startView();
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

  // --- actions ----------------------------------------------------------------------
  function currentItem() {
    return view ? view.item : null;
  }

  function toggleLike(button) {
    const item = currentItem();
    if (!item) return;
    const id = item.video.id;
    const nowLiked = !liked.has(id);
    if (nowLiked) liked.add(id);
    else liked.delete(id);
    button.setAttribute("aria-pressed", nowLiked ? "true" : "false");
    record(nowLiked ? "like" : "unlike", view);
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "feed-sr-only";
      document.body.append(area);
      area.select();
      let copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      area.remove();
      return copied;
    }
  }

  async function share() {
    const item = currentItem();
    if (!item) return;
    const sharedView = view;
    const link = window.location.origin + "/v/" + item.video.id + "/";
    if (await copyText(link)) {
      record("share", sharedView);
      toast("Link copied");
    } else {
      toast("Copy this link: " + link);
    }
  }

  function notInterested() {
    const item = currentItem();
    if (!item) return;
    record("not_interested", view);
    endView("not_interested");
    const key = "v:" + item.video.id;
    const slide = slides.get(key);
    items.splice(index, 1);
    if (slide) {
      slides.delete(key);
      destroySlide(slide);
    }
    toast("We'll show fewer like this");
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
    startView();
    loadMoreIfNear();
  }

  function paintFollow(button, state) {
    button.dataset.state = state || "none";
    button.textContent = state === "approved" ? "Following" : state === "pending" ? "Requested" : "Follow";
    button.setAttribute("aria-pressed", state ? "true" : "false");
    button.classList.toggle("is-following", Boolean(state));
    const handle = button.closest(".feed-slide").querySelector("[data-role=handle]").textContent;
    button.setAttribute("aria-label", (state === "approved" ? "Unfollow " : state === "pending" ? "Cancel follow request to " : "Follow ") + handle);
  }

  function paintFollowEverywhere(handle, state) {
    follows.set(handle.toLowerCase(), state);
    slides.forEach(function (slide) {
      const button = role(slide, "follow");
      const item = items.find(function (it) { return "v:" + it.video.id === slide.dataset.key; });
      if (button && item && item.creator.handle.toLowerCase() === handle.toLowerCase()) paintFollow(button, state);
    });
  }

  async function toggleFollow(button) {
    const item = currentItem();
    if (!item || !config.followUrlTemplate) return;
    const followView = view;
    const handle = item.creator.handle;
    const state = follows.get(handle.toLowerCase()) || null;
    const url = config.followUrlTemplate.replace("__HANDLE__", encodeURIComponent(handle));
    button.disabled = true;
    try {
      const response = await fetch(url, {
        method: state ? "DELETE" : "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
      let body = {};
      try { body = await response.json(); } catch (e) { /* 204 has no body */ }
      if (response.status === 401) {
        window.location.assign(loginHref());
        return;
      }
      if (!response.ok && !(state && response.status === 404)) {
        toast(body.detail || "Couldn't update the follow. Please try again.");
        return;
      }
      if (state) {
        paintFollowEverywhere(handle, null);
      } else {
        const next = body.status === "pending" ? "pending" : "approved";
        paintFollowEverywhere(handle, next);
        record("follow", followView);
        if (next === "pending") toast("Follow request sent");
      }
    } catch (e) {
      toast("Couldn't update the follow. Please try again.");
    } finally {
      button.disabled = false;
    }
  }

  function openWhy() {
    const item = currentItem();
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
      const name = item.sponsor && item.sponsor.name ? item.sponsor.name : "a business";
      sponsor.textContent = "This is a paid promotion from " + name + ".";
      sponsor.hidden = false;
    } else {
      sponsor.hidden = true;
    }
    whySheet.showModal();
  }

  let reportedVideoId = null;
  function openReport() {
    const item = currentItem();
    if (!item) return;
    reportedVideoId = item.video.id;
    const form = role(reportDialog, "report-form");
    form.reset();
    form.hidden = false;
    role(reportDialog, "report-done").hidden = true;
    const error = role(reportDialog, "report-error");
    if (error) error.hidden = true;
    holdPlayback("report");
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
      const response = await fetch(config.reportUrlTemplate.replace("__ID__", encodeURIComponent(reportedVideoId)), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ reason: reason.value, detail: form.elements.detail.value.trim() }),
      });
      if (response.ok) {
        form.hidden = true;
        const done = role(reportDialog, "report-done");
        done.hidden = false;
        done.querySelector("button").focus();
        return;
      }
      let body = {};
      try { body = await response.json(); } catch (e) { /* not JSON */ }
      error.textContent = response.status === 401
        ? "Please log in again to report."
        : body.detail || "We couldn't send the report (" + response.status + "). Please try again.";
      error.hidden = false;
    } catch (e) {
      error.textContent = "We couldn't reach Joyreel. Check your connection and try again.";
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }

  // Clicking the backdrop of a modal closes it.
  function closeOnBackdrop(dialog) {
    dialog.addEventListener("click", function (event) {
      if (event.target !== dialog) return;
      const box = dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) dialog.close();
    });
  }

  // --- input: taps, buttons, swipes, wheel, keys --------------------------------------
  track.addEventListener("click", function (event) {
    const slide = event.target.closest(".feed-slide");
    if (!slide || !slide.classList.contains("is-current")) return;
    const button = event.target.closest("button");
    if (button) {
      const action = button.dataset.role;
      if (action === "like") toggleLike(button);
      else if (action === "share") share();
      else if (action === "not-interested") notInterested();
      else if (action === "report") openReport();
      else if (action === "why") openWhy();
      else if (action === "follow") toggleFollow(button);
      return;
    }
    if (event.target.closest("a")) return;
    if (event.target.closest("[data-role=caption]")) {
      event.target.closest("[data-role=caption]").classList.toggle("is-expanded");
      return;
    }
    if (event.target.closest(".feed-info, .feed-rail")) return;
    togglePause();
  });

  // Focus moving to a control (say, when a dialog closes) must never scroll the clipped column.
  column.addEventListener("scroll", function () { column.scrollTop = 0; column.scrollLeft = 0; });
  track.addEventListener("scroll", function () { track.scrollTop = 0; });

  soundButton.addEventListener("click", function () { setSound(!isAudible()); });
  prevButton.addEventListener("click", function () { step(-1); });
  nextButton.addEventListener("click", function () { step(1); });

  let touch = null;
  stage.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 1 || openDialog()) { touch = null; return; }
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
      track.classList.add("is-dragging");
    }
    if (!touch.dragging) return;
    const atEdge = (dy > 0 && index === 0) || (dy < 0 && index >= slideCount() - 1);
    touch.dy = atEdge ? dy / 3 : dy;
    touch.samples.push({ at: performance.now(), dy: dy });
    if (touch.samples.length > 8) touch.samples.shift();
    track.style.transform = "translate3d(0, calc(" + -index * 100 + "% + " + touch.dy + "px), 0)";
  }, { passive: true });

  function endTouch() {
    if (!touch) return;
    const gesture = touch;
    touch = null;
    if (!gesture.dragging) return;
    track.classList.remove("is-dragging");
    // Speed over the last ~120 ms, so a quick flick at the end of a slow drag still counts.
    const now = performance.now();
    const last = gesture.samples[gesture.samples.length - 1];
    const first = gesture.samples.find(function (sample) { return now - sample.at <= 120; }) || last;
    const velocity = first === last ? 0 : (last.dy - first.dy) / Math.max(1, last.at - first.at); // px per ms
    const far = Math.abs(gesture.dy) > Math.min(90, column.clientHeight * 0.15);
    const flick = Math.abs(gesture.dy) > 25 && Math.abs(velocity) > 0.35 && Math.sign(velocity) === Math.sign(gesture.dy);
    if (far || flick) step(gesture.dy < 0 ? 1 : -1);
    else render();
  }
  stage.addEventListener("touchend", endTouch);
  stage.addEventListener("touchcancel", endTouch);

  // A wheel or trackpad gesture moves one video however many events it sends.
  let wheelTotal = 0;
  let wheelLocked = false;
  let wheelQuietTimer = 0;
  stage.addEventListener("wheel", function (event) {
    if (event.ctrlKey || openDialog()) return; // pinch zoom, or a dialog is in charge
    event.preventDefault();
    window.clearTimeout(wheelQuietTimer);
    wheelQuietTimer = window.setTimeout(function () { wheelLocked = false; wheelTotal = 0; }, 200);
    if (wheelLocked) return;
    const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? column.clientHeight : 1;
    wheelTotal += event.deltaY * scale;
    if (Math.abs(wheelTotal) >= 40) {
      wheelLocked = true;
      step(wheelTotal > 0 ? 1 : -1);
    }
  }, { passive: false });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape" && topicBrowser && topicBrowser.open) {
      topicBrowser.open = false;
      topicBrowser.querySelector("summary").focus();
      return;
    }
    if (stage.hidden || openDialog()) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable=true], details[open]")) return;
    const onControl = target.closest && target.closest("button, a, summary");
    switch (event.key) {
      case "ArrowDown": case "PageDown": case "j": case "J":
        event.preventDefault();
        step(1);
        break;
      case "ArrowUp": case "PageUp": case "k": case "K":
        event.preventDefault();
        step(-1);
        break;
      case " ":
        if (onControl) return; // space presses the focused button
        event.preventDefault();
        togglePause();
        break;
      case "m": case "M":
        setSound(!isAudible());
        break;
      default:
    }
  });

  if (topicBrowser) {
    document.addEventListener("click", function (event) {
      if (topicBrowser.open && !topicBrowser.contains(event.target)) topicBrowser.open = false;
    });
  }

  // --- dialogs ----------------------------------------------------------------------
  [whySheet, reportDialog, breakDialog].forEach(closeOnBackdrop);
  reportDialog.addEventListener("close", function () { releasePlayback("report"); });
  breakDialog.addEventListener("close", function () { releasePlayback("break"); });
  reportDialog.querySelectorAll("[data-role=report-cancel]").forEach(function (button) {
    button.addEventListener("click", function () { reportDialog.close(); });
  });
  const reportForm = role(reportDialog, "report-form");
  if (reportForm && reportForm.querySelector("input[name=reason]")) reportForm.addEventListener("submit", submitReport);

  // --- leaving and coming back --------------------------------------------------------
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (view) view.reportProgress();
      holdPlayback("hidden");
      saveWatchTime();
      flushByBeacon();
    } else {
      releasePlayback("hidden");
    }
  });
  window.addEventListener("pagehide", function () {
    endView("leave");
    saveWatchTime();
    flushByBeacon();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && !view && items.length) startView(); // restored from the back/forward cache
  });

  // --- start ------------------------------------------------------------------------
  document.body.classList.add("feed-app");
  const tablist = root.querySelector(".feed-tablist");
  const activeTab = tablist && tablist.querySelector("[aria-current=page]");
  if (activeTab && activeTab.offsetLeft + activeTab.offsetWidth > tablist.clientWidth) {
    tablist.scrollLeft = activeTab.offsetLeft - (tablist.clientWidth - activeTab.offsetWidth) / 2;
  }
  paintSound();
  addItems(readJson("feed-items"));
  if (items.length) {
    showStage();
    render();
    startView();
    loadMoreIfNear();
  } else if (config.apiUrl) {
    loadMore();
  }
  saveWatchTime(); // a threshold crossed in another tab shows here too
  window.requestAnimationFrame(progressLoop);
})();
