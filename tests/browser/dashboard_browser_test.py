#!/usr/bin/python3
"""The merchant dashboard and the partner portal in headless Chromium (docs/dashboard.md).

Against a real trackerd: sign in (a wrong token first), create the first program through the
form (a refused currency first); then, seeded through the import route (seed.py), check the
overview's figures against the API's, sort the partners, open a partner and read its cohort
chart, create a link and follow it, disable it, make a payout and see the
balance drop, see a settings error next to its field, sign in as a partner and fail to reach
another partner's data or another program, see expired and revoked tokens sent back to the
sign-in screen with the reason, find no console error on any view and no stored value
rendered as HTML, and keep the overview's assets under 300 KB with no request off the origin.
Saves a screenshot of every view in SCREENSHOT_DIR (default: a temporary directory).

Usage: dashboard_browser_test.py PATH/TO/trackerd
"""

import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed  # noqa: E402
from chromium import start_chromium  # noqa: E402
from t_js_browser_test import start_trackerd  # noqa: E402

TOKEN = "browser-test-admin-token"
ASSET_BUDGET = 300 * 1024


class Check:
    """The browser, the tracker's address, and the steps' shared helpers."""

    def __init__(self, driver, tracker, shots):
        self.driver = driver
        self.tracker = tracker
        self.shots = shots
        self.admin = seed.Admin(tracker, TOKEN)

    def open(self, path, ready=None):
        self.driver.get(f"http://{self.tracker}{path}")
        if ready:
            self.wait_ready(ready)

    def go(self, hash_route, ready):
        self.driver.execute_script("document.body.dataset.ready = ''; location.hash = arguments[0];", hash_route)
        self.wait_ready(ready)

    def wait_ready(self, ready):
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.body.dataset.ready") == ready)

    def wait_for(self, css, timeout=15):
        return WebDriverWait(self.driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css))

    def text_of(self, css):
        return self.wait_for(css).text

    def shot(self, name):
        self.driver.execute_script("window.scrollTo(0, 0)")
        self.driver.save_screenshot(os.path.join(self.shots, f"{name}.png"))

    def console_errors(self, allowed=()):
        """Console errors since the last call, except those naming an allowed HTTP status."""
        errors = [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        return [m for m in errors if not any(f"status of {code}" in m for code in allowed)]

    def assert_clean(self, view, allowed=()):
        errors = self.console_errors(allowed)
        assert not errors, f"{view}: console errors {errors}"
        xss = self.driver.execute_script("return window.__xss")
        assert xss is None, f"{view}: a stored value ran as script ({xss})"

    def fetch_status(self, path, token):
        """The status of a GET the page makes with `token`, as the portal would."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {headers: {Authorization: 'Bearer ' + arguments[1]}})
              .then(r => done(r.status), e => done(String(e)));""", f"/api/v1{path}", token)


def money(decimal):
    return f"${float(decimal):,.2f}"


def sign_in(check):
    check.open("/dashboard/")
    check.wait_for("#token").send_keys("not-the-admin-token\n")
    reason = check.text_of(".notice.error")
    assert "missing or wrong admin token" in reason, reason
    check.shot("signin")
    check.console_errors()  # the refused attempt's 401 is expected
    field = check.driver.find_element(By.ID, "token")
    field.clear()
    field.send_keys(TOKEN + "\n")
    check.wait_ready("new-program")


def first_program(check):
    """A tracker without programs offers to create one; its errors sit next to their field."""
    for name, value in [("id", "acme"), ("name", "Acme SaaS"), ("currency", "XYZ"),
                        ("allowed_hosts", "shop.example.com")]:
        check.driver.find_element(By.ID, f"program-{name}").send_keys(value)
    check.driver.find_element(By.CSS_SELECTOR, "#new-program button[type=submit]").click()
    error = check.text_of("#program-currency + .field-error")
    assert "currency" in error, error
    check.shot("first-program")
    check.console_errors()  # the refused PUT's 400
    currency = check.driver.find_element(By.ID, "program-currency")
    currency.clear()
    currency.send_keys("USD")
    check.driver.find_element(By.CSS_SELECTOR, "#new-program button[type=submit]").click()
    check.wait_ready("settings")
    assert check.admin.call("GET", "/programs/acme")["currency"] == "USD"
    check.assert_clean("first program")


