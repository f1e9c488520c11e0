// The sign-in screen of both apps: a token field, and why the last attempt or session ended.

import { h, mount, notice } from "./dom.js";

// Shows the screen in `root`; calls `submit(token)`, which resolves when signed in or
// rejects with the reason shown.
export function showSignIn(root, { title, hint, reason, submit }) {
  const input = h("input", { type: "password", id: "token", name: "token", autocomplete: "off",
    required: true, spellcheck: "false", "aria-describedby": "signin-hint" });
  const status = h("div", { class: "form-status" }, reason ? notice("error", reason) : null);
  const form = h("form", { class: "card signin", onsubmit: async (event) => {
    event.preventDefault();
    status.replaceChildren(notice("info", "Signing in…"));
    try {
      await submit(input.value.trim());
    } catch (error) {
      status.replaceChildren(notice("error", error.message));
    }
  } },
  h("h1", null, title),
  h("label", { for: "token" }, "Token"),
  input,
  h("p", { id: "signin-hint", class: "hint" }, hint),
  h("button", { type: "submit", class: "primary" }, "Sign in"),
  status);
  mount(root, h("main", { class: "signin-page" }, form));
  input.focus();
}
