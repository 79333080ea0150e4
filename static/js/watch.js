// The fallback watch page: a video with an HLS ladder plays it through the feed's player module
// (hls.js where Media Source Extensions exist, the browser's HLS elsewhere, the MP4 if neither works).
import { attachStream } from "./feed/stream.js";

const el = document.querySelector("[data-watch-player]");
if (el && el.dataset.stream) {
  const startUrls = (el.dataset.streamStart || "").split(" ").filter(Boolean);
  attachStream(el, { streamUrl: el.dataset.stream, fileUrl: el.dataset.file, startUrls }).then(function (hls) {
    // The page's own controls have a captions menu: let hls.js show what it picks there.
    if (hls) hls.subtitleDisplay = true;
  });
}
