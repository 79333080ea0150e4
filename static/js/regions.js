// Fills the region suggestions for the chosen country; the form works without it.
(function () {
  "use strict";
  const form = document.querySelector("[data-region-form]");
  if (!form) return;
  const country = form.querySelector("select[name=country]");
  const list = document.getElementById("region-options");
  if (!country || !list) return;
  async function refresh() {
    list.replaceChildren();
    if (!country.value) return;
    const response = await fetch(`/api/v1/regions?country=${encodeURIComponent(country.value)}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    for (const region of await response.json()) {
      const option = document.createElement("option");
      option.value = region.code;
      option.textContent = region.name;
      list.append(option);
    }
  }
  country.addEventListener("change", refresh);
  if (country.value && !list.children.length) refresh();
})();
