// One partner: figures, cohort LTV, links (create, copy, disable, change destination), the
// partner's portal tokens, the ledger with its rules, and postback deliveries.

import { h, mount, notice, showFieldError } from "/shared/dom.js";
import { timestamp } from "/shared/format.js";
import { cohortSection, deliveriesSection, figureTiles, ledgerSection } from "/shared/reports.js";
import { rangeBar } from "./widgets.js";

export async function renderPartner(ctx, root, partnerId) {
  const program = `/programs/${encodeURIComponent(ctx.program.id)}`;
  const base = `${program}/partners/${encodeURIComponent(partnerId)}`;
  const retry = async (delivery) => {
    await ctx.api.post(`${base}/postbacks/${encodeURIComponent(delivery.delivery_id)}/retry`);
    await renderPartner(ctx, root, partnerId);
  };
  const [partner, stats, cohorts, deliveries] = await Promise.all([
    ctx.api.get(base), ctx.api.get(`${base}/stats`, ctx.range),
    cohortSection(ctx.api, base), deliveriesSection(ctx.api, base, retry)]);
  mount(root,
    h("p", null, h("a", { href: "#/partners" }, "← Partners")),
    h("div", { class: "row" },
      h("div", { class: "grow" }, h("h1", { id: "partner-name" }, partner.name || partner.id),
        h("p", { class: "hint" }, `${partner.id} · ${partner.email || "no email"} · joined ${timestamp(partner.joined_at)}`)),
      rangeBar(ctx, () => renderPartner(ctx, root, partnerId))),
    figureTiles(stats),
    cohorts,
    linksSection(ctx, program, base, partner.id),
    tokensSection(ctx, base),
    ledgerSection(ctx.api, base),
    deliveries);
}

function linksSection(ctx, program, base, partnerId) {
  const list = h("tbody");
  const status = h("div", { class: "form-status" });
  const load = async () => {
    const { links } = await ctx.api.get(`${base}/links`);
    list.replaceChildren(...links.map((link) => linkRow(ctx, program, link, load, status)));
  };
  const form = h("form", { id: "new-link", class: "row", onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      showFieldError(form, null);
      const link = await ctx.api.post(`${program}/links`, { partner_id: partnerId,
        destination: data.get("destination"), code: data.get("code") || undefined });
      form.reset();
      form.querySelector(".form-status").replaceChildren(notice("ok", `Created ${link.url}`));
      await load();
    } catch (error) {
      showFieldError(form, error);
    }
  } },
  h("div", { class: "field grow" }, h("label", { for: "link-destination" }, "Destination"),
    h("input", { id: "link-destination", name: "destination", type: "url", required: true,
      placeholder: "https://shop.example.com/pricing", dataset: { field: "destination" } })),
  h("div", { class: "field" }, h("label", { for: "link-code" }, "Code (optional)"),
    h("input", { id: "link-code", name: "code", dataset: { field: "code" } })),
  h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Create link")),
  h("div", { class: "form-status" }));
  load().catch((error) => status.replaceChildren(notice("error", error.message)));
  return h("section", { class: "card scroll", id: "links" }, h("h2", null, "Links"), form,
    h("table", null, h("thead", null, h("tr", null, ["Link", "Destination", "State", ""].map((l) => h("th", null, l)))), list), status);
}

function linkRow(ctx, program, link, reload, status) {
  const path = `${program}/links/${encodeURIComponent(link.code)}`;
  const act = async (change) => {
    try {
      status.replaceChildren();
      await ctx.api.patch(path, change);
      await reload();
    } catch (error) {
      status.replaceChildren(notice("error", `${link.code}: ${error.message}`));
    }
  };
  const copy = async (event) => {
    await navigator.clipboard.writeText(link.url).catch(() => null);
    event.target.textContent = "Copied";
  };
  const edit = () => {
    const input = h("input", { type: "url", value: link.destination, class: "grow", "aria-label": "New destination" });
    const form = h("form", { class: "row", onsubmit: (event) => { event.preventDefault(); act({ destination: input.value }); } },
      input, h("button", { type: "submit" }, "Save"));
    cell.replaceChildren(form);
    input.focus();
  };
  const cell = h("td", { class: "mono" }, link.destination);
  return h("tr", { dataset: { code: link.code } },
    h("td", { class: "mono" }, h("a", { href: link.url, target: "_blank", rel: "noopener" }, link.url)),
    cell,
    h("td", null, link.active ? "active" : "disabled"),
    h("td", { class: "actions" },
      h("button", { type: "button", onclick: copy }, "Copy"),
      h("button", { type: "button", onclick: edit }, "Change destination"),
      h("button", { type: "button", class: link.active ? "danger" : null, onclick: () => act({ active: !link.active }) },
        link.active ? "Disable" : "Enable")));
}

function tokensSection(ctx, base) {
  const list = h("tbody");
  const shown = h("div");
  const load = async () => {
    const { tokens } = await ctx.api.get(`${base}/tokens`);
    list.replaceChildren(...tokens.map((t) => h("tr", null,
      h("td", { class: "mono" }, t.id), h("td", null, t.label || "–"), h("td", null, timestamp(t.created_at)),
      h("td", null, t.expires_at ? `${timestamp(t.expires_at)}${t.expired ? " (expired)" : ""}` : "never"),
      h("td", null, h("button", { type: "button", class: "danger", onclick: async (event) => {
        try {
          await ctx.api.remove(`${base}/tokens/${encodeURIComponent(t.id)}`);
          await load();
        } catch (error) {
          event.target.after(notice("error", error.message));
        }
      } }, "Revoke")))));
  };
  const form = h("form", { class: "row", id: "new-token", onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      showFieldError(form, null);
      const token = await ctx.api.post(`${base}/tokens`, { label: data.get("label") || undefined,
        expires_in: data.get("expires_in") || undefined });
      shown.replaceChildren(h("div", { class: "secret" },
        h("p", null, "The partner's token, shown this once: give it to them with the portal's address."),
        h("p", { class: "mono", id: "new-token-secret" }, token.token),
        h("p", { class: "mono" }, `${location.origin}/portal/`)));
      form.reset();
      await load();
    } catch (error) {
      showFieldError(form, error);
    }
  } },
  h("div", { class: "field grow" }, h("label", { for: "token-label" }, "Label"), h("input", { id: "token-label", name: "label", dataset: { field: "label" } })),
  h("div", { class: "field" }, h("label", { for: "token-expiry" }, "Expires in"),
    h("select", { id: "token-expiry", name: "expires_in", dataset: { field: "expires_in" } },
      h("option", { value: "" }, "never"), h("option", { value: "720h" }, "30 days"),
      h("option", { value: "2160h" }, "90 days"), h("option", { value: "8760h" }, "a year"))),
  h("div", { class: "field" }, h("button", { type: "submit" }, "Create portal token")),
  h("div", { class: "form-status" }));
  load().catch((error) => shown.replaceChildren(notice("error", error.message)));
  return h("section", { class: "card scroll", id: "tokens" }, h("h2", null, "Partner portal access"), form, shown,
    h("table", null, h("thead", null, h("tr", null, ["Token", "Label", "Created", "Expires", ""].map((l) => h("th", null, l)))), list));
}
