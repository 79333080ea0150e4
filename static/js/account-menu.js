// The header's account menu is a <details>: it works without JavaScript; this closes it on a click
// elsewhere, when the keyboard's focus leaves it, and on Escape (then focus goes back to its button),
// as a menu is expected to.
const menu = document.querySelector("[data-account-menu]");

if (menu) {
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  menu.addEventListener("focusout", function (event) {
    if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
}
