/* clicktrack t.js (SPEC 4.8): <script src="https://TRACKER/t.js" data-program="PROGRAM"></script>
   Keeps ?click_id= in a first-party cookie and localStorage; clicktrack.convert({...}) fires
   /px.gif with it and resolves with the result word (or "sent" when the browser hides it). */
(function (w, d) {
  var K = "tc_click_id", s = d.currentScript;
  var program = s && s.getAttribute("data-program");
  var base = s && s.src ? new URL(s.src, location.href).origin : location.origin;
  function keep(id) {
    try { w.localStorage.setItem(K, id); } catch (e) {}
    d.cookie = K + "=" + encodeURIComponent(id) + "; Max-Age=34560000; Path=/; SameSite=Lax" +
      (location.protocol == "https:" ? "; Secure" : "");
  }
  function clickId() {
    var v = null;
    try { v = w.localStorage.getItem(K); } catch (e) {}
    var m = d.cookie.match(/(?:^|; )tc_click_id=([^;]*)/);
    return v || (m ? decodeURIComponent(m[1]) : null);
  }
  var q = new URLSearchParams(location.search).get("click_id");
  if (q && /^[0-9A-Za-z_-]{1,32}$/.test(q)) keep(q);
  function convert(o) {
    o = o || {};
    var p = new URLSearchParams({ program: o.program || program || "" });
    ["order_id", "amount", "currency", "customer", "email", "type"].forEach(function (k) {
      if (o[k] != null && o[k] !== "") p.set(k, String(o[k]));
    });
    var id = clickId();
    if (id) p.set("click_id", id);
    var url = base + "/px.gif?" + p, same = base == location.origin;
    if (!w.fetch) {
      return new Promise(function (ok) {
        var i = new Image();
        i.onload = i.onerror = function () { ok("sent"); };
        i.src = url;
      });
    }
    return w.fetch(url, { credentials: "include", mode: same ? "cors" : "no-cors", keepalive: true })
      .then(function (r) { return (same && r.headers.get("X-Tracker-Result")) || "sent"; },
            function () { return "failed"; });
  }
  w.clicktrack = { convert: convert, clickId: clickId };
})(window, document);
