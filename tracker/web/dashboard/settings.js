// Program settings: commission rules, attribution window and lifetime, hold, loyalty bonus and
// segment thresholds, saved with PATCH (a JSON merge patch: blank secrets keep the stored
// ones). The API's validation error appears next to the field it names.

import { h, mount, notice, showFieldError } from "/shared/dom.js";
import { timestamp } from "/shared/format.js";

const rules = [["first_sale", "First sale"], ["repeat_sale", "Repeat sale"], ["upsell", "Upsell"], ["lead", "Lead"]];

export async function renderSettings(ctx, root) {
  const path = `/programs/${encodeURIComponent(ctx.program.id)}`;
  const program = await ctx.api.get(path);
  const c = program.commission;
  const input = (field, label, value, attributes = {}) => h("div", { class: "field" },
    h("label", { for: `f-${field}` }, label),
    h("input", { id: `f-${field}`, name: field, value: value ?? "", dataset: { field }, ...attributes }));
  const form = h("form", { class: "card", id: "settings-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      showFieldError(form, null);
      const saved = await ctx.api.patch(path, patchFrom(form));
      ctx.program = saved;
      ctx.programs = ctx.programs.map((p) => (p.id === saved.id ? saved : p));
      form.querySelector(".form-status").replaceChildren(notice("ok", `Saved at ${timestamp(saved.updated_at)}.`));
    } catch (error) {
      showFieldError(form, error);
    }
  } },
  h("fieldset", null, h("legend", null, "Program"),
    h("div", { class: "formgrid" },
      input("name", "Name", program.name),
      h("div", { class: "field" }, h("label", null, "Currency"), h("p", { class: "mono" }, program.currency)),
      h("div", { class: "field" }, h("label", { for: "f-allowed_hosts" }, "Allowed hosts (one per line)"),
        h("textarea", { id: "f-allowed_hosts", name: "allowed_hosts", rows: 3, dataset: { field: "allowed_hosts" } }, program.allowed_hosts.join("\n"))),
      h("div", { class: "field" }, h("label", { for: "f-pixel" }, "Pixel"),
        h("select", { id: "f-pixel", name: "pixel", dataset: { field: "pixel" } },
          h("option", { value: "true", selected: program.pixel }, "accepted"), h("option", { value: "false", selected: !program.pixel }, "refused"))))),
  h("fieldset", null, h("legend", null, "Attribution"),
    h("div", { class: "formgrid" },
      input("attribution.window", "Window (e.g. 720h)", program.attribution.window),
      h("div", { class: "field" }, h("label", { for: "f-attribution.model" }, "Model"),
        h("select", { id: "f-attribution.model", name: "attribution.model", dataset: { field: "attribution.model" } },
          ["last_click", "first_click"].map((m) => h("option", { value: m, selected: program.attribution.model === m }, m)))),
      input("attribution.lifetime", "Lifetime (0: forever)", program.attribution.lifetime))),
  h("fieldset", null, h("legend", null, "Commission"),
    h("div", { class: "formgrid" }, rules.flatMap(([kind, label]) => [
      input(`commission.${kind}.percent`, `${label}: percent`, c[kind]?.percent, { inputmode: "decimal" }),
      input(`commission.${kind}.fixed`, `${label}: fixed (${program.currency})`, c[kind]?.fixed, { inputmode: "decimal" }),
    ])),
    h("div", { class: "formgrid" },
      input("commission.hold", "Hold (e.g. 720h)", c.hold),
      input("commission.loyalty_bonus.ltv_over", `Loyalty bonus: when LTV passes (${program.currency})`, c.loyalty_bonus?.ltv_over, { inputmode: "decimal" }),
      input("commission.loyalty_bonus.amount", `Loyalty bonus: amount (${program.currency})`, c.loyalty_bonus?.amount, { inputmode: "decimal" }))),
  h("fieldset", null, h("legend", null, "Segments"),
    h("div", { class: "formgrid" },
      input("segments.window_days", "Segment window (days)", program.segments.window_days, { inputmode: "numeric" }),
      input("segments.newcomer_days", "Newcomer: joined less than (days)", program.segments.newcomer_days, { inputmode: "numeric" }),
      input("segments.star_days", "Star: joined at least (days)", program.segments.star_days, { inputmode: "numeric" }),
      input("segments.star_share_percent", "Star: share of window revenue (%)", program.segments.star_share_percent, { inputmode: "decimal" }),
      input("segments.dormant_days", "Dormant: joined at least (days)", program.segments.dormant_days, { inputmode: "numeric" }))),
  h("fieldset", null, h("legend", null, "Secrets (blank: keep)"),
    h("div", { class: "formgrid" },
      input("postback_secret", `Postback secret (${program.postback_secret_set ? "set" : "not set"})`, "", { type: "password", autocomplete: "new-password" }),
      input("stripe_webhook_secret", `Stripe webhook secret (${program.stripe_webhook_secret_set ? "set" : "not set"})`, "", { type: "password", autocomplete: "new-password" }))),
  h("button", { type: "submit", class: "primary" }, "Save settings"),
  h("div", { class: "form-status" }));
  mount(root, h("h1", null, `${program.name} · settings`), form);
}

// The form as a merge patch: blank rules and bonus are removed (null), blank secrets left out.
function patchFrom(form) {
  const value = (name) => form.elements[name].value.trim();
  const optional = (name) => value(name) || null;
  const days = (name) => (/^\d+$/.test(value(name)) ? Number(value(name)) : value(name));
  const rule = (kind) => {
    const percent = optional(`commission.${kind}.percent`);
    const fixed = optional(`commission.${kind}.fixed`);
    return percent || fixed ? { percent, fixed } : null;
  };
  const ltvOver = optional("commission.loyalty_bonus.ltv_over");
  const amount = optional("commission.loyalty_bonus.amount");
  const patch = {
    name: value("name"),
    allowed_hosts: value("allowed_hosts").split("\n").map((s) => s.trim()).filter(Boolean),
    pixel: value("pixel") === "true",
    attribution: { window: value("attribution.window"), model: value("attribution.model"), lifetime: value("attribution.lifetime") },
    commission: {
      ...Object.fromEntries(rules.map(([kind]) => [kind, rule(kind)])),
      hold: value("commission.hold"),
      loyalty_bonus: ltvOver || amount ? { ltv_over: ltvOver, amount } : null,
    },
    segments: Object.fromEntries(["window_days", "newcomer_days", "star_days", "dormant_days"]
      .map((k) => [k, days(`segments.${k}`)]).concat([["star_share_percent", value("segments.star_share_percent")]])),
  };
  for (const secret of ["postback_secret", "stripe_webhook_secret"]) {
    if (value(secret)) patch[secret] = value(secret);
  }
  return patch;
}
