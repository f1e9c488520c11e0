// The admin API, called with a bearer token. Errors come back as ApiError with the API's own
// sentence; a 401 also tells the app to return to its sign-in screen.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    // "commission.first_sale.percent: must be …" names the field that caused it.
    const field = /^([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+|\[\d+\])*): /.exec(message);
    this.field = field ? field[1] : null;
  }
}

export function createApi(token, onUnauthorized) {
  async function call(method, path, { body, query, headers, raw } = {}) {
    const search = query ? `?${new URLSearchParams(clean(query))}` : "";
    const response = await fetch(`/api/v1${path}${search}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    if (response.ok && raw) return response;
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const message = data?.error ?? (text || `${response.status} ${response.statusText}`);
      const error = new ApiError(response.status, message);
      if (response.status === 401) onUnauthorized?.(message);
      throw error;
    }
    return data;
  }
  return {
    get: (path, query) => call("GET", path, { query }),
    post: (path, body, headers) => call("POST", path, { body, headers }),
    put: (path, body) => call("PUT", path, { body }),
    patch: (path, body) => call("PATCH", path, { body }),
    remove: (path) => call("DELETE", path),
    // A file the API sends (ledger.csv), saved by the browser under `name`.
    async download(path, query, name) {
      const response = await call("GET", path, { query, raw: true });
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    },
  };
}

function clean(query) {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

// The token of this tab (sessionStorage: gone when the tab closes), per app.
export const session = {
  load: (app) => sessionStorage.getItem(`clicktrack.${app}.token`),
  save: (app, token) => sessionStorage.setItem(`clicktrack.${app}.token`, token),
  clear: (app) => sessionStorage.removeItem(`clicktrack.${app}.token`),
};
