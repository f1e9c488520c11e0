// The merchant dashboard: sign-in with the admin token, a program picker, and one view per
// hash route (#/overview, #/partners, #/partners/{id}, #/payouts, #/settings).

import { createApi, session } from "/shared/api.js";
import { h, mount, notice, showFieldError } from "/shared/dom.js";
import { lastDays } from "/shared/format.js";
import { showSignIn } from "/shared/signin.js";
import { renderOverview } from "./overview.js";
import { renderPartners } from "./partners.js";
import { renderPartner } from "./partner.js";
import { renderPayouts } from "./payouts.js";
import { renderSettings } from "./settings.js";

const root = document.getElementById("app");
const views = [
  { path: "overview", label: "Overview", render: renderOverview },
  { path: "partners", label: "Partners", render: renderPartners },
  { path: "payouts", label: "Payouts", render: renderPayouts },
  { path: "settings", label: "Settings", render: renderSettings },
];

function signIn(reason) {
  session.clear("dashboard");
  showSignIn(root, {
    title: "clicktrack dashboard",
    hint: "The admin token: --admin-token, TRACKER_ADMIN_TOKEN, or the file admin_token in the data directory.",
    reason,
    submit: async (token) => {
      const api = createApi(token);
      const me = await api.get("/me");
      if (me.role !== "admin") throw new Error("This is a partner token: partners sign in at /portal/.");
      session.save("dashboard", token);
      await start(token);
    },
  });
}

async function start(token) {
  const api = createApi(token, (reason) => signIn(reason));
  const { programs } = await api.get("/programs");
  const ctx = { api, programs, program: null, range: lastDays(30), root: null };
  window.onhashchange = () => route(ctx);
  await route(ctx);
}

// "#/partners/jane?program=acme" -> {view: "partners", rest: ["jane"], program: "acme"}
function parseHash() {
  const [path, search] = location.hash.replace(/^#\/?/, "").split("?");
  const [view, ...rest] = path.split("/").map(decodeURIComponent);
  return { view: view || "overview", rest, program: new URLSearchParams(search).get("program") };
}

async function route(ctx) {
  const { view, rest, program } = parseHash();
  const wanted = program ?? ctx.program?.id ?? localStorage.getItem("clicktrack.program");
  ctx.program = ctx.programs.find((p) => p.id === wanted) ?? ctx.programs[0] ?? null;
  if (ctx.program) localStorage.setItem("clicktrack.program", ctx.program.id);
  const content = h("main", { id: "view" });
  mount(root, header(ctx, view), content);
  if (!ctx.program) {
    mount(content, newProgramForm(ctx));
    document.body.dataset.ready = "new-program";
    return;
  }
  ctx.root = content;
  const found = views.find((v) => v.path === view);
  try {
    if (view === "partners" && rest.length > 0) await renderPartner(ctx, content, rest[0]);
    else if (found) await found.render(ctx, content);
    else mount(content, notice("error", `No page #/${view}.`));
  } catch (error) {
    if (error.status !== 401) mount(content, notice("error", error.message));
  }
  document.body.dataset.ready = view;
}

// The first program: its id, name, currency and the hosts its links may lead to. Everything
// else has defaults, changed later under Settings.
function newProgramForm(ctx) {
  const field = (name, label, attributes = {}, errorField = name) => h("div", { class: "field" },
    h("label", { for: `program-${name}` }, label),
    h("input", { id: `program-${name}`, name, dataset: { field: errorField }, ...attributes }));
  const form = h("form", { class: "card", id: "new-program", onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const id = String(data.get("id")).trim();
    try {
      showFieldError(form, null);
      await ctx.api.put(`/programs/${encodeURIComponent(id)}`, {
        name: data.get("name"), currency: data.get("currency"),
        allowed_hosts: String(data.get("allowed_hosts")).split(/[\s,]+/).filter(Boolean) });
      ctx.programs = (await ctx.api.get("/programs")).programs;
      location.hash = `#/settings?program=${encodeURIComponent(id)}`;
    } catch (error) {
      showFieldError(form, error);
    }
  } },
  h("h1", null, "Create your first program"),
  h("p", { class: "hint" }, "A program is one partner program: its currency, commission rules and partners. ",
    "Set its rules under Settings next."),
  h("div", { class: "formgrid" },
    field("id", "Id (letters, digits, - and _)", { required: true, placeholder: "acme" }, "program_id"),
    field("name", "Name", { required: true, placeholder: "Acme SaaS" }),
    field("currency", "Currency (ISO 4217)", { required: true, placeholder: "USD", maxlength: 3 }),
    field("allowed_hosts", "Hosts links may lead to", { placeholder: "shop.example.com" })),
  h("button", { type: "submit", class: "primary" }, "Create program"),
  h("div", { class: "form-status" }));
  return form;
}

function header(ctx, current) {
  const picker = h("select", { id: "program", "aria-label": "Program", onchange: (event) => {
    location.hash = `#/${current}?program=${encodeURIComponent(event.target.value)}`;
  } }, ctx.programs.map((p) => h("option", { value: p.id, selected: p.id === ctx.program?.id }, `${p.name} (${p.id})`)));
  return h("header", { class: "top" },
    h("span", { class: "brand" }, "clicktrack"),
    h("nav", null, views.map((v) => h("a", { href: `#/${v.path}`,
      "aria-current": v.path === current ? "page" : null }, v.label))),
    ctx.programs.length > 0 ? picker : null,
    h("button", { type: "button", onclick: () => { window.onhashchange = null; signIn("Signed out."); } }, "Sign out"));
}

const saved = session.load("dashboard");
if (saved) {
  start(saved).catch((error) => signIn(error.message));
} else {
  signIn(null);
}
