// Building the page from data. Every string goes in as text (a text node or an attribute),
// never as markup: a partner's name, a sub-id or an order id can't become HTML.

// h("a", {href, class, onclick}, ...children): an element. Children are nodes, strings,
// numbers, arrays of them, or null/false (skipped).
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "href") element.setAttribute("href", safeHref(value));
    else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces what `root` shows.
export function mount(root, ...children) {
  root.replaceChildren();
  append(root, children);
}

// Only links within the app and http(s) links: never javascript: or data:.
export function safeHref(value) {
  const text = String(value);
  if (text.startsWith("#") || text.startsWith("/")) return text;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : "#";
  } catch {
    return "#";
  }
}

// A message under a form or an action: an API error in red, or a confirmation.
export function notice(kind, text) {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

// The API's error on the form's field that caused it: each input carries data-field with the
// field's dotted path ("commission.first_sale.percent"); the error goes after it. An error of
// no field goes to the form's own message line. Returns whether a field took it.
export function showFieldError(form, error) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const status = form.querySelector(".form-status");
  if (status) status.replaceChildren();
  if (!error) return false;
  // "allowed_hosts[1]" is the field "allowed_hosts".
  const find = (field) => form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  const input = error.field && (find(error.field) ?? find(error.field.replace(/\[\d+\]/g, "")));
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.after(h("span", { class: "field-error", role: "alert" }, error.message));
    input.focus();
    return true;
  }
  if (status) status.append(notice("error", error.message));
  return false;
}

// A table whose headers sort it, `pageSize` rows at a time (a thousand rows would take the
// browser longer to lay out than the API takes to answer). columns: [{key, label, value(row)
// (what sorts), cell(row) (what shows; default value), numeric}]. Sorted by `initial`
// (descending) at first.
export function sortableTable(columns, rows, initial, attributes = {}, pageSize = 100) {
  let sortKey = initial;
  let descending = true;
  let page = 0;
  let sorted = rows;
  const body = h("tbody");
  const pager = h("div", { class: "pager" });
  const headers = columns.map((column) =>
    h("th", { scope: "col", class: column.numeric ? "num" : null, dataset: { key: column.key } },
      h("button", { type: "button", onclick: () => sortBy(column.key) }, column.label)));
  const sort = () => {
    const column = columns.find((c) => c.key === sortKey);
    sorted = [...rows].sort((a, b) => compare(column.value(a), column.value(b)));
    if (descending) sorted.reverse();
    for (const th of headers) {
      const active = th.dataset.key === sortKey;
      th.setAttribute("aria-sort", active ? (descending ? "descending" : "ascending") : "none");
    }
  };
  const render = () => {
    const first = page * pageSize;
    const shown = sorted.slice(first, first + pageSize);
    body.replaceChildren(...shown.map((row) => h("tr", { dataset: { key: row.key ?? "" } }, columns.map((c) =>
      h("td", { class: c.numeric ? "num" : null }, (c.cell ?? c.value)(row))))));
    const pages = Math.ceil(rows.length / pageSize);
    pager.replaceChildren(...(pages <= 1 ? [] : [
      h("button", { type: "button", disabled: page === 0, onclick: () => turn(-1) }, "Previous"),
      h("span", null, ` ${first + 1}–${first + shown.length} of ${rows.length} `),
      h("button", { type: "button", disabled: page >= pages - 1, onclick: () => turn(1) }, "Next")]));
  };
  const turn = (step) => {
    page += step;
    render();
  };
  const sortBy = (key) => {
    descending = key === sortKey ? !descending : true;
    sortKey = key;
    page = 0;
    sort();
    render();
  };
  sort();
  render();
  return h("div", null, h("table", attributes, h("thead", null, h("tr", null, headers)), body), pager);
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}
