// Our modules' translations. Django's JavaScriptCatalog (/jsi18n/, loaded by base.html before any module)
// defines globalThis.django with the request language's strings; where it is absent (Node's unit tests,
// a page without base.html) every string stays as written. Mark strings with these names so that
// `make messages` (xgettext) finds them: gettext("…"), ngettext("…", "…", n), pgettext("context", "…").

const catalog = () => globalThis.django;

export function gettext(text) {
  return catalog()?.gettext ? catalog().gettext(text) : text;
}

export function ngettext(singular, plural, count) {
  if (catalog()?.ngettext) return catalog().ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

export function pgettext(context, text) {
  return catalog()?.pgettext ? catalog().pgettext(context, text) : text;
}

// Fills %(name)s placeholders from an object (Django's named interpolation), e.g.
// interpolate(ngettext("%(count)s view", "%(count)s views", n), { count: formatNumber(n) }).
export function interpolate(format, values) {
  return format.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
}

// The page's language (<html lang>), for Intl's number and date formats: 4,166 in English, 4.166 in German.
export function language() {
  return globalThis.document?.documentElement?.lang || "en";
}

export function formatNumber(value) {
  return new Intl.NumberFormat(language()).format(value);
}
