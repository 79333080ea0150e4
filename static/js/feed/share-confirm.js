// "Share anyway?": a video labelled as containing unverified claims is shared only after the viewer says yes.
// Resolves true for yes; the share (and its signal) happens only then.

export function confirmShare(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(false);
  return new Promise(function (resolve) {
    dialog.returnValue = "";
    dialog.addEventListener("close", function () { resolve(dialog.returnValue === "share"); }, { once: true });
    dialog.showModal();
  });
}
