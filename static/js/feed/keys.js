// The feed without a mouse: arrow keys, PageUp/PageDown (and J/K) move one video, Space pauses, M
// toggles the sound, C the captions. Keys typed into a field, or pressed while a dialog is open, are left alone.

// `isBusy()` is true while a dialog is open: it then owns the keys.
export function attachKeys({ stage, pager, player, captions, isBusy }) {
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (stage.hidden || isBusy()) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable=true], details[open]")) return;
    const onControl = target.closest && target.closest("button, a, summary");
    switch (event.key) {
      case "ArrowDown": case "PageDown": case "j": case "J":
        event.preventDefault();
        pager.step(1);
        break;
      case "ArrowUp": case "PageUp": case "k": case "K":
        event.preventDefault();
        pager.step(-1);
        break;
      case " ":
        if (onControl) return; // space presses the focused button
        event.preventDefault();
        player.togglePause();
        break;
      case "m": case "M":
        player.toggleSound();
        break;
      case "c": case "C":
        if (captions) captions.toggle();
        break;
      default:
    }
  });
}
