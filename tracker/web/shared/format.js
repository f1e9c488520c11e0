// How figures read. The API sends money and percentages as decimal strings; they are shown
// rounded as the locale writes them, and kept exact in data-value for whoever reads the page.

const moneyFormats = new Map();

export function money(decimal, currency) {
  if (decimal === null || decimal === undefined) return "–";
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    moneyFormats.set(currency, format);
  }
  return format.format(Number(decimal));
}

export function count(value) {
  return value === null || value === undefined ? "–" : Number(value).toLocaleString("en-US");
}

export function percent(decimal) {
  return decimal === null || decimal === undefined ? "–" : `${decimal} %`;
}

// "2026-12-03T12:11:46.082Z" -> "2026-12-03 12:11 UTC"
export function timestamp(text) {
  return text ? `${text.slice(0, 10)} ${text.slice(11, 16)} UTC` : "–";
}

export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

// The `days` days ending today (UTC), as {from, to}.
export function lastDays(days) {
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86400000);
  return { from: isoDay(from), to: isoDay(to) };
}