def overview(check):
    range_ = {k: check.driver.find_element(By.ID, k).get_attribute("value") for k in ("from", "to")}
    kpis = check.admin.call("GET", f"/programs/acme/kpis?from={range_['from']}&to={range_['to']}")
    expected = {"clicks": kpis["clicks"], "sales": kpis["conversions"]["sales"],
                "revenue": kpis["revenue"], "commission": kpis["commission"]["total"],
                "epc": kpis["epc"], "pending": kpis["commission_pending"]}
    for tile, value in expected.items():
        element = check.driver.find_element(By.ID, f"tile-{tile}")
        assert element.get_attribute("data-value") == str(value), (tile, element.get_attribute("data-value"), value)
    shown = check.driver.find_element(By.CSS_SELECTOR, "#tile-revenue .value").text
    assert shown == money(kpis["revenue"]), (shown, kpis["revenue"])
    assert kpis["clicks"] > 0 and kpis["conversions"]["sales"] > 0, kpis
    daily = check.admin.call("GET", f"/programs/acme/daily?from={range_['from']}&to={range_['to']}")
    charted = check.driver.execute_script(
        "return Chart.getChart(document.getElementById('daily-counts')).data.datasets[0].data")
    assert charted == [d["clicks"] for d in daily["days"]], "the clicks chart is not the daily series"
    assert sum(charted) == kpis["clicks"], (sum(charted), kpis["clicks"])
    check.shot("overview")
    check.assert_clean("overview")
    # A range the API refuses: its reason under the range bar, the figures left as they were.
    check.driver.execute_script("""
        document.getElementById('from').value = '2026-06-30';
        document.getElementById('to').value = '2026-06-01';""")
    check.driver.find_element(By.CSS_SELECTOR, "form.range button[type=submit]").click()
    reason = check.text_of("form.range .notice.error")
    assert "from: must not be after to" in reason, reason
    assert check.driver.find_element(By.ID, "tile-clicks").get_attribute("data-value") == str(kpis["clicks"])
    check.assert_clean("overview, a refused range", allowed=(400,))


def page_weight(check):
    entries = check.driver.execute_script("""
        return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .map(e => ({name: e.name, size: e.transferSize}));""")
    origin = f"http://{check.tracker}/"
    foreign = [e["name"] for e in entries if not e["name"].startswith(origin)]
    assert not foreign, f"requests off the origin: {foreign}"
    assets = sum(e["size"] for e in entries if "/api/" not in e["name"])
    assert 0 < assets < ASSET_BUDGET, f"overview assets {assets} bytes"
    return assets


def partners(check):
    check.go("#/partners", "partners")
    rows = lambda: [r.find_elements(By.TAG_NAME, "td") for r in
                    check.driver.find_elements(By.CSS_SELECTOR, "#partners-table tbody tr")]
    clicks = lambda: [int(cells[3].text.replace(",", "")) for cells in rows()]
    assert len(rows()) == len(seed.PARTNERS), len(rows())
    check.driver.find_element(By.CSS_SELECTOR, "#partners-table th[data-key=clicks] button").click()
    assert clicks() == sorted(clicks(), reverse=True), clicks()
    check.driver.find_element(By.CSS_SELECTOR, "#partners-table th[data-key=clicks] button").click()
    assert clicks() == sorted(clicks()), clicks()
    names = [cells[0].text.split("\n")[0] for cells in rows()]
    assert seed.XSS_NAME in names, names
    check.driver.find_element(By.CSS_SELECTOR, "#partners-table th[data-key=revenue] button").click()
    check.shot("partners")
    check.assert_clean("partners")


def partner_detail(check):
    check.driver.find_element(By.PARTIAL_LINK_TEXT, "Jane Doe").click()
    check.wait_for("#cohort-chart")
    WebDriverWait(check.driver, 10).until(lambda d: d.execute_script(
        "return Chart.getChart(document.getElementById('cohort-chart')) !== undefined"))
    charted = check.driver.execute_script("""
        return Chart.getChart(document.getElementById('cohort-chart')).data.datasets
          .map(d => ({label: d.label, data: d.data}));""")
    month = time.strftime("%Y-%m", time.gmtime())
    year_ago = time.strftime("%Y-%m", time.gmtime(time.time() - 334 * 86400))
    cohorts = check.admin.call("GET", f"/programs/acme/partners/jane/cohorts?from={year_ago}&to={month}")
    expected = [{"label": f"{c['cohort']} ({c['customers']})",
                 "data": [float(m["cumulative_ltv_per_customer"]) for m in c["months"]]}
                for c in cohorts["cohorts"] if c["customers"] > 0]
    assert charted == expected, (charted[:1], expected[:1])
    assert len(charted) >= 6 and max(max(c["data"]) for c in charted) > 0, charted
    check.wait_for("#ledger tbody tr")
    rule = check.driver.find_element(By.CSS_SELECTOR, "#ledger tbody tr td:nth-child(5)").text
    assert "% of" in rule and "rule" in rule, rule
    check.shot("partner")
    check.assert_clean("partner")


