// Payouts: every partner's balance, a payout in two steps (review, then confirm, sent once
// with an Idempotency-Key so that a double click pays once), the history, and the ledger CSV.

import { h, mount, notice, showFieldError, sortableTable } from "/shared/dom.js";
import { money, timestamp } from "/shared/format.js";

export async function renderPayouts(ctx, root) {
  const path = `/programs/${encodeURIComponent(ctx.program.id)}`;
  const [{ balances, as_of: asOf }, history] = await Promise.all([
    ctx.api.get(`${path}/balances`), ctx.api.get(`${path}/payouts`, { limit: 100 })]);
  const currency = ctx.program.currency;
  const m = (value) => money(value, currency);
  const payable = balances.filter((b) => Number(b.balance) > 0);
  const chosen = new Set(payable.map((b) => b.partner_id));
  const form = h("form", { id: "payout-form", onsubmit: (event) => { event.preventDefault(); review(); } });
  const step = h("div", { id: "payout-step" });

  const review = () => {
    const picked = payable.filter((b) => chosen.has(b.partner_id));
    const minimum = form.elements.minimum.value.trim();
    const qualifying = picked.filter((b) => !minimum || Number(b.balance) >= Number(minimum));
    const total = qualifying.reduce((sum, b) => sum + Math.round(Number(b.balance) * 100), 0) / 100;
    if (picked.length === 0) {
      step.replaceChildren(notice("error", "Choose at least one partner with a positive balance."));
      return;
    }
    const order = { partner_ids: picked.map((b) => b.partner_id), minimum: minimum || undefined,
      note: form.elements.note.value || undefined };
    const key = crypto.randomUUID();
    const confirm = h("button", { type: "button", class: "primary", id: "confirm-payout", onclick: async () => {
      confirm.disabled = true;
      try {
        showFieldError(form, null);
        const result = await ctx.api.post(`${path}/payouts`, order, { "Idempotency-Key": key });
        const paid = result.payouts.reduce((sum, p) => sum + Math.round(Number(p.amount) * 100), 0) / 100;
        await renderPayouts(ctx, root);
        root.querySelector("#payout-step").replaceChildren(
          notice("ok", `Paid ${m(paid)} to ${result.payouts.length} partner(s).`));
      } catch (error) {
        confirm.disabled = false;
        if (!showFieldError(form, error)) step.append(notice("error", error.message));
      }
    } }, `Confirm payout of ${m(total)}`);
    step.replaceChildren(h("div", { class: "secret" },
      h("p", null, `Pay ${qualifying.length} partner(s) ${m(total)} in all (balances as of ${timestamp(asOf)}; `,
        "what the server finds approved when it pays is what is paid). Nothing is paid until you confirm."),
      h("div", { class: "actions" }, confirm, h("button", { type: "button", onclick: () => step.replaceChildren() }, "Cancel"))));
  };

  const box = (b) => h("input", { type: "checkbox", "aria-label": `Pay ${b.partner_id}`,
    checked: chosen.has(b.partner_id), disabled: Number(b.balance) <= 0,
    onchange: (event) => (event.target.checked ? chosen.add(b.partner_id) : chosen.delete(b.partner_id)) });
  const amount = (key) => ({ key, label: key[0].toUpperCase() + key.slice(1), numeric: true,
    value: (b) => Number(b[key]), cell: (b) => h("span", { class: key }, m(b[key])) });
  const columns = [
    { key: "pay", label: "Pay", value: (b) => (chosen.has(b.partner_id) ? 1 : 0), cell: box },
    { key: "partner", label: "Partner", value: (b) => b.partner_id,
      cell: (b) => h("a", { href: `#/partners/${encodeURIComponent(b.partner_id)}` }, b.partner_id) },
    amount("pending"), amount("approved"), amount("paid"), amount("balance")];
  const rows = balances.map((b) => ({ ...b, key: b.partner_id }));
  form.append(
    h("div", { class: "scroll" }, sortableTable(columns, rows, "balance", { id: "balances" })),
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "minimum" }, `Minimum (${currency})`),
        h("input", { id: "minimum", name: "minimum", inputmode: "decimal", placeholder: "50.00", dataset: { field: "minimum" } })),
      h("div", { class: "field grow" }, h("label", { for: "note" }, "Note"),
        h("input", { id: "note", name: "note", placeholder: "June commissions", dataset: { field: "note" } })),
      h("div", { class: "field" }, h("button", { type: "submit", class: "primary", id: "review-payout" }, "Review payout"))),
    h("div", { class: "form-status" }));
  mount(root,
    h("h1", null, "Payouts"),
    h("section", { class: "card" }, h("h2", null, "Balances"), form, step),
    historySection(history, m),
    exportSection(ctx, path));
}

function historySection(history, m) {
  return h("section", { class: "card scroll", id: "payout-history" }, h("h2", null, "History"),
    history.payouts.length === 0 ? h("p", { class: "muted" }, "No payouts yet.") :
      h("table", null, h("thead", null, h("tr", null, ["When", "Partner", "Amount", "Entries", "Note", "Payout id"].map((l) => h("th", null, l)))),
        h("tbody", null, history.payouts.map((p) => h("tr", null,
          h("td", null, timestamp(p.created_at)), h("td", null, p.partner_id), h("td", { class: "num" }, m(p.amount)),
          h("td", { class: "num" }, p.entries), h("td", null, p.note ?? ""), h("td", { class: "mono" }, p.payout_id))))));
}

function exportSection(ctx, path) {
  const from = h("input", { type: "date", id: "csv-from", "aria-label": "From" });
  const to = h("input", { type: "date", id: "csv-to", "aria-label": "To" });
  const status = h("div");
  return h("section", { class: "card" }, h("h2", null, "Ledger export (CSV)"),
    h("div", { class: "row" }, h("div", null, h("label", { for: "csv-from" }, "From"), from),
      h("div", null, h("label", { for: "csv-to" }, "To"), to),
      h("button", { type: "button", id: "download-csv", onclick: async () => {
        try {
          status.replaceChildren();
          await ctx.api.download(`${path}/ledger.csv`, { from: from.value, to: to.value }, `${ctx.program.id}-ledger.csv`);
        } catch (error) {
          status.replaceChildren(notice("error", error.message));
        }
      } }, "Download ledger.csv")), status,
    h("p", { class: "hint" }, "Every ledger entry of the range, one row each, with the payout that settled it."));
}
