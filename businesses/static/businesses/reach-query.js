// The reach estimate's query from the new-promotion form's fields: exact cents, and the budget type.

// "12.5" or "12.50" -> 1250, in exact integer cents (never through a float); null when not a price.
export function cents(text) {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
}

// The estimate API's query for the form as filled in, or null while the budget or the days are not numbers.
export function query(data) {
  const budget = cents(String(data.get("budget") || ""));
  const days = String(data.get("duration_days") || "").trim();
  if (budget === null || !/^\d{1,3}$/.test(days)) return null;
  const params = new URLSearchParams({
    audience: String(data.get("audience") || "automatic"),
    budget_cents: String(budget),
    budget_per: String(data.get("budget_per") || "total"),
    duration_days: days,
  });
  for (const code of String(data.get("regions") || "").split(",")) {
    if (code.trim()) params.append("regions", code.trim());
  }
  for (const slug of data.getAll("topics")) params.append("topics", String(slug));
  for (const band of data.getAll("age_bands")) params.append("age_bands", String(band));
  return params;
}

