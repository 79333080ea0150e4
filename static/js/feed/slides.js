// One slide per video, cloned from the page's <template> and filled with text only; the follow button's look.
import { gettext, interpolate } from "../i18n.js";
import { fillCaption, tagLink } from "./caption.js";
import { addCaptionTracks } from "./captions.js";
import { countOf, paintCount } from "./counts.js";
import { loginHref, role, safeUrl, sameOriginUrl } from "./util.js";

export function paintFollow(button, state) {
  button.dataset.state = state || "none";
  button.textContent = state === "approved" ? gettext("Following") : state === "pending" ? gettext("Requested") : gettext("Follow");
  button.setAttribute("aria-pressed", state ? "true" : "false");
  button.classList.toggle("is-following", Boolean(state));
  const handle = button.closest(".feed-slide").querySelector("[data-role=handle]").textContent;
  const label = state === "approved" ? gettext("Unfollow %(handle)s") : state === "pending" ? gettext("Cancel follow request to %(handle)s") : gettext("Follow %(handle)s");
  button.setAttribute("aria-label", interpolate(label, { handle }));
}

// `follows` (handle -> state) and `liked` (video ids) paint a slide as the viewer left it;
// `watchVideo(el, slide)` lets the player follow the new <video>.
export function createSlides({ slideTemplate, endTemplate, config, follows, liked, watchVideo }) {
  function buildEnd() {
    const slide = endTemplate.content.firstElementChild.cloneNode(true);
    slide.dataset.key = "end";
    return slide;
  }

  function build(item) {
    const slide = slideTemplate.content.firstElementChild.cloneNode(true);
    const video = item.video;
    const creator = item.creator;
    slide.dataset.key = item.slideKey;
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
    el.setAttribute("aria-label", interpolate(gettext("Video by @%(handle)s"), { handle: creator.handle }));
    el.dataset.testid = "feed-video";
    const poster = safeUrl(video.poster_url);
    if (poster) el.poster = poster;
    const source = safeUrl(video.video_url);
    const stream = safeUrl(video.stream_url);
    // With a ladder the player attaches the stream (stream.js); the MP4 stays its fallback.
    if (source) el.dataset.file = source;
    if (stream) el.dataset.stream = stream;
    const start = (video.stream_start || []).map(safeUrl).filter(Boolean);
    if (stream && start.length) el.dataset.streamStart = start.join(" ");
    else if (source) el.src = source;
    if (!stream) addCaptionTracks(el, video.captions, safeUrl); // a ladder lists them in its master
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
        login.href = loginHref(config.loginUrl);
        login.hidden = false;
        login.setAttribute("aria-label", interpolate(gettext("Log in to follow @%(handle)s"), { handle: creator.handle }));
      }
    }

    // A moderator labelled its claims unverified: say so above the caption.
    role(slide, "unverified").hidden = !video.is_unverified;

    // Caption and hashtags, as text only
    const caption = role(slide, "caption");
    fillCaption(caption, video.caption || "");
    caption.hidden = !video.caption;
    // Hashtags the caption already shows are not repeated underneath it.
    const inCaption = new Set(((video.caption || "").match(/#[\p{L}\p{N}_]+/gu) || []).map(function (tag) {
      return tag.slice(1).toLowerCase();
    }));
    const extraTags = (video.hashtags || []).map(function (tag) { return String(tag).replace(/^#/, ""); })
      .filter(function (tag) { return tag && !inCaption.has(tag.toLowerCase()); });
    const tags = role(slide, "hashtags");
    extraTags.forEach(function (tag) {
      tags.append(tagLink(tag), " ");
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
        const action = item.sponsor.call_to_action || gettext("Learn more");
        more.textContent = action;
        more.setAttribute("aria-label", item.sponsor.name
          ? interpolate(gettext("%(action)s: %(name)s (opens a new tab)"), { action, name: item.sponsor.name })
          : interpolate(gettext("%(action)s (opens a new tab)"), { action }));
      }
    }

    // The viewer's own video that a business may promote: the promotion form with it chosen.
    const promote = sameOriginUrl(item.promote_url);
    if (promote) {
      const link = role(slide, "promote");
      link.href = promote;
      link.hidden = false;
    }

    // A 13–15-year-old's video stays in the app: no link to copy, no "save video as".
    if (video.is_shareable === false) {
      role(slide, "share").hidden = true;
      el.setAttribute("controlslist", "nodownload");
      el.addEventListener("contextmenu", function (event) { event.preventDefault(); });
    }

    // Like state survives leaving and coming back
    role(slide, "like").setAttribute("aria-pressed", liked.has(video.id) ? "true" : "false");
    // Counts as people read them (1.2K); a feed that does not send them shows the words instead.
    paintCount(role(slide, "like"), countOf(item, "like_count"));
    paintCount(role(slide, "comments"), countOf(item, "comment_count"));
    paintCount(role(slide, "share"), countOf(item, "share_count"));
    return slide;
  }

  function destroy(slide) {
    const el = slide.querySelector("video");
    if (el) {
      el.pause();
      el.removeAttribute("src");
      el.load(); // let the browser drop the buffered media
    }
    slide.remove();
  }

  return { build, buildEnd, destroy };
}
