// The feed's list of videos and its paging, without the DOM: which videos show (and show again), the
// slides around the current one, and fetching pages until one brings something new.
export const PRELOAD_AHEAD = 3; // fetch the next page when this few videos are left
export const PAGE_ROUNDS = 3; // pages fetched in a row when each holds only videos already shown

// `follows` (handle in lower case -> "approved" | "pending" | null) learns each new creator's state.
export function createFeedList({ follows }) {
  const items = [];
  const shownCount = new Map(); // video id -> how many times it is in the list
  const notForMe = new Set(); // creators (handle in lower case) the viewer said "not for me" to here

  function creatorOf(item) {
    return item.creator && item.creator.handle ? item.creator.handle.toLowerCase() : "";
  }

  // A video shows once, unless the server sends it again on purpose (For You, once everything has been
  // seen, brings back the best matches seen longest ago); each showing gets a slide key of its own.
  function add(list) {
    let added = 0;
    (Array.isArray(list) ? list : []).forEach(function (item) {
      if (!item || !item.video || !item.video.id) return;
      if (notForMe.has(creatorOf(item))) return;
      const shown = shownCount.get(item.video.id) || 0;
      if (shown && !item.is_repeat) return;
      shownCount.set(item.video.id, shown + 1);
      item.slideKey = "v:" + item.video.id + (shown ? "#" + shown : "");
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

  // The videos, plus the "that's all" slide once the feed is done.
  function slideCount(isDone) {
    return items.length + (isDone && items.length ? 1 : 0);
  }

  function keyAt(position) {
    return position < items.length ? items[position].slideKey : "end";
  }

  // The slides kept in the DOM: the current one and its neighbours (slide key -> position).
  function around(index, isDone) {
    const wanted = new Map();
    for (let position = index - 1; position <= index + 1; position++) {
      if (position >= 0 && position < slideCount(isDone)) wanted.set(keyAt(position), position);
    }
    return wanted;
  }

  function isNearEnd(index) {
    return items.length - 1 - index <= PRELOAD_AHEAD;
  }

  // "Not for me": the creator's videos from `from` on (fetched, not yet shown) leave the list, and
  // pages still to come bring none of theirs (one fetched before the server knew would). Returns how
  // many left.
  function dropCreator(handle, from) {
    const creator = String(handle || "").toLowerCase();
    if (!creator) return 0;
    notForMe.add(creator);
    let dropped = 0;
    for (let position = items.length - 1; position >= Math.max(0, from); position--) {
      if (creatorOf(items[position]) === creator) {
        items.splice(position, 1);
        dropped += 1;
      }
    }
    return dropped;
  }

  return { items, add, slideCount, keyAt, around, isNearEnd, dropCreator };
}

// Fetches pages from `url` until one adds a video, at most `rounds` of them. `get(url)` resolves to a
// page ({results, next}); `onPage(page)` true stops at once (the screen-time limit); `follow(next)`
// turns a page's `next` into a URL we may fetch ("" for none); `ready`, when given, is awaited before
// the first request (a "not for me" on its way to the server). Resolves with what was added, the next
// page's URL, whether any page was taken and whether `onPage` stopped it.
export async function fetchPages({ url, get, add, onPage, follow, rounds = PAGE_ROUNDS, ready }) {
  if (ready) await ready;
  let added = 0;
  let next = url;
  let fetched = false;
  let stopped = false;
  for (let round = 0; next && added === 0 && round < rounds; round++) {
    const page = await get(next);
    if (onPage && onPage(page)) {
      stopped = true;
      break;
    }
    fetched = true;
    added += add(page.results);
    next = follow(page.next);
  }
  return { added, next, fetched, stopped };
}

// `promise` settled (either way) or `ms` passed, whichever comes first: never wait on the network for long.
export function settledWithin(promise, ms) {
  return Promise.race([
    Promise.resolve(promise).catch(function () {}),
    new Promise(function (resolve) { setTimeout(resolve, ms); }),
  ]);
}
