// Viewers whose system asks for less motion: a video they move to waits, paused on its poster, until
// they play it (Space or a tap); nothing starts moving by itself.

export function prefersReducedMotion() {
  return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
}

// The player as the pager sees it: starting a video under reduced motion leaves it paused, as if the
// viewer had paused it, so that Space or a tap plays it.
export function withoutAutoplay(player) {
  return Object.assign({}, player, {
    start: function (item, slide) {
      player.start(item, slide);
      if (!prefersReducedMotion()) return;
      const view = player.current();
      if (view && view.el && !view.el.paused) player.togglePause();
    },
  });
}
