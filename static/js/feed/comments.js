// The comments sheet of the player: a video's comments (top or newest, a page at a time), replies one level
// deep, liking, editing, deleting, the creator's pin and hide, reporting, and the composer. The sheet is
// a bottom sheet on a phone and a side panel on a wide screen (comments.css); it is a modal <dialog>, so
// Escape closes it and focus stays inside until it does.
import { api } from "../api.js";
import { buildComment, likeLabel } from "./comments-view.js";
import { gettext, interpolate, ngettext } from "../i18n.js";
import { loginHref, role, sameOriginUrl } from "./util.js";

const MAX_LENGTH = 500;

export function createComments({ sheet, reportDialog, config, toast, onCount }) {
  const apiRoot = sheet.dataset.apiRoot || "/api/v1/";
  const list = role(sheet, "comments-list");
  const status = role(sheet, "comments-status");
  const more = role(sheet, "comments-more");
  const title = role(sheet, "comments-title");
  const form = role(sheet, "composer-form");
  const textBox = form.elements.text;
  const counter = role(sheet, "composer-count");
  const composerError = role(sheet, "composer-error");
  const refusalBox = role(sheet, "composer-refusal");
  const replying = role(sheet, "replying");
  const viewer = { isAuthenticated: config.isAuthenticated, handle: config.viewerHandle };
  const orderButtons = sheet.querySelectorAll("[data-order]");

  let item = null;
  let opener = null;
  let order = "top";
  let nextUrl = "";
  let loading = null; // the AbortController of the page being loaded
  let replyTo = null; // {id, name, node}
  let focusId = null; // a notification's comment, shown first once the sheet has loaded
  let linkedId = null; // that comment once shown: the pages below it leave it out
  const byId = new Map(); // comment id -> its JSON, as last painted

  function videoId() { return item ? item.video.id : ""; }
  function commentUrl(id, tail = "") { return apiRoot + "comments/" + encodeURIComponent(id) + tail; }

  function setStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function setCount(count) {
    title.textContent = gettext("Comments") + (typeof count === "number" ? " · " + count : "");
    if (item && typeof count === "number") {
      item.comment_count = count;
      onCount(item, count);
    }
  }

  function changeCount(delta) {
    if (item && typeof item.comment_count === "number") setCount(Math.max(0, item.comment_count + delta));
  }

  function paint(comment) {
    byId.set(comment.id, comment);
    return buildComment(comment, viewer);
  }

  // Replace a painted comment by its new JSON, keeping the replies already opened under it.
  function repaint(node, comment) {
    const fresh = paint(comment);
    const oldReplies = role(node, "replies");
    const freshReplies = role(fresh, "replies");
    if (oldReplies && freshReplies) freshReplies.replaceWith(oldReplies);
    const oldMore = node.querySelector(":scope > [data-action=replies]");
    const freshMore = fresh.querySelector(":scope > [data-action=replies]");
    if (freshMore && (!oldMore || oldMore.dataset.done === "1")) freshMore.remove();
    else if (oldMore && freshMore) freshMore.replaceWith(oldMore);
    node.replaceWith(fresh);
    return fresh;
  }

  function showComposer(page) {
    const refusal = page.refusal;
    const canComment = page.can_comment !== false;
    form.hidden = !canComment;
    refusalBox.hidden = canComment;
    refusalBox.replaceChildren();
    if (!canComment) {
      refusalBox.append((refusal && refusal.detail) || gettext("Comments are closed here."));
      if (refusal && refusal.code === "login_required") {
        const link = document.createElement("a");
        link.href = loginHref(config.loginUrl);
        link.textContent = gettext("Log in");
        refusalBox.append(" ", link);
      }
    }
  }

  async function load({ reset }) {
    if (!item) return;
    if (loading) loading.abort();
    const controller = new AbortController();
    loading = controller;
    const url = reset
      ? apiRoot + "videos/" + encodeURIComponent(videoId()) + "/comments?order=" + order
      : nextUrl;
    if (!url) return;
    if (reset) {
      list.replaceChildren();
      byId.clear();
      linkedId = null;
      more.hidden = true;
    }
    setStatus(gettext("Loading comments…"));
    more.disabled = true;
    try {
      const page = await api(url, { signal: controller.signal });
      if (loading !== controller) return;
      (page.results || []).forEach(function (comment) {
        if (comment.id !== linkedId) list.append(paint(comment));
      });
      nextUrl = sameOriginUrl(page.next);
      more.hidden = !nextUrl;
      if (reset) {
        setCount(page.comment_count);
        showComposer(page);
      }
      setStatus(list.children.length ? "" : gettext("No comments yet.") + (page.can_comment === false ? "" : " " + gettext("Be the first.")));
      if (reset && focusId) showLinked(focusId);
    } catch (error) {
      if (error && error.name === "AbortError") return;
      setStatus(error.detail || gettext("Couldn't load the comments. Please try again."));
    } finally {
      if (loading === controller) loading = null;
      more.disabled = false;
    }
  }

  // A notification's link (?comment=<id>#comments) names a comment or a reply: it is shown first, marked,
  // as it now stands (gone or hidden from this viewer: nothing is shown and the sheet reads as usual).
  async function showLinked(id) {
    focusId = null;
    let comment = null;
    try {
      comment = await api(commentUrl(id));
    } catch {
      return; // gone, or not one this viewer may see: the sheet reads as usual
    }
    if (!comment || comment.video !== videoId()) return;
    const shown = list.querySelector('[data-comment-id="' + String(comment.id) + '"]');
    if (shown) shown.remove();
    const node = paint(comment);
    node.classList.add("is-linked");
    const label = document.createElement("p");
    label.className = "comment-linked-label";
    label.textContent = comment.parent_id ? gettext("The reply you were sent to") : gettext("The comment you were sent to");
    node.prepend(label);
    linkedId = comment.id;
    list.prepend(node);
    setStatus("");
    node.scrollIntoView({ block: "nearest" });
  }

  function setOrder(next) {
    if (next === order) return;
    order = next;
    orderButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.order === order ? "true" : "false");
    });
    load({ reset: true });
  }

  function open(nextItem, openerButton, options = {}) {
    if (!nextItem) return;
    item = nextItem;
    opener = openerButton || null;
    focusId = options.focusId || null;
    linkedId = null;
    order = "top";
    orderButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.order === "top" ? "true" : "false");
    });
    cancelReply();
    composerError.hidden = true;
    form.hidden = true;
    refusalBox.hidden = true;
    setCount(typeof item.comment_count === "number" ? item.comment_count : null);
    if (!sheet.open) sheet.showModal();
    load({ reset: true });
  }

  // --- the composer ---

  function paintCounter() {
    const length = textBox.value.trim().length;
    counter.textContent = length + "/" + MAX_LENGTH;
    counter.classList.toggle("is-over", length > MAX_LENGTH);
  }

  function startReply(node, comment) {
    const author = comment.author && comment.author.handle ? "@" + comment.author.handle : (comment.author && comment.author.name) || gettext("this comment");
    replyTo = { id: comment.id, node };
    role(sheet, "replying-to").textContent = interpolate(gettext("Replying to %(author)s"), { author });
    replying.hidden = false;
    textBox.setAttribute("aria-label", interpolate(gettext("Reply to %(author)s"), { author }));
    if (!form.hidden) textBox.focus();
  }

  function cancelReply() {
    replyTo = null;
    replying.hidden = true;
    textBox.setAttribute("aria-label", gettext("Add a comment"));
  }

  async function submit(event) {
    event.preventDefault();
    if (!item) return;
    const submitButton = form.querySelector("[type=submit]");
    composerError.hidden = true;
    submitButton.disabled = true;
    const target = replyTo;
    try {
      const comment = await api(apiRoot + "videos/" + encodeURIComponent(videoId()) + "/comments", {
        method: "POST",
        body: { text: textBox.value, parent_id: target ? target.id : null },
        csrfScope: form,
      });
      textBox.value = "";
      paintCounter();
      const node = paint(comment);
      if (target && target.node.isConnected) {
        role(target.node, "replies").append(node);
      } else {
        const firstUnpinned = Array.from(list.children).find(function (child) { return !child.classList.contains("is-pinned"); });
        list.insertBefore(node, firstUnpinned || null);
      }
      setStatus("");
      cancelReply();
      node.scrollIntoView({ block: "nearest" });
      if (comment.state === "visible") changeCount(1);
      else toast(gettext("Your comment is waiting for review"));
    } catch (error) {
      // The text stays in the box: the person fixes it and sends again.
      if (error.code === "not_authenticated") {
        composerError.textContent = gettext("Log in to comment.");
      } else {
        composerError.textContent = error.detail || gettext("Couldn't post the comment. Please try again.");
      }
      composerError.hidden = false;
      textBox.focus();
    } finally {
      submitButton.disabled = false;
    }
  }

  // --- actions on a comment ---

  async function loadReplies(node, button) {
    const id = node.dataset.commentId;
    const url = button.dataset.next || commentUrl(id, "/replies");
    button.disabled = true;
    try {
      const page = await api(url);
      const box = role(node, "replies");
      const shown = new Set(Array.from(box.children).map(function (child) { return child.dataset.commentId; }));
      (page.results || []).forEach(function (reply) {
        if (!shown.has(String(reply.id))) box.append(paint(reply));
      });
      const next = sameOriginUrl(page.next);
      if (next) {
        button.dataset.next = next;
        button.textContent = gettext("More replies");
      } else {
        button.dataset.done = "1";
        button.remove();
      }
    } catch (error) {
      toast(error.detail || gettext("Couldn't load the replies."));
    } finally {
      button.disabled = false;
    }
  }

  function startEdit(node, comment) {
    const text = role(node, "comment-text");
    if (node.querySelector(".comments-edit")) return;
    const editor = document.createElement("form");
    editor.className = "comments-edit";
    const area = document.createElement("textarea");
    area.value = comment.text;
    area.setAttribute("aria-label", gettext("Edit your comment"));
    const error = document.createElement("p");
    error.className = "feed-error";
    error.setAttribute("role", "alert");
    error.hidden = true;
    const buttons = document.createElement("p");
    buttons.className = "actions";
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "button button-small";
    save.textContent = gettext("Save");
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button button-ghost button-small";
    cancel.textContent = gettext("Cancel");
    buttons.append(save, cancel);
    editor.append(area, error, buttons);
    text.hidden = true;
    text.after(editor);
    area.focus();
    cancel.addEventListener("click", function () {
      editor.remove();
      text.hidden = false;
    });
    editor.addEventListener("submit", async function (event) {
      event.preventDefault();
      save.disabled = true;
      try {
        const updated = await api(commentUrl(comment.id), { method: "PATCH", body: { text: area.value }, csrfScope: form });
        repaint(node, updated);
      } catch (problem) {
        error.textContent = problem.detail || gettext("Couldn't save the change.");
        error.hidden = false;
      } finally {
        save.disabled = false;
      }
    });
  }

  async function like(node, comment, button) {
    if (!config.isAuthenticated) {
      window.location.assign(loginHref(config.loginUrl));
      return;
    }
    const liked = button.getAttribute("aria-pressed") !== "true";
    button.disabled = true;
    try {
      const updated = await api(commentUrl(comment.id, "/like"), { method: liked ? "PUT" : "DELETE", csrfScope: form });
      byId.set(updated.id, updated);
      button.setAttribute("aria-pressed", updated.is_liked ? "true" : "false");
      button.textContent = likeLabel(updated);
      const author = button.getAttribute("aria-label").replace(/,.*$/, "");
      button.setAttribute("aria-label", author + ", " + interpolate(ngettext("%(count)s like", "%(count)s likes", updated.like_count), { count: updated.like_count }));
    } catch (error) {
      toast(error.detail || gettext("Couldn't like the comment."));
    } finally {
      button.disabled = false;
    }
  }

  async function remove(node, comment, button) {
    if (button.dataset.confirm !== "1") {
      // A second tap deletes: nothing is lost to a stray tap.
      button.dataset.confirm = "1";
      button.textContent = gettext("Tap again to delete");
      window.setTimeout(function () {
        if (button.isConnected) {
          button.dataset.confirm = "";
          button.textContent = gettext("Delete");
        }
      }, 4000);
      return;
    }
    button.disabled = true;
    try {
      await api(commentUrl(comment.id), { method: "DELETE", csrfScope: form });
      const hasReplies = role(node, "replies") && (comment.reply_count > 0 || role(node, "replies").children.length);
      if (hasReplies) {
        repaint(node, Object.assign({}, comment, { state: "deleted", text: "", author: null, can_edit: false, can_delete: false, is_pinned: false }));
      } else {
        node.remove();
      }
      if (comment.state === "visible") changeCount(-1);
      toast(gettext("Comment deleted"));
    } catch (error) {
      button.disabled = false;
      toast(error.detail || gettext("Couldn't delete the comment."));
    }
  }

  async function creatorAction(node, comment, action, button) {
    const isOn = action === "pin" || action === "hide";
    const path = action === "pin" || action === "unpin" ? "/pin" : "/hide";
    button.disabled = true;
    try {
      const updated = await api(commentUrl(comment.id, path), { method: isOn ? "PUT" : "DELETE", csrfScope: form });
      if (path === "/pin") {
        load({ reset: true }); // the pinned comment leads the first page
        toast(isOn ? gettext("Comment pinned") : gettext("Comment unpinned"));
      } else {
        repaint(node, updated);
        changeCount(isOn ? -1 : 1);
        toast(isOn ? gettext("Comment hidden") : gettext("Comment shown again"));
      }
    } catch (error) {
      button.disabled = false;
      toast(error.detail || gettext("Couldn't change the comment."));
    }
  }

  // --- the report dialog ---

  let reportedId = null;
  const reportForm = reportDialog ? role(reportDialog, "comment-report-form") : null;

  function openReport(comment) {
    if (!reportDialog) return;
    reportedId = comment.id;
    reportForm.reset();
    reportForm.hidden = false;
    role(reportDialog, "comment-report-done").hidden = true;
    role(reportDialog, "comment-report-error").hidden = true;
    reportDialog.showModal();
  }

  async function sendReport(event) {
    event.preventDefault();
    const reason = reportForm.querySelector("input[name=reason]:checked");
    const error = role(reportDialog, "comment-report-error");
    if (!reason || reportedId == null) {
      error.textContent = gettext("Choose what is wrong with the comment.");
      error.hidden = false;
      return;
    }
    const send = reportForm.querySelector("[type=submit]");
    send.disabled = true;
    error.hidden = true;
    try {
      await api(commentUrl(reportedId, "/report"), {
        method: "POST",
        body: { reason: reason.value, detail: reportForm.elements.detail.value.trim() },
        csrfScope: reportForm,
      });
      reportForm.hidden = true;
      const done = role(reportDialog, "comment-report-done");
      done.hidden = false;
      done.querySelector("button").focus();
    } catch (problem) {
      error.textContent = problem.code === "not_authenticated" ? gettext("Please log in again to report.") : problem.detail;
      error.hidden = false;
    } finally {
      send.disabled = false;
    }
  }

  if (reportDialog) {
    reportForm.addEventListener("submit", sendReport);
    reportDialog.querySelectorAll("[data-role=comment-report-cancel]").forEach(function (button) {
      button.addEventListener("click", function () { reportDialog.close(); });
    });
  }

  // --- wiring ---

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const node = button.closest("li.comment");
    const comment = node && byId.get(Number(node.dataset.commentId));
    if (!comment) return;
    const action = button.dataset.action;
    if (action === "like") like(node, comment, button);
    else if (action === "reply") startReply(node, comment);
    else if (action === "replies") loadReplies(node, button);
    else if (action === "edit") startEdit(node, comment);
    else if (action === "delete") remove(node, comment, button);
    else if (action === "report") openReport(comment);
    else if (["pin", "unpin", "hide", "unhide"].includes(action)) creatorAction(node, comment, action, button);
  });
  orderButtons.forEach(function (button) {
    button.addEventListener("click", function () { setOrder(button.dataset.order); });
  });
  more.addEventListener("click", function () { load({ reset: false }); });
  form.addEventListener("submit", submit);
  textBox.addEventListener("input", paintCounter);
  textBox.addEventListener("keydown", function (event) {
    // Enter with Ctrl or ⌘ sends, as in most chat boxes; Enter alone is a new line.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  role(sheet, "reply-cancel").addEventListener("click", function () {
    cancelReply();
    textBox.focus();
  });
  role(sheet, "comments-close").addEventListener("click", function () { sheet.close(); });
  sheet.addEventListener("click", function (event) {
    if (event.target === sheet) {
      const box = sheet.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) sheet.close();
    }
  });
  sheet.addEventListener("close", function () {
    if (loading) loading.abort();
    if (opener && opener.isConnected) opener.focus();
  });
  paintCounter();

  return { open };
}