def links(check, shop):
    form = check.wait_for("#new-link")
    destination = form.find_element(By.ID, "link-destination")
    destination.send_keys("https://evil.example/phish")
    form.find_element(By.ID, "link-code").send_keys("jane-dash")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    error = check.text_of("#link-destination + .field-error")
    assert "evil.example" in error, error
    destination.clear()
    destination.send_keys(f"http://{shop}/landing?from=dashboard")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    row = check.wait_for("#links tr[data-code=jane-dash]")
    url = row.find_element(By.TAG_NAME, "a").text
    assert url.endswith("/go/jane-dash"), url
    check.console_errors(allowed=(400,))
    dashboard = check.driver.current_url
    check.driver.get(f"http://{check.tracker}/go/jane-dash")
    WebDriverWait(check.driver, 10).until(lambda d: d.current_url.startswith(f"http://{shop}/landing"))
    assert "click_id=" in check.driver.current_url, check.driver.current_url
    check.driver.get(dashboard)
    check.wait_ready("partners")
    check.wait_for("#links tr[data-code=jane-dash] button.danger").click()
    # The list is drawn again after the change: read the row in the page, never a stale handle.
    WebDriverWait(check.driver, 10).until(lambda d: "disabled" in d.execute_script(
        "return document.querySelector('#links tr[data-code=jane-dash]')?.textContent ?? ''"))
    try:
        urllib.request.urlopen(f"http://{check.tracker}/go/jane-dash")
        raise AssertionError("a disabled link still redirects")
    except urllib.error.HTTPError as refused:
        assert refused.code == 404, refused.code
    check.assert_clean("links")


def payout(check):
    before = check.admin.call("GET", "/programs/acme/partners/jane/balance")
    assert float(before["balance"]) > 0, before
    check.go("#/payouts", "payouts")
    for box in check.driver.find_elements(By.CSS_SELECTOR, "#balances tbody input[type=checkbox]"):
        row = box.find_element(By.XPATH, "./ancestor::tr")
        if box.is_selected() != (row.get_attribute("data-key") == "jane"):
            box.click()
    check.driver.find_element(By.ID, "review-payout").click()
    confirm = check.wait_for("#confirm-payout")
    assert money(before["balance"]) in confirm.text, (confirm.text, before)
    check.shot("payout-confirm")
    confirm.click()
    paid = check.text_of("#payout-step .notice.ok")
    assert money(before["balance"]) in paid, paid
    after = check.admin.call("GET", "/programs/acme/partners/jane/balance")
    assert float(after["balance"]) < float(before["balance"]), (before, after)
    jane = check.driver.find_element(By.CSS_SELECTOR, "#balances tr[data-key=jane] .balance").text
    assert jane == money(after["balance"]), (jane, after)
    assert "jane" in check.text_of("#payout-history tbody")
    check.shot("payouts")
    check.assert_clean("payouts")


def settings(check):
    check.go("#/settings", "settings")
    field = check.driver.find_element(By.ID, "f-commission.first_sale.percent")
    field.clear()
    field.send_keys("twenty")
    check.driver.find_element(By.CSS_SELECTOR, "#settings-form button[type=submit]").click()
    error = check.wait_for('[data-field="commission.first_sale.percent"] + .field-error').text
    assert "commission.first_sale.percent" in error, error
    assert check.admin.call("GET", "/programs/acme")["commission"]["first_sale"]["percent"] == "20"
    check.shot("settings")
    field = check.driver.find_element(By.ID, "f-commission.first_sale.percent")
    field.clear()
    field.send_keys("25")
    check.driver.find_element(By.CSS_SELECTOR, "#settings-form button[type=submit]").click()
    check.wait_for("#settings-form .notice.ok")
    program = check.admin.call("GET", "/programs/acme")
    assert program["commission"]["first_sale"]["percent"] == "25", program
    assert program["postback_secret_set"], "saving the form lost the postback secret"
    check.assert_clean("settings", allowed=(400,))


def partner_token(check, partner, expires_in=None):
    body = {"label": "browser test"} | ({"expires_in": expires_in} if expires_in else {})
    return check.admin.call("POST", f"/programs/acme/partners/{partner}/tokens", body)


