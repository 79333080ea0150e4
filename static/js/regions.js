// Fills the region suggestions for the chosen country; the form works without it.
import { api } from "./api.js";

const form = document.querySelector("[data-region-form]");
const country = form && form.querySelector("select[name=country]");
const list = document.getElementById("region-options");

async function refresh() {
  list.replaceChildren();
  if (!country.value) return;
  let regions;
  try {
    regions = await api(`/api/v1/regions?country=${encodeURIComponent(country.value)}`);
  } catch {
    return; // no suggestions: the field still takes any text
  }
  for (const region of regions || []) {
    const option = document.createElement("option");
    option.value = region.code;
    option.textContent = region.name;
    list.append(option);
  }
}

if (country && list) {
  country.addEventListener("change", refresh);
  if (country.value && !list.children.length) refresh();
}
