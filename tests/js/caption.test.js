// fillCaption(): a caption's hashtags become links, everything else stays text nodes (never markup).
import assert from "node:assert/strict";
import { test } from "node:test";

// Just enough of a document: the module only creates text nodes and anchors.
globalThis.document = {
  createTextNode: (text) => ({ kind: "text", text }),
  createElement: (tag) => ({ kind: tag, className: "", href: "", textContent: "" }),
};
const { fillCaption, tagHref } = await import("../../static/js/feed/caption.js");

function filled(text) {
  const element = { replaceChildren(...nodes) { this.nodes = nodes; } };
  fillCaption(element, text);
  return element.nodes.map((node) => (node.kind === "text" ? node.text : `[${node.textContent} -> ${node.href}]`));
}

test("each hashtag links to its page, lower-case", () => {
  assert.deepEqual(filled("Brezn in #München with #Bread_2!"), [
    "Brezn in ", "[#München -> /tag/m%C3%BCnchen]", " with ", "[#Bread_2 -> /tag/bread_2]", "!",
  ]);
});

test("markup in a caption stays text", () => {
  assert.deepEqual(filled('#"><img src=x onerror=alert(1)> <script>x</script>'), [
    '#"><img src=x onerror=alert(1)> <script>x</script>',
  ]);
  assert.deepEqual(filled('#a"><img onerror=1>'), ["[#a -> /tag/a]", '"><img onerror=1>']);
});

test("no caption, no nodes", () => {
  assert.deepEqual(filled(""), []);
  assert.equal(tagHref("A/B"), "/tag/a%2Fb");
});
