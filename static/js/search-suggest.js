// The header's search box works as a plain form (Enter opens /search); this adds suggestions as one types:
// hashtags, creators and topics that begin with the text, from /api/v1/search/suggest, each a link.
import { gettext } from "./i18n.js";

const form = document.querySelector("[data-search-box]");

if (form) {
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector("[role=listbox]");
  const url = input.dataset.suggestUrl;
  const kinds = { hashtag: gettext("Hashtag"), creator: gettext("Creator"), topic: gettext("Topic") };
  let timer = 0;
  let asked = "";
  let controller = null;

  const close = function () {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
  };

  const show = function (results) {
    list.replaceChildren(
      ...results.map(function (item, index) {
        const row = document.createElement("li");
        const link = document.createElement("a");
        link.href = item.url;
        link.id = "topsearch-option-" + index;
        link.setAttribute("role", "option");
        const kind = document.createElement("span");
        kind.className = "topsearch-kind";
        kind.textContent = kinds[item.kind] || "";
        const label = document.createElement("span");
        label.textContent = item.label; // text, never HTML: labels are what people typed
        link.append(kind, label);
        row.append(link);
        return row;
      }),
    );
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(results.length > 0));
  };

  const ask = async function () {
    const text = input.value.trim();
    if (text.length < 2) return close();
    if (text === asked) return;
    asked = text;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(url + "?" + new URLSearchParams({ q: text }), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return close();
      const body = await response.json();
      if (input.value.trim() === text) show(body.results || []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });

  input.addEventListener("keydown", function (event) {
    const options = [...list.querySelectorAll("a")];
    const current = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "Escape") {
      asked = "";
      return close();
    }
    if (list.hidden || !options.length || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) {
      if (event.key === "Enter" && current >= 0) {
        event.preventDefault();
        options[current].click();
      }
      return;
    }
    event.preventDefault();
    const next = (current + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
    options.forEach((option, index) => option.setAttribute("aria-selected", String(index === next)));
    input.setAttribute("aria-activedescendant", options[next].id);
  });

  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
}
