#!/usr/bin/python3
"""Times every screen of the dashboard and the portal on a trackerd holding program "bench"
(bench/load/dashboard.sh builds it): in headless Chromium, from the route change to the screen
drawn with its data (charts included), and each API call the screen makes, alone.

  dashboard_screens.py ADDRESS ADMIN_TOKEN PARTNER [runs=11]

Prints one line per screen: the browser's median and p90 in ms, then the slowest API call.
"""

import datetime
import http.client
import json
import statistics
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

WAIT_FOR_SCREEN = """
const [route, ready, extra, done] = arguments;
const began = performance.now();
document.body.dataset.ready = '';
location.hash = route;
(function poll() {
  if (document.body.dataset.ready === ready && (!extra || document.querySelector(extra))) {
    done(performance.now() - began);
  } else {
    setTimeout(poll, 1);
  }
})();
"""


def api_calls(partner):
    today = datetime.date.today()
    month = today.strftime("%Y-%m")
    year_ago = (today - datetime.timedelta(days=334)).strftime("%Y-%m")
    days30 = f"from={today - datetime.timedelta(days=29)}&to={today}"
    days365 = f"from={today - datetime.timedelta(days=364)}&to={today}"
    b = "/api/v1/programs/bench"
    p = f"{b}/partners/{partner}"
    return {
        "overview, 30 days": [f"{b}/kpis?{days30}", f"{b}/daily?{days30}"],
        "overview, a year": [f"{b}/kpis?{days365}", f"{b}/daily?{days365}"],
        "partners, 30 days": [f"{b}/leaderboard?{days30}", f"{b}/segments?as_of={today}"],
        "partners, a year": [f"{b}/leaderboard?{days365}", f"{b}/segments?as_of={today}"],
        "partner detail": [p, f"{p}/stats?{days30}", f"{p}/cohorts?from={year_ago}&to={month}",
                           f"{p}/commissions?limit=50", f"{p}/links", f"{p}/postbacks?limit=50",
                           f"{p}/tokens"],
        "payouts": [f"{b}/balances", f"{b}/payouts?limit=100"],
        "settings": [b],
    }


def time_api(address, token, targets, runs):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port))
    slowest = (0.0, "")
    for target in targets:
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            connection.request("GET", target, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            body = response.read()
            times.append((time.perf_counter() - began) * 1000)
            assert response.status == 200, (target, body[:200])
        slowest = max(slowest, (statistics.median(times), target.split("?")[0]))
    return slowest


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={tempfile.mkdtemp()}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def time_screens(driver, address, token, partner, runs):
    driver.set_script_timeout(30)
    driver.get(f"http://{address}/dashboard/")
    WebDriverWait(driver, 10).until(lambda d: d.find_element("id", "token")).send_keys(token + "\n")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.dataset.ready") == "overview")
    screens = [("overview, 30 days", "#/overview", "overview", "#daily-money"),
               ("partners, 30 days", "#/partners", "partners", "#partners-table"),
               ("partner detail", f"#/partners/{partner}", "partners", "#ledger tbody tr"),
               ("payouts", "#/payouts", "payouts", "#balances"),
               ("settings", "#/settings", "settings", "#settings-form")]
    results = {}
    for name, route, ready, extra in screens:
        times = []
        for _ in range(runs):
            driver.execute_script("location.hash = '#/none'")
            times.append(driver.execute_async_script(WAIT_FOR_SCREEN, route, ready, extra))
        times.sort()
        results[name] = (statistics.median(times), times[int(len(times) * 0.9)])
    return results


def main():
    address, token, partner = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 11
    driver = browser()
    try:
        drawn = time_screens(driver, address, token, partner, runs)
    finally:
        driver.quit()
    for name, targets in api_calls(partner).items():
        slowest, target = time_api(address, token, targets, runs)
        screen = (f"browser median {drawn[name][0]:.0f} ms, p90 {drawn[name][1]:.0f} ms; "
                  if name in drawn else "")
        print(f"{name}: {screen}slowest API call {target} median {slowest:.1f} ms "
              f"({len(targets)} calls)")


if __name__ == "__main__":
    main()
