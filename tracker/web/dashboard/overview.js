// Program overview: the KPIs for a range and the daily series of clicks, sales, revenue and
// commission (GET …/kpis and GET …/daily).

import { lineChart } from "/shared/charts.js";
import { h, mount } from "/shared/dom.js";
import { count, money, percent } from "/shared/format.js";
import { tile } from "/shared/reports.js";
import { rangeBar } from "./widgets.js";

export async function renderOverview(ctx, root) {
  const path = `/programs/${encodeURIComponent(ctx.program.id)}`;
  const [kpis, daily] = await Promise.all([
    ctx.api.get(`${path}/kpis`, ctx.range),
    ctx.api.get(`${path}/daily`, ctx.range),
  ]);
  const currency = kpis.currency;
  const m = (value) => money(value, currency);
  const counts = h("canvas", { id: "daily-counts", role: "img", "aria-label": "Clicks and sales per day" });
  const amounts = h("canvas", { id: "daily-money", role: "img", "aria-label": "Revenue and commission per day" });
  mount(root,
    h("div", { class: "row" }, h("h1", { class: "grow" }, `${ctx.program.name} · overview`),
      rangeBar(ctx, () => renderOverview(ctx, root))),
    h("div", { class: "tiles" },
      tile("tile-clicks", "Clicks", count(kpis.clicks), kpis.clicks),
      tile("tile-unique-clicks", "Unique clicks", count(kpis.unique_clicks), kpis.unique_clicks),
      tile("tile-sales", "Sales", count(kpis.conversions.sales), kpis.conversions.sales),
      tile("tile-revenue", "Revenue", m(kpis.revenue), kpis.revenue),
      tile("tile-commission", "Commission", m(kpis.commission.total), kpis.commission.total),
      tile("tile-epc", "EPC", m(kpis.epc), kpis.epc),
      tile("tile-conversion-rate", "Conversion rate", percent(kpis.conversion_rate), kpis.conversion_rate),
      tile("tile-average-check", "Average order", m(kpis.average_check), kpis.average_check),
      tile("tile-repeat-share", "Repeat-sale share", percent(kpis.repeat_sale_share), kpis.repeat_sale_share),
      tile("tile-ltv", "Average customer LTV", m(kpis.average_customer_ltv), kpis.average_customer_ltv),
      tile("tile-active-partners", "Active partners", `${count(kpis.partners.active)} of ${count(kpis.partners.total)}`, kpis.partners.active),
      tile("tile-with-sale", "Partners with a sale", percent(kpis.partners.with_sale_share), kpis.partners.with_sale_share),
      tile("tile-pending", "Commission pending", m(kpis.commission_pending), kpis.commission_pending),
      tile("tile-paid", "Commission paid", m(kpis.commission_paid), kpis.commission_paid)),
    h("div", { class: "grid2" },
      h("section", { class: "card" }, h("h2", null, "Clicks and sales per day"), h("div", { class: "chart" }, counts)),
      h("section", { class: "card" }, h("h2", null, `Revenue and commission per day (${currency})`), h("div", { class: "chart" }, amounts))));
  const labels = daily.days.map((d) => d.day);
  lineChart(counts, labels, [
    { label: "Clicks", data: daily.days.map((d) => d.clicks) },
    { label: "Sales", data: daily.days.map((d) => d.sales), axis: "right" },
  ], { left: "clicks", right: "sales", counts: true });
  lineChart(amounts, labels, [
    { label: "Revenue", data: daily.days.map((d) => Number(d.revenue)) },
    { label: "Commission", data: daily.days.map((d) => Number(d.commission)) },
  ], { left: currency });
}
