// What a tap on the current slide does: like, share, follow, "not interested", the report and "why" sheets,
// expanding the caption, and pause/play anywhere else on the video.
import { gettext, interpolate } from "../i18n.js";
import { api } from "../api.js";
import { loginHref, role } from "./util.js";
import { countOf, paintCount } from "./counts.js";
import { confirmShare } from "./share-confirm.js";
import { paintFollow } from "./slides.js";

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "feed-sr-only";
    document.body.append(area);
    area.select();
    let copied = false;
    try { copied = document.execCommand("copy"); } catch { copied = false; }
    area.remove();
    return copied;
  }
}

export function attachActions({ track, config, follows, liked, pager, player, signals, sheets, comments, toast }) {
  function currentItem() {
    const view = player.current();
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
    signals.record(nowLiked ? "like" : "unlike", player.current());
    const count = countOf(item, "like_count");
    if (count != null) {
      item.like_count = Math.max(0, count + (nowLiked ? 1 : -1));
      paintCount(button, item.like_count);
    }
  }

  async function share() {
    const item = currentItem();
    if (!item || item.video.is_shareable === false) return;
    const sharedView = player.current();
    if (item.video.is_unverified && !(await confirmShare(track.closest(".feed").querySelector("dialog[data-role=share-confirm]")))) return;
    const link = window.location.origin + "/v/" + item.video.id + "/";
    if (await copyText(link)) {
      signals.record("share", sharedView);
      const shares = countOf(item, "share_count");
      if (shares != null) {
        item.share_count = shares + 1;
        paintCount(track.querySelector(".feed-slide.is-current [data-role=share]"), item.share_count);
      }
      toast(gettext("Link copied"));
    } else {
      toast(interpolate(gettext("Copy this link: %(link)s"), { link }));
    }
  }

  function notInterested() {
    const item = currentItem();
    if (!item) return;
    signals.record("not_interested", player.current());
    player.end("not_interested");
    toast(gettext("We'll show fewer like this"));
    // Sent now, not with the next batch: the next page must already leave this creator out.
    pager.removeCurrent(item, { sent: signals.flushNow() });
  }

  function paintFollowEverywhere(handle, state) {
    follows.set(handle.toLowerCase(), state);
    pager.forEachSlide(function (slide, item) {
      const button = role(slide, "follow");
      if (button && item && item.creator.handle.toLowerCase() === handle.toLowerCase()) paintFollow(button, state);
    });
  }

  async function toggleFollow(button) {
    const item = currentItem();
    if (!item || !config.followUrlTemplate) return;
    const followView = player.current();
    const handle = item.creator.handle;
    const state = follows.get(handle.toLowerCase()) || null;
    const url = config.followUrlTemplate.replace("__HANDLE__", encodeURIComponent(handle));
    button.disabled = true;
    try {
      let body = null;
      try {
        body = (await api(url, { method: state ? "DELETE" : "POST" })) || {};
      } catch (error) {
        if (error.code === "not_authenticated") {
          window.location.assign(loginHref(config.loginUrl));
          return;
        }
        // Unfollowing someone we no longer follow (another tab did it) is done all the same.
        if (!(state && error.code === "not_found")) {
          toast(error.code === "network" ? gettext("Couldn't update the follow. Please try again.") : error.detail);
          return;
        }
      }
      if (state) {
        paintFollowEverywhere(handle, null);
      } else {
        const next = body && body.status === "pending" ? "pending" : "approved";
        paintFollowEverywhere(handle, next);
        signals.record("follow", followView);
        if (next === "pending") toast(gettext("Follow request sent"));
      }
    } catch {
      toast(gettext("Couldn't update the follow. Please try again."));
    } finally {
      button.disabled = false;
    }
  }

  track.addEventListener("click", function (event) {
    const slide = event.target.closest(".feed-slide");
    if (!slide || !slide.classList.contains("is-current")) return;
    const button = event.target.closest("button");
    if (button) {
      const action = button.dataset.role;
      if (action === "like") toggleLike(button);
      else if (action === "share") share();
      else if (action === "comments") comments.open(currentItem(), button);
      else if (action === "not-interested") notInterested();
      else if (action === "report") sheets.openReport(currentItem());
      else if (action === "why") sheets.openWhy(currentItem());
      else if (action === "follow") toggleFollow(button);
      return;
    }
    if (event.target.closest("a")) return;
    if (event.target.closest("[data-role=caption]")) {
      event.target.closest("[data-role=caption]").classList.toggle("is-expanded");
      return;
    }
    if (event.target.closest(".feed-info, .feed-rail")) return;
    player.togglePause();
  });
}