def portal(check):
    check.go("#/partners/jane", "partners")
    check.wait_for("#new-token button[type=submit]").click()
    secret = check.text_of("#new-token-secret")
    assert secret.startswith("ctp_"), secret
    check.open("/portal/")
    check.wait_for("#token").send_keys(secret + "\n")
    check.wait_ready("portal")
    assert check.text_of("#partner-name") == "Jane Doe"
    balance = check.admin.call("GET", "/programs/acme/partners/jane/balance")
    shown = check.driver.find_element(By.ID, "balance-paid").get_attribute("data-value")
    assert shown == balance["paid"] and float(shown) > 0, (shown, balance)
    assert "jane-1" in check.text_of("#links")
    check.wait_for("#ledger tbody tr")
    check.wait_for("#cohort-chart")
    check.shot("portal")
    check.assert_clean("portal")
    # Out of its reach: another partner, the program's reports, another program, the operator.
    check.admin.call("PUT", "/programs/other", {"name": "Other", "currency": "USD"})
    check.admin.call("PUT", "/programs/other/partners/jane", {"name": "Jane elsewhere"})
    for path in ["/programs/acme/partners/omar/stats", "/programs/acme/kpis",
                 "/programs/acme/partners/jane/tokens", "/programs/other/partners/jane/stats",
                 "/programs", "/admin/backups"]:
        status = check.fetch_status(path, secret)
        assert status == 403, (path, status)
    assert check.fetch_status("/programs/acme/partners/jane/stats", secret) == 200
    check.console_errors()  # the refused fetches above


def portal_refusals(check):
    expiring = partner_token(check, "omar", "1s")["token"]
    time.sleep(1.2)
    check.driver.execute_script("sessionStorage.clear()")
    check.open("/portal/")
    check.wait_for("#token").send_keys(expiring + "\n")
    reason = check.text_of(".notice.error")
    assert "partner token expired at" in reason, reason
    check.shot("portal-expired")
    check.console_errors()  # the expired token's 401
    revoked = partner_token(check, "mallory")
    field = check.driver.find_element(By.ID, "token")
    field.clear()
    field.send_keys(revoked["token"] + "\n")
    check.wait_ready("portal")
    assert check.text_of("#partner-name") == seed.XSS_NAME
    assert seed.XSS_ORDER in check.text_of("#ledger"), "the stored order id is not shown as text"
    check.assert_clean("portal (mallory)")
    check.admin.call("DELETE", f"/programs/acme/partners/mallory/tokens/{revoked['id']}")
    check.driver.refresh()
    reason = check.text_of(".notice.error")
    assert "unknown or revoked partner token" in reason, reason
    check.console_errors()  # the 401s that sent the portal back to its sign-in screen


def serve_shop():
    class Landing(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>Shop</body></html>")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Landing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    work = tempfile.mkdtemp(prefix="clicktrack-dashboard-")
    shots = os.environ.get("SCREENSHOT_DIR") or os.path.join(work, "screenshots")
    os.makedirs(shots, exist_ok=True)
    # Mallory's postbacks go to a closed port on loopback: refused at once, never a DNS query.
    trackerd, tracker = start_trackerd(sys.argv[1], os.path.join(work, "data"),
                                       "--block-private-postbacks=false")
    shop = serve_shop()
    driver = None
    try:
        driver = start_chromium(os.path.join(work, "profile"), "--window-size=1400,1000",
                                "--hide-scrollbars", console=True)
        check = Check(driver, tracker, shots)
        sign_in(check)
        first_program(check)
        imported = seed.seed(tracker, TOKEN, postbacks_to="127.0.0.1:9")
        assert imported["rejected_count"] == 0, imported["rejected"][:3]
        check.go("#/overview", "overview")
        overview(check)
        assets = page_weight(check)
        partners(check)
        partner_detail(check)
        links(check, f"127.0.0.1:{shop.server_address[1]}")
        payout(check)
        settings(check)
        portal(check)
        portal_refusals(check)
        print(f"dashboard browser test: {imported['accepted']} lines imported; every view checked; "
              f"overview assets {assets / 1024:.0f} KiB on the wire; screenshots in {shots}")
    except Exception:
        if driver:  # what the page showed when the step failed, for whoever reads the log
            driver.save_screenshot(os.path.join(shots, "failure.png"))
            print(f"failed at {driver.current_url}; the page said:\n"
                  f"{driver.find_element(By.TAG_NAME, 'body').text[:2000]}\n"
                  f"console: {driver.get_log('browser')}; screenshot {shots}/failure.png",
                  file=sys.stderr)
        raise
    finally:
        if driver:
            driver.quit()
        shop.shutdown()
        trackerd.terminate()
        trackerd.wait(10)
        shutil.rmtree(os.path.join(work, "data"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "profile"), ignore_errors=True)
        if os.environ.get("SCREENSHOT_DIR"):  # the screenshots are kept elsewhere
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
