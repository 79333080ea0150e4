// The viewer's feed: one vertical video at a time, batched watch signals, and the
// like/share/follow/report/"why" actions. Without this script the page is a list of links.
// This entry module only finds the page's parts and wires the feed's modules together.
import { attachActions } from "./feed/actions.js";
import { attachGestures } from "./feed/gestures.js";
import { createCaptions } from "./feed/captions.js";
import { createComments } from "./feed/comments.js";
import { trapDialogFocus } from "./feed/dialog-focus.js";
import { attachKeys } from "./feed/keys.js";
import { withoutAutoplay } from "./feed/motion.js";
import { paintCount } from "./feed/counts.js";
import { createPager } from "./feed/pager.js";
import { createPlayer } from "./feed/player.js";
import { createScreenTime } from "./feed/screen-time.js";
import { createSheets } from "./feed/sheets.js";
import { createSignals } from "./feed/signals.js";
import { createSlides } from "./feed/slides.js";
import { createToast, deviceStorage, openDialog, readJson } from "./feed/util.js";

function start(root) {
  const part = function (name) { return root.querySelector("[data-role=" + name + "]"); };
  const stage = part("stage");
  const column = part("column");
  const track = part("track");
  const topicBrowser = root.querySelector(".feed-topics");
  const data = root.dataset;
  const config = {
    apiUrl: data.apiUrl || "",
    signalsUrl: data.signalsUrl || "",
    reportUrlTemplate: data.reportUrlTemplate || "",
    followUrlTemplate: data.followUrlTemplate || "",
    loginUrl: data.loginUrl || "/accounts/login/",
    isAuthenticated: data.authenticated === "1",
    viewerHandle: (data.viewerHandle || "").toLowerCase(),
  };
  const isBusy = function () { return Boolean(openDialog(root)); };
  const follows = new Map(); // handle (lower case) -> "approved" | "pending" | null
  const liked = new Set();
  const toast = createToast(part("toast"));

  const signals = createSignals({ url: config.signalsUrl });
  let player = null;
  let pager = null;
  const screenTime = createScreenTime({
    status: readJson("screen-time"),
    statusUrl: data.screenTimeUrl || "",
    unlockUrl: data.screenTimeUnlockUrl || "",
    dialog: root.querySelector("dialog[data-role=limit]"),
    beforeCheck: function () {
      const view = player.current();
      if (view) view.reportProgress();
      return signals.flush();
    },
    onLock: function () { player.hold("limit"); },
    onUnlock: function () {
      player.release("limit");
      pager.reopen();
    },
  });
  const captions = createCaptions({ button: part("captions"), box: part("captions-box"), storage: deviceStorage() });
  player = createPlayer({ soundButton: part("sound"), announceBox: part("announce"), signals, screenTime, captions });
  const sheets = createSheets({
    whySheet: root.querySelector("dialog[data-role=why]"),
    reportDialog: root.querySelector("dialog[data-role=report]"),
    reportUrlTemplate: config.reportUrlTemplate,
    player,
  });
  const slideMaker = createSlides({
    slideTemplate: document.getElementById("feed-slide-template"),
    endTemplate: document.getElementById("feed-end-template"),
    config, follows, liked,
    watchVideo: player.watchVideo,
  });
  const prevButton = part("prev");
  const nextButton = part("next");
  pager = createPager({
    root, stage, column, track, prevButton, nextButton,
    emptyBox: part("empty"),
    apiUrl: config.apiUrl,
    nextUrl: data.nextUrl,
    follows, slideMaker, toast,
    player: withoutAutoplay(player),
    onPage: function (page) { return screenTime.apply(page.screen_time); },
  });
  const comments = createComments({
    sheet: root.querySelector("dialog[data-role=comments-sheet]"),
    reportDialog: root.querySelector("dialog[data-role=comment-report]"),
    config, toast,
    onCount: function (item, count) {
      pager.forEachSlide(function (slide, slideItem) {
        if (slideItem === item) paintCount(slide.querySelector("[data-role=comments]"), count);
      });
    },
  });
  attachActions({ track, config, follows, liked, pager, player, signals, sheets, comments, toast });
  attachGestures({ stage, column, prevButton, nextButton, pager, isBusy });
  attachKeys({ stage, pager, player, captions, isBusy });
  trapDialogFocus();
  if (topicBrowser) attachTopicBrowser(topicBrowser);

  // Leaving and coming back: hidden tabs pause and send what is queued; a closing page ends the view.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      const view = player.current();
      if (view) view.reportProgress();
      player.hold("hidden");
      signals.flushByBeacon();
    } else {
      player.release("hidden");
    }
  });
  window.addEventListener("pagehide", function () {
    player.end("close");
    signals.flushByBeacon();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) pager.resume(); // restored from the back/forward cache
  });

  document.body.classList.add("feed-app");
  const tablist = root.querySelector(".feed-tablist");
  const activeTab = tablist && tablist.querySelector("[aria-current=page]");
  if (activeTab && activeTab.offsetLeft + activeTab.offsetWidth > tablist.clientWidth) {
    tablist.scrollLeft = activeTab.offsetLeft - (tablist.clientWidth - activeTab.offsetWidth) / 2;
  }
  if (tablist) {
    // The fade at the tab list's edge says "more this way"; at the end there is no more.
    const markEnd = function () {
      tablist.classList.toggle("is-at-end", tablist.scrollLeft + tablist.clientWidth >= tablist.scrollWidth - 2);
    };
    tablist.addEventListener("scroll", markEnd, { passive: true });
    markEnd();
  }
  player.paintSound();
  screenTime.start(); // the day's limit was reached before this page: the panel, and nothing plays
  pager.begin(readJson("feed-items"));
  player.startProgressBar();
  openLinkedComments(player, pager, comments);
}

// A notification's link (/v/<id>/?comment=<id>#comments) opens the video's comments, at that comment.
function openLinkedComments(player, pager, comments) {
  if (window.location.hash !== "#comments") return;
  const view = player.current();
  if (!view) return;
  let button = null;
  pager.forEachSlide(function (slide, slideItem) {
    if (slideItem === view.item) button = slide.querySelector("[data-role=comments]");
  });
  const named = new URLSearchParams(window.location.search).get("comment") || "";
  comments.open(view.item, button, { focusId: /^[0-9]{1,18}$/.test(named) ? named : null });
}

// The topics panel closes on Escape or a click outside it.
function attachTopicBrowser(topicBrowser) {
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape" && topicBrowser.open) {
      topicBrowser.open = false;
      topicBrowser.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (topicBrowser.open && !topicBrowser.contains(event.target)) topicBrowser.open = false;
  });
}

const root = document.getElementById("feed");
if (root) start(root);
