// Pieces several dashboard views share: the date range bar and the segment badge.

import { h } from "/shared/dom.js";
import { lastDays } from "/shared/format.js";

// From/to inputs and presets; calls onChange(range) with {from, to} (YYYY-MM-DD, UTC).
export function rangeBar(range, onChange) {
  const from = h("input", { type: "date", id: "from", value: range.from, "aria-label": "From" });
  const to = h("input", { type: "date", id: "to", value: range.to, "aria-label": "To" });
  const preset = (days) => h("button", { type: "button", onclick: () => onChange(lastDays(days)) }, `${days} days`);
  return h("form", { class: "row range", onsubmit: (event) => {
    event.preventDefault();
    onChange({ from: from.value, to: to.value });
  } },
  h("div", null, h("label", { for: "from" }, "From"), from),
  h("div", null, h("label", { for: "to" }, "To"), to),
  h("button", { type: "submit" }, "Show"),
  preset(30), preset(90), preset(365));
}

export function segmentBadge(segment) {
  return h("span", { class: `badge ${segment}` }, segment);
}
