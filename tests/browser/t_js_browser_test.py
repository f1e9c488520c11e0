#!/usr/bin/python3
"""t.js in a real browser (SPEC 4.8): headless Chromium with third-party cookies blocked.

A partner link on the tracker's origin (127.0.0.1) lands on a merchant page on another site
(localhost) that loads t.js; a checkout page there fires the conversion; the conversion must be
attributed to the partner through the click id that t.js kept on the merchant's own domain.

Usage: t_js_browser_test.py PATH/TO/trackerd
"""

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

from chromium import start_chromium

TOKEN = "browser-test-admin-token"


def start_trackerd(binary, data, *flags):
    process = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--data", data, "--admin-token", TOKEN,
         "--threads", "1", *flags],
        stderr=subprocess.PIPE, text=True)
    first = json.loads(process.stderr.readline())
    threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()
    return process, first["listen"]


def admin(tracker, method, path, body):
    request = urllib.request.Request(
        f"http://{tracker}/api/v1{path}", data=json.dumps(body).encode() if body else None,
        method=method, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def serve_merchant(tracker):
    """The merchant's shop on http://localhost:PORT: a landing page and a checkout page."""
    script = f'<script src="http://{tracker}/t.js" data-program="acme"></script>'
    pages = {
        "/landing.html": f"<html><head>{script}</head><body>Welcome</body></html>",
        "/checkout.html": f"""<html><head>{script}</head><body><p id="result"></p><script>
            clicktrack.convert({{order_id: "B-1", amount: "49.90", currency: "USD"}})
              .then(function (word) {{ document.getElementById("result").textContent = word; }});
          </script></body></html>""",
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            page = pages.get(self.path.split("?")[0])
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write((page or "not found").encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser(profile):
    # Block third-party cookies, as Safari and Firefox do by default and Chrome's users may.
    return start_chromium(profile, prefs={"profile.block_third_party_cookies": True,
                                          "profile.cookie_controls_mode": 1})


def main():
    work = tempfile.mkdtemp(prefix="clicktrack-browser-")
    trackerd, tracker = start_trackerd(sys.argv[1], os.path.join(work, "data"))
    merchant = serve_merchant(tracker)
    shop = f"localhost:{merchant.server_address[1]}"
    driver = None
    try:
        admin(tracker, "PUT", "/programs/acme",
              {"name": "Acme", "currency": "USD", "allowed_hosts": ["localhost"],
               "commission": {"first_sale": {"percent": "20"}}})
        admin(tracker, "PUT", "/programs/acme/partners/p1", {"name": "Partner One"})
        admin(tracker, "POST", "/programs/acme/links",
              {"partner_id": "p1", "code": "b1", "destination": f"http://{shop}/landing.html"})
        driver = browser(os.path.join(work, "profile"))
        driver.get(f"http://{tracker}/go/b1")
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script("return window.clicktrack && clicktrack.clickId()"))
        click_id = driver.execute_script("return clicktrack.clickId()")
        assert driver.current_url.startswith(f"http://{shop}/landing.html?click_id="), driver.current_url
        driver.get(f"http://{shop}/checkout.html")
        word = WebDriverWait(driver, 10).until(
            lambda d: d.find_element("id", "result").text)
        assert word == "sent", word  # across origins the browser hides X-Tracker-Result
        shop_cookies = [c["name"] for c in driver.get_cookies()]
        assert "tc_click_id" in shop_cookies, shop_cookies
        for _ in range(50):
            stats = admin(tracker, "GET", "/programs/acme/partners/p1/stats", None)
            if stats["conversions"]["first_sale"] == 1:
                break
            time.sleep(0.1)
        assert stats["conversions"]["first_sale"] == 1, stats
        assert stats["commission"]["total"] == "9.98", stats
        print(f"browser test: click {click_id} kept on {shop}; checkout answered '{word}'; "
              f"conversion attributed to p1 with third-party cookies blocked")
    finally:
        if driver:
            driver.quit()
        merchant.shutdown()
        trackerd.terminate()
        trackerd.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
