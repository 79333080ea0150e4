// The feed's list and paging: shown-once videos, deliberate repeats, follows, the slide window, pages.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PRELOAD_AHEAD, createFeedList, fetchPages } from "../../static/js/feed/feed-list.js";

const item = (id, extra = {}) => ({ video: { id }, creator: { handle: "Cleo" }, source: "for_you", ...extra });

test("a video shows once unless the server repeats it on purpose, each showing with its own key", () => {
  const list = createFeedList({ follows: new Map() });
  assert.equal(list.add([item("a"), item("b"), item("a"), null, { video: {} }]), 2);
  assert.equal(list.add([item("a", { is_repeat: true })]), 1);
  assert.deepEqual(list.items.map((each) => each.slideKey), ["v:a", "v:b", "v:a#1"]);
});

test("a creator's follow state is learnt once, from the item or from the Following feed", () => {
  const follows = new Map();
  const list = createFeedList({ follows });
  list.add([
    item("a", { creator: { handle: "Cleo", follow_status: "pending" } }),
    item("b", { creator: { handle: "cleo", is_following: true } }),
    item("c", { creator: { handle: "Dan" }, source: "following" }),
    item("d", { creator: { handle: "Eve" } }),
  ]);
  assert.deepEqual(Object.fromEntries(follows), { cleo: "pending", dan: "approved", eve: null });
});

test("the DOM keeps the current slide and its neighbours, and the end slide once the feed is done", () => {
  const list = createFeedList({ follows: new Map() });
  list.add([item("a"), item("b"), item("c")]);
  assert.deepEqual([...list.around(0, false)], [["v:a", 0], ["v:b", 1]]);
  assert.deepEqual([...list.around(2, false)], [["v:b", 1], ["v:c", 2]]);
  assert.deepEqual([...list.around(2, true)], [["v:b", 1], ["v:c", 2], ["end", 3]]);
  assert.equal(list.slideCount(true), 4);
  assert.equal(createFeedList({ follows: new Map() }).slideCount(true), 0);
});

test("the next page is fetched when few videos are left", () => {
  const list = createFeedList({ follows: new Map() });
  list.add(Array.from({ length: 10 }, (_, i) => item("v" + i)));
  assert.equal(list.isNearEnd(9 - PRELOAD_AHEAD - 1), false);
  assert.equal(list.isNearEnd(9 - PRELOAD_AHEAD), true);
});

function pages(map) {
  const asked = [];
  return { asked, get: async (url) => { asked.push(url); return map[url]; } };
}

test("pages of only videos already shown are skipped, at most three in a row", async () => {
  const list = createFeedList({ follows: new Map() });
  list.add([item("a")]);
  const { asked, get } = pages({
    "/p1": { results: [item("a")], next: "/p2" },
    "/p2": { results: [item("a")], next: "/p3" },
    "/p3": { results: [item("a")], next: "/p4" },
  });
  const got = await fetchPages({ url: "/p1", get, add: list.add, follow: (next) => next || "" });
  assert.deepEqual(asked, ["/p1", "/p2", "/p3"]);
  assert.deepEqual(got, { added: 0, next: "/p4", fetched: true, stopped: false });
});

test("paging stops at the first page that adds a video, and at the last page", async () => {
  const list = createFeedList({ follows: new Map() });
  const { asked, get } = pages({ "/p1": { results: [item("a")], next: null } });
  const got = await fetchPages({ url: "/p1", get, add: list.add, follow: (next) => next || "" });
  assert.deepEqual(asked, ["/p1"]);
  assert.deepEqual(got, { added: 1, next: "", fetched: true, stopped: false });
});

test("a page at the screen-time limit stops paging and adds nothing", async () => {
  const list = createFeedList({ follows: new Map() });
  const { get } = pages({ "/p1": { results: [item("a")], next: "/p2", screen_time: { locked: true } } });
  const got = await fetchPages({
    url: "/p1", get, add: list.add, follow: (next) => next || "",
    onPage: (page) => Boolean(page.screen_time && page.screen_time.locked),
  });
  assert.deepEqual(got, { added: 0, next: "/p1", fetched: false, stopped: true });
  assert.equal(list.items.length, 0);
});

test("a next link the pager may not follow ends the paging", async () => {
  const list = createFeedList({ follows: new Map() });
  const { asked, get } = pages({ "/p1": { results: [item("a")], next: "https://elsewhere.example/p2" } });
  const sameSite = (next) => (next && next.startsWith("/") ? next : "");
  const got = await fetchPages({ url: "/p1", get, add: list.add, follow: sameSite });
  assert.deepEqual(asked, ["/p1"]);
  assert.equal(got.next, "");
});
