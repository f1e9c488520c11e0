// Partners: every partner's figures over the range (GET …/leaderboard) with its segment, tier,
// recommended action and movement since the previous window (GET …/segments as of the range's
// end), in a table sorted by any column; and a form to add a partner.

import { h, mount, showFieldError, sortableTable } from "/shared/dom.js";
import { count, money, percent } from "/shared/format.js";
import { rangeBar, segmentBadge } from "./widgets.js";

export async function renderPartners(ctx, root) {
  const path = `/programs/${encodeURIComponent(ctx.program.id)}`;
  const [board, segments] = await Promise.all([
    ctx.api.get(`${path}/leaderboard`, ctx.range),
    ctx.api.get(`${path}/segments`, { as_of: ctx.range.to }),
  ]);
  const standing = new Map(segments.partners.map((p) => [p.partner_id, p]));
  const moves = new Map(segments.movers.moves.map((m) => [m.partner_id, m]));
  const currency = board.currency;
  const rows = board.partners.map((p) => ({ ...p, standing: standing.get(p.partner_id), move: moves.get(p.partner_id) }));
  const m = (value) => money(value, currency);
  const columns = [
    { key: "name", label: "Partner", value: (r) => r.name || r.partner_id,
      cell: (r) => h("a", { href: `#/partners/${encodeURIComponent(r.partner_id)}`, class: "partner-link" },
        r.name || r.partner_id, h("div", { class: "hint" }, r.partner_id)) },
    { key: "segment", label: "Segment", value: (r) => r.standing?.segment, cell: (r) => r.standing ? segmentBadge(r.standing.segment) : "–" },
    { key: "tier", label: "Tier", value: (r) => r.standing?.tier ?? "" },
    { key: "clicks", label: "Clicks", numeric: true, value: (r) => r.clicks, cell: (r) => count(r.clicks) },
    { key: "sales", label: "Sales", numeric: true, value: (r) => r.sales, cell: (r) => count(r.sales) },
    { key: "revenue", label: "Revenue", numeric: true, value: (r) => Number(r.revenue), cell: (r) => m(r.revenue) },
    { key: "commission", label: "Commission", numeric: true, value: (r) => Number(r.commission), cell: (r) => m(r.commission) },
    { key: "epc", label: "EPC", numeric: true, value: (r) => (r.epc === null ? null : Number(r.epc)), cell: (r) => m(r.epc) },
    { key: "conversion_rate", label: "Conv. rate", numeric: true, value: (r) => (r.conversion_rate === null ? null : Number(r.conversion_rate)), cell: (r) => percent(r.conversion_rate) },
    { key: "move", label: "Moved", value: (r) => (r.move ? r.move.direction : ""), cell: moveCell },
    { key: "action", label: "Recommended action", value: (r) => r.standing?.recommended_action ?? "" },
  ];
  const summary = Object.entries(segments.counts.segments).map(([segment, n]) => h("span", null, segmentBadge(segment), ` ${n} `));
  mount(root,
    h("div", { class: "row" }, h("h1", { class: "grow" }, `Partners (${rows.length})`),
      rangeBar(ctx, () => renderPartners(ctx, root))),
    h("p", { class: "hint" }, `Figures from ${board.from} to ${board.to}; segments and tiers as of ${segments.as_of}, moves since ${segments.movers.compared_with}. `, summary),
    h("section", { class: "card scroll" }, sortableTable(columns, rows, "revenue", { id: "partners-table" })),
    addPartnerForm(ctx, path));
}

function moveCell(row) {
  if (!row.move) return "";
  const arrow = row.move.direction === "up" ? "▲" : "▼";
  const change = row.move.segment.from === row.move.segment.to
    ? `tier ${row.move.tier.from} → ${row.move.tier.to}`
    : `${row.move.segment.from} → ${row.move.segment.to}`;
  return h("span", { class: row.move.direction }, `${arrow} ${change}`);
}

function addPartnerForm(ctx, path) {
  const field = (name, label, type = "text") => h("div", { class: "field" },
    h("label", { for: `new-${name}` }, label), h("input", { id: `new-${name}`, name, type, dataset: { field: name === "id" ? "partner_id" : name } }));
  const form = h("form", { class: "card", id: "add-partner", onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const id = String(data.get("id")).trim();
    try {
      showFieldError(form, null);
      await ctx.api.put(`${path}/partners/${encodeURIComponent(id)}`, { name: data.get("name"), email: data.get("email") || undefined });
      location.hash = `#/partners/${encodeURIComponent(id)}`;
    } catch (error) {
      showFieldError(form, error);
    }
  } },
  h("h2", null, "Add a partner"),
  h("div", { class: "formgrid" }, field("id", "Id (letters, digits, - and _)"), field("name", "Name"), field("email", "Email", "email")),
  h("button", { type: "submit", class: "primary" }, "Add partner"),
  h("div", { class: "form-status" }));
  return form;
}
