// A caption's hashtags as links to their pages, built as DOM nodes: text goes in as text nodes, never HTML.

// The pattern the server stores hashtags by (word characters after '#', at most 50).
const HASHTAG = /#([\p{L}\p{N}_]{1,50})/gu;

export function tagHref(name) {
  return "/tag/" + encodeURIComponent(String(name).toLowerCase());
}

export function tagLink(name) {
  const link = document.createElement("a");
  link.className = "hashtag";
  link.href = tagHref(name);
  link.textContent = "#" + name;
  return link;
}

// Fill `element` with `text`, each #hashtag in it a link to the hashtag's page.
export function fillCaption(element, text) {
  const nodes = [];
  let end = 0;
  for (const match of String(text || "").matchAll(HASHTAG)) {
    if (match.index > end) nodes.push(document.createTextNode(text.slice(end, match.index)));
    nodes.push(tagLink(match[1]));
    end = match.index + match[0].length;
  }
  if (end < String(text || "").length) nodes.push(document.createTextNode(text.slice(end)));
  element.replaceChildren(...nodes);
}
