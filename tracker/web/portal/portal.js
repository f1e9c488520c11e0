// The partner portal: sign-in with the partner token the merchant gave, then the partner's
// own figures, links, customers' LTV by cohort, each commission with the rule and amount it
// came from, balance, and postback deliveries. The token reaches nothing else (the API's 403).

import { createApi, session } from "/shared/api.js";
import { h, mount, notice } from "/shared/dom.js";
import { lastDays, money } from "/shared/format.js";
import { cohortSection, deliveriesSection, figureTiles, ledgerSection, tile } from "/shared/reports.js";
import { showSignIn } from "/shared/signin.js";

const root = document.getElementById("app");

function signIn(reason) {
  session.clear("portal");
  showSignIn(root, {
    title: "Partner portal",
    hint: "The partner token the program's owner gave you (it starts with ctp_).",
    reason,
    submit: async (token) => {
      const me = await createApi(token).get("/me");
      if (me.role !== "partner") throw new Error("This is the admin token: merchants sign in at /dashboard/.");
      session.save("portal", token);
      await show(token, me);
    },
  });
}

// The partner's page; `me` is what GET /api/v1/me said of the token, when the caller has it.
async function show(token, known = null) {
  const api = createApi(token, (reason) => signIn(reason));
  const me = known ?? await api.get("/me");
  const base = `/programs/${encodeURIComponent(me.program.id)}/partners/${encodeURIComponent(me.partner.id)}`;
  const range = lastDays(90);
  const [stats, balance, links, cohorts, deliveries] = await Promise.all([
    api.get(`${base}/stats`, range), api.get(`${base}/balance`), api.get(`${base}/links`),
    cohortSection(api, base), deliveriesSection(api, base, null)]);
  const m = (value) => money(value, me.program.currency);
  mount(root,
    h("header", { class: "top" }, h("span", { class: "brand" }, "clicktrack"),
      h("nav", null, h("span", null, `${me.program.name} · partner portal`)),
      h("button", { type: "button", onclick: () => signIn("Signed out.") }, "Sign out")),
    h("main", { id: "view" },
      h("h1", { id: "partner-name" }, me.partner.name || me.partner.id),
      h("p", { class: "hint" }, `Your figures from ${stats.from} to ${stats.to} (UTC). Commissions are paid for the life of each customer you brought.`),
      figureTiles(stats),
      h("section", { class: "card", id: "balance" }, h("h2", null, "Balance"),
        h("div", { class: "tiles" },
          [["balance", "Next payout"], ["approved", "Approved"], ["pending", "Pending (on hold)"], ["paid", "Paid so far"]]
            .map(([key, label]) => tile(`balance-${key}`, label, m(balance[key]), balance[key])))),
      h("section", { class: "card scroll", id: "links" }, h("h2", null, "Your links"),
        links.links.length === 0 ? h("p", { class: "muted" }, "No links yet: ask the program's owner.") :
          h("table", null, h("thead", null, h("tr", null, ["Link", "Goes to", "State"].map((l) => h("th", null, l)))),
            h("tbody", null, links.links.map((l) => h("tr", null,
              h("td", { class: "mono" }, l.url), h("td", { class: "mono" }, l.destination), h("td", null, l.active ? "active" : "disabled")))))),
      cohorts,
      ledgerSection(api, base),
      deliveries));
  document.body.dataset.ready = "portal";
}

const saved = session.load("portal");
if (saved) {
  show(saved).catch((error) => (error.status === 401 ? null : signIn(error.message)));
} else {
  signIn(null);
}
