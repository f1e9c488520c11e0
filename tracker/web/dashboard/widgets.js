// Pieces several dashboard views share: the date range bar and the segment badge.

import { h, notice } from "/shared/dom.js";
import { lastDays } from "/shared/format.js";

// From/to inputs and presets for ctx.range (YYYY-MM-DD, UTC). A new range redraws the view
// with `redraw()`; if that fails (the API refuses the range), the view stays as it was, the
// range too, and the API's reason shows under the bar.
export function rangeBar(ctx, redraw) {
  const from = h("input", { type: "date", id: "from", value: ctx.range.from, "aria-label": "From" });
  const to = h("input", { type: "date", id: "to", value: ctx.range.to, "aria-label": "To" });
  const status = h("div", { class: "form-status" });
  const apply = async (range) => {
    const previous = ctx.range;
    ctx.range = range;
    try {
      await redraw();
    } catch (error) {
      ctx.range = previous;
      status.replaceChildren(notice("error", error.message));
    }
  };
  const preset = (days) => h("button", { type: "button", onclick: () => apply(lastDays(days)) }, `${days} days`);
  return h("form", { class: "row range", onsubmit: (event) => {
    event.preventDefault();
    apply({ from: from.value, to: to.value });
  } },
  h("div", null, h("label", { for: "from" }, "From"), from),
  h("div", null, h("label", { for: "to" }, "To"), to),
  h("button", { type: "submit" }, "Show"),
  preset(30), preset(90), preset(365),
  status);
}

export function segmentBadge(segment) {
  return h("span", { class: `badge ${segment}` }, segment);
}
