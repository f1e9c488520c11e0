// Report sections both apps show for one partner: figures, the cohort LTV chart, the ledger
// with the rule behind each entry, links, and postback deliveries. `base` is the partner's
// API path; every section reads only routes a partner token may read too.

import { lineChart } from "./charts.js";
import { h, notice } from "./dom.js";
import { count, money, percent, timestamp } from "./format.js";

// A figure: its label, the value shown, and the API's exact value in data-value.
export function tile(id, label, shown, exact) {
  return h("div", { class: "tile", id, dataset: { value: exact ?? "" } },
    h("div", { class: "label" }, label), h("div", { class: "value" }, shown));
}

export function figureTiles(stats) {
  const m = (value) => money(value, stats.currency);
  return h("div", { class: "tiles" },
    tile("tile-clicks", "Clicks", count(stats.clicks), stats.clicks),
    tile("tile-customers", "Customers brought", count(stats.customers_acquired), stats.customers_acquired),
    tile("tile-sales", "Sales", count(stats.conversions.sales), stats.conversions.sales),
    tile("tile-revenue", "Revenue", m(stats.revenue), stats.revenue),
    tile("tile-commission", "Commission", m(stats.commission.total), stats.commission.total),
    tile("tile-epc", "EPC", m(stats.epc), stats.epc),
    tile("tile-repeat-rate", "Repeat-purchase rate", percent(stats.repeat_purchase_rate), stats.repeat_purchase_rate),
    tile("tile-ltv", "Average customer LTV", m(stats.average_customer_ltv), stats.average_customer_ltv),
    tile("tile-pending", "Pending", m(stats.commission_by_status.pending), stats.commission_by_status.pending),
    tile("tile-approved", "Approved", m(stats.commission_by_status.approved), stats.commission_by_status.approved),
    tile("tile-paid", "Paid", m(stats.commission_by_status.paid), stats.commission_by_status.paid));
}

// Cumulative LTV per customer by month since acquisition, one line per cohort, and the
// cohort table under it.
export async function cohortSection(api, base, months = 12) {
  const to = new Date().toISOString().slice(0, 7);
  const fromDate = new Date();
  fromDate.setUTCMonth(fromDate.getUTCMonth() - (months - 1));
  const data = await api.get(`${base}/cohorts`, { from: fromDate.toISOString().slice(0, 7), to });
  const cohorts = data.cohorts.filter((c) => c.customers > 0);
  const section = h("section", { class: "card", id: "cohorts" }, h("h2", null, "Customer lifetime value by cohort"));
  if (cohorts.length === 0) {
    section.append(h("p", { class: "muted" }, "No customers acquired in the last 12 months."));
    return section;
  }
  const canvas = h("canvas", { id: "cohort-chart", role: "img", "aria-label": "Cumulative LTV per customer by month since acquisition" });
  section.append(h("div", { class: "chart" }, canvas), cohortTable(cohorts, data.currency));
  const length = Math.max(...cohorts.map((c) => c.months.length));
  const labels = Array.from({ length }, (_, i) => `month ${i}`);
  // Drawn once the canvas is in the page (Chart.js measures its parent).
  queueMicrotask(() => lineChart(canvas, labels, cohorts.map((c) => ({
    label: `${c.cohort} (${c.customers})`,
    data: c.months.map((m) => Number(m.cumulative_ltv_per_customer)),
  })), { left: `LTV per customer (${data.currency})` }));
  return section;
}

function cohortTable(cohorts, currency) {
  return h("div", { class: "scroll" }, h("table", { id: "cohort-table" },
    h("thead", null, h("tr", null, h("th", null, "Cohort"), h("th", { class: "num" }, "Customers"),
      h("th", { class: "num" }, "Repeat rate"), h("th", { class: "num" }, "Sales / customer"),
      h("th", { class: "num" }, "LTV / customer to date"))),
    h("tbody", null, cohorts.map((c) => h("tr", null,
      h("td", null, c.cohort),
      h("td", { class: "num" }, count(c.customers)),
      h("td", { class: "num" }, percent(c.repeat_purchase_rate)),
      h("td", { class: "num" }, c.average_sales_per_customer ?? "–"),
      h("td", { class: "num" }, money(c.months.at(-1)?.cumulative_ltv_per_customer ?? "0", currency)))))));
}

// "20 % of 49.90 + 2.00 fixed (program rule)"
export function ruleText(entry) {
  if (!entry.rule) return entry.type === "bonus" ? "loyalty bonus" : "–";
  const parts = [];
  if (entry.rule.percent !== null) parts.push(`${entry.rule.percent} % of ${entry.amount ?? "–"}`);
  if (entry.rule.fixed !== null) parts.push(`${entry.rule.fixed} fixed`);
  return `${parts.join(" + ") || "nothing"} (${entry.rule.from} rule)`;
}

// The ledger, newest first, 50 entries a page.
export function ledgerSection(api, base) {
  const body = h("tbody");
  const more = h("button", { type: "button", hidden: true }, "Older entries");
  const status = h("div");
  let cursor = null;
  const load = async () => {
    try {
      const page = await api.get(`${base}/commissions`, { limit: 50, cursor });
      body.append(...page.entries.map((e) => h("tr", null,
        h("td", null, timestamp(e.created_at)),
        h("td", null, e.type, e.kind ? ` · ${e.kind}` : ""),
        h("td", { class: "mono" }, e.order_id ?? "–"),
        h("td", { class: "num" }, e.amount === null ? "–" : money(e.amount, e.currency)),
        h("td", null, ruleText(e)),
        h("td", { class: "num" }, money(e.commission, e.currency)),
        h("td", null, e.commission_status, e.commission_status === "pending" && e.approve_at ? h("div", { class: "hint" }, `until ${timestamp(e.approve_at)}`) : null))));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      if (body.children.length === 0) status.replaceChildren(h("p", { class: "muted" }, "No commission yet."));
    } catch (error) {
      status.replaceChildren(notice("error", error.message));
    }
  };
  more.addEventListener("click", load);
  load();
  return h("section", { class: "card scroll", id: "ledger" }, h("h2", null, "Commissions"),
    h("table", null, h("thead", null, h("tr", null, ["When", "Entry", "Order", "Order amount", "Rule", "Commission", "Status"]
      .map((label, i) => h("th", { class: i === 3 || i === 5 ? "num" : null }, label)))), body), status, more);
}

// Postback deliveries to the partner's own tracker; `retry(delivery)` (admin only) resends a failed one.
export async function deliveriesSection(api, base, retry) {
  const page = await api.get(`${base}/postbacks`, { limit: 50 });
  const section = h("section", { class: "card scroll", id: "postbacks" }, h("h2", null, "Postback deliveries"));
  if (page.deliveries.length === 0) {
    section.append(h("p", { class: "muted" }, "None: postbacks go out when a partner with a postback URL earns a commission."));
    return section;
  }
  section.append(h("table", null,
    h("thead", null, h("tr", null, ["Created", "Event", "URL", "State", "Attempts", "Last answer", ""].map((l) => h("th", null, l)))),
    h("tbody", null, page.deliveries.map((d) => h("tr", null,
      h("td", null, timestamp(d.created_at)), h("td", null, d.event), h("td", { class: "mono" }, d.url),
      h("td", null, d.state), h("td", { class: "num" }, d.attempts),
      h("td", null, d.last_status ?? d.last_error ?? "–"),
      h("td", null, retry && d.state === "failed" ? h("button", { type: "button", onclick: async (event) => {
        try {
          await retry(d);
        } catch (error) {
          event.target.after(notice("error", error.message));
        }
      } }, "Retry") : null))))));
  return section;
}
