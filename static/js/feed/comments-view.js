// One comment of the comments sheet as DOM nodes: its author, time, text (with @mentions as links to
// profiles), badges and the buttons the viewer may use. Text from people is only ever textContent.
import { compactCount } from "./counts.js";
import { gettext, interpolate, language, ngettext } from "../i18n.js";

// "@handle" as the server finds mentions (creators/comments/rules.py), not inside an email address.
const MENTION = /(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))/g;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// The text as nodes: plain text, with each mention a link built from its handle.
export function textNodes(text) {
  const nodes = [];
  let last = 0;
  const value = String(text || "");
  for (const match of value.matchAll(MENTION)) {
    if (match.index > last) nodes.push(document.createTextNode(value.slice(last, match.index)));
    const link = el("a", "comment-mention", "@" + match[1]);
    link.href = "/@" + encodeURIComponent(match[1]) + "/";
    nodes.push(link);
    last = match.index + match[0].length;
  }
  if (last < value.length) nodes.push(document.createTextNode(value.slice(last)));
  return nodes;
}

export function timeAgo(iso, now = Date.now()) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return gettext("just now");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return interpolate(gettext("%(count)sm ago"), { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return interpolate(gettext("%(count)sh ago"), { count: hours });
  const days = Math.floor(hours / 24);
  if (days < 7) return interpolate(gettext("%(count)sd ago"), { count: days });
  return new Date(then).toLocaleDateString(language(), { day: "numeric", month: "short", year: "numeric" });
}

function authorName(comment) {
  const author = comment.author || {};
  if (author.handle) return "@" + author.handle;
  return author.name || gettext("deleted account");
}

function button(action, label, { className = "", pressed = null, name = "" } = {}) {
  const node = el("button", className, label);
  node.type = "button";
  node.dataset.action = action;
  if (pressed != null) node.setAttribute("aria-pressed", pressed ? "true" : "false");
  if (name) node.setAttribute("aria-label", name);
  return node;
}

export function likeLabel(comment) {
  return "♥ " + compactCount(comment.like_count || 0);
}

// `viewer` says what the viewer may do beyond the comment's own flags: {isAuthenticated}.
export function buildComment(comment, viewer) {
  const item = el("li", "comment" + (comment.is_pinned ? " is-pinned" : "") + (comment.parent_id ? " is-reply" : ""));
  item.dataset.commentId = String(comment.id);
  item.dataset.testid = "comment";
  const author = authorName(comment);

  const head = el("p", "comment-head");
  if (comment.is_pinned) {
    const pinned = el("span", "comment-badge", gettext("Pinned"));
    pinned.dataset.testid = "comment-pinned";
    head.append(pinned);
  }
  if (comment.author && comment.author.handle) {
    const link = el("a", "comment-author", author);
    link.href = "/@" + encodeURIComponent(comment.author.handle) + "/";
    link.translate = false; // what people wrote (names, comments) is not ours to translate
    head.append(link);
  } else {
    const name = el("span", "comment-author", author);
    if (comment.author) name.translate = false;
    head.append(name);
  }
  const time = el("span", "comment-time");
  const stamp = el("time", "", timeAgo(comment.created_at));
  stamp.dateTime = comment.created_at || "";
  time.append(stamp);
  if (comment.is_edited) time.append(" · " + gettext("edited"));
  head.append(time);
  if (comment.state === "pending" || comment.state === "held") {
    const pending = el("span", "comment-badge comment-badge-pending", gettext("Pending"));
    pending.title = gettext("Only you can see it until it is approved");
    pending.dataset.testid = "comment-pending";
    head.append(pending);
  } else if (comment.state === "hidden") {
    head.append(el("span", "comment-badge comment-badge-quiet", gettext("Hidden")));
  }
  item.append(head);

  const text = el("p", "comment-text");
  text.dataset.role = "comment-text";
  text.dataset.testid = "comment-text";
  if (comment.state === "deleted") {
    text.classList.add("comment-deleted");
    text.textContent = gettext("deleted comment");
  } else {
    text.translate = false;
    text.append(...textNodes(comment.text));
  }
  item.append(text);

  const actions = el("div", "comment-actions");
  const visible = comment.state === "visible";
  if (visible) {
    actions.append(button("like", likeLabel(comment), {
      pressed: Boolean(comment.is_liked),
      name: interpolate(ngettext("Like comment by %(author)s, %(count)s like", "Like comment by %(author)s, %(count)s likes", comment.like_count || 0), { author, count: comment.like_count || 0 }),
    }));
    if (!comment.parent_id) actions.append(button("reply", gettext("Reply"), { name: interpolate(gettext("Reply to %(author)s"), { author }) }));
  }
  if (comment.can_edit) actions.append(button("edit", gettext("Edit")));
  if (comment.is_video_creator && !comment.parent_id && visible) {
    actions.append(button(comment.is_pinned ? "unpin" : "pin", comment.is_pinned ? gettext("Unpin") : gettext("Pin")));
  }
  if (comment.is_video_creator && comment.author && !isOwn(comment, viewer) && (visible || comment.state === "hidden")) {
    actions.append(button(comment.state === "hidden" ? "unhide" : "hide", comment.state === "hidden" ? gettext("Show") : gettext("Hide")));
  }
  if (comment.can_delete) actions.append(button("delete", gettext("Delete"), { className: "danger" }));
  if (viewer.isAuthenticated && visible && !isOwn(comment, viewer)) {
    actions.append(button("report", gettext("Report"), { name: interpolate(gettext("Report comment by %(author)s"), { author }) }));
  }
  item.append(actions);

  if (!comment.parent_id) {
    const replies = el("ol", "comments-list comments-replies");
    replies.dataset.role = "replies";
    item.append(replies);
    if (comment.reply_count > 0) {
      const more = button("replies", interpolate(ngettext("View %(count)s reply", "View %(count)s replies", comment.reply_count), { count: comment.reply_count }), { className: "comment-more-replies" });
      more.dataset.testid = "comment-view-replies";
      item.append(more);
    }
  }
  return item;
}

// The viewer wrote it: they may delete it without being the video's creator, or it carries their handle.
function isOwn(comment, viewer) {
  if (comment.can_edit || (comment.can_delete && !comment.is_video_creator)) return true;
  return Boolean(viewer.handle && comment.author && comment.author.handle && comment.author.handle.toLowerCase() === viewer.handle);
}
