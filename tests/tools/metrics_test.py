#!/usr/bin/env python3
"""GET /metrics of a real trackerd, parsed with Prometheus' own text-format parser
(python3-prometheus-client): the counters move as traffic is sent, labels stay bounded, no
secret or id leaks, and `promtool check metrics` accepts the scrape.

Usage: metrics_test.py TRACKERD"""
import hashlib
import hmac
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

TRACKERD = sys.argv.pop(1) if len(sys.argv) > 1 else "build/trackerd"
ADMIN = "metrics-test-admin-token-0123"
SECRET = "postback-secret-0123456789"
STRIPE_SECRET = "whsec_metrics_test_secret"
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/130.0 Safari/537.36")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Receiver(http.server.BaseHTTPRequestHandler):
    """A partner's postback endpoint on loopback."""
    hits = 0

    def do_GET(self):
        Receiver.hits += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="clicktrack-metrics-")
        cls.receiver = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=cls.receiver.serve_forever, daemon=True).start()
        cls.log = open(os.path.join(cls.dir, "stderr"), "w+")
        cls.proc = subprocess.Popen(
            [TRACKERD, "--listen", "127.0.0.1:0", "--data", os.path.join(cls.dir, "data"),
             "--admin-token", ADMIN, "--threads", "2", "--block-private-postbacks=false"],
            stderr=cls.log)
        cls.base = None
        for _ in range(200):
            cls.log.seek(0)
            first = cls.log.readline()
            if first.endswith("\n"):
                cls.base = "http://" + json.loads(first)["listen"]
                break
            time.sleep(0.05)
        assert cls.base, "trackerd printed no listening line"

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(20)
        cls.receiver.shutdown()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, admin=False):
        headers = dict(headers or {})
        if admin:
            headers["Authorization"] = "Bearer " + ADMIN
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with OPENER.open(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode("utf-8", "replace")

    def scrape(self):
        status, headers, text = self.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        samples = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return text, samples

    @staticmethod
    def value(samples, name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def seed(self):
        program = {"name": "Metrics", "currency": "USD", "postback_secret": SECRET,
                   "stripe_webhook_secret": STRIPE_SECRET,
                   "allowed_hosts": ["shop.example.com"],
                   "commission": {"first_sale": {"percent": "20"}}}
        receiver = "http://127.0.0.1:%d/pb?payout={commission}" % self.receiver.server_port
        for path, body in [("/api/v1/programs/acme", program),
                           ("/api/v1/programs/acme/partners/jane-secret-partner",
                            {"name": "Jane", "postback_url": receiver})]:
            status, _, answer = self.request("PUT", path, json.dumps(body), admin=True)
            self.assertEqual(status, 200, answer)
        status, _, answer = self.request(
            "POST", "/api/v1/programs/acme/links",
            json.dumps({"partner_id": "jane-secret-partner", "code": "spring-sale-code",
                        "destination": "https://shop.example.com/"}), admin=True)
        self.assertEqual(status, 201, answer)

    def stripe_event(self, event_type):
        body = json.dumps({"id": "evt_metrics_1", "type": event_type, "created": int(time.time()),
                           "data": {"object": {"id": "sub_1"}}})
        stamp = str(int(time.time()))
        signature = hmac.new(STRIPE_SECRET.encode(), (stamp + "." + body).encode(),
                             hashlib.sha256).hexdigest()
        return self.request("POST", "/webhooks/stripe/acme", body,
                            {"Stripe-Signature": "t=%s,v1=%s" % (stamp, signature),
                             "Content-Type": "application/json"})

    def test_counters_move_with_traffic_and_labels_stay_bounded(self):
        self.seed()
        _, before = self.scrape()
        cookie = None
        for agent in [BROWSER, BROWSER, "Googlebot/2.1 (+http://www.google.com/bot.html)"]:
            status, headers, _ = self.request("GET", "/go/spring-sale-code",
                                              headers={"User-Agent": agent})
            self.assertEqual(status, 302)
            self.assertRegex(headers["X-Request-Id"], r"^[0-9a-f]{8}-\d+-\d+$")
            if agent == BROWSER:
                cookie = headers["Set-Cookie"].split(";")[0]
        status, headers, _ = self.request(
            "GET", "/px.gif?program=acme&order_id=secret-order-77&amount=50&currency=USD",
            headers={"User-Agent": BROWSER, "Cookie": cookie})
        self.assertEqual(headers.get("X-Tracker-Result"), "attributed")
        self.assertEqual(self.request("GET", "/no/such/path")[0], 404)
        self.assertEqual(self.stripe_event("customer.subscription.updated")[0], 200)
        for _ in range(100):  # the postback worker delivers on its own thread
            if Receiver.hits:
                break
            time.sleep(0.05)
        time.sleep(0.2)

        text, after = self.scrape()
        moved = lambda name, **labels: (self.value(after, name, **labels) -
                                        self.value(before, name, **labels))
        self.assertEqual(moved("clicktrack_clicks_total"), 3)
        self.assertEqual(moved("clicktrack_bot_clicks_total"), 1)
        self.assertEqual(moved("clicktrack_http_requests_total", route="/go/{code}", code="302"), 3)
        self.assertEqual(moved("clicktrack_http_request_duration_seconds_count", route="/go/{code}"),
                         3)
        self.assertEqual(moved("clicktrack_http_requests_total", route="none", code="404"), 1)
        self.assertEqual(moved("clicktrack_conversions_total", result="attributed",
                               kind="first_sale"), 1)
        self.assertEqual(moved("clicktrack_commission_minor_total", currency="USD",
                               type="accrual"), 1000)
        self.assertEqual(moved("clicktrack_stripe_events_total", type="other", outcome="ignored"),
                         1)
        self.assertGreaterEqual(moved("clicktrack_committer_write_seconds_count"), 1)
        self.assertGreaterEqual(moved("clicktrack_committer_batch_events_sum"), 1)
        self.assertEqual(moved("clicktrack_postback_deliveries_total", outcome="delivered"), 1)
        self.assertEqual(self.value(after, "clicktrack_outbox_pending"), 0)
        self.assertEqual(self.value(after, "clicktrack_ready"), 1)
        self.assertGreater(self.value(after, "process_resident_memory_bytes"), 1 << 20)
        self.assertGreaterEqual(self.value(after, "clicktrack_open_connections"), 0)
        self.assertGreater(self.value(after, "clicktrack_rocksdb_memtable_bytes", family="clicks"),
                           0)
        self.assertTrue(any(name == "clicktrack_build_info" for name, _ in after))
        for secret in [ADMIN, SECRET, STRIPE_SECRET, "spring-sale-code", "jane-secret-partner",
                       "secret-order-77", cookie.split("=")[1], "evt_metrics_1"]:
            self.assertNotIn(secret, text)
        routes = {dict(labels).get("route") for _, labels in after} - {None}
        self.assertTrue(routes <= {"none", "/go/{code}", "/px.gif", "/metrics",
                                   "/webhooks/stripe/{program}", "/api/v1/programs/{program}",
                                   "/api/v1/programs/{program}/partners/{partner}",
                                   "/api/v1/programs/{program}/links"}, routes)

        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool (Debian's prometheus package) is not installed")
        checked = subprocess.run([promtool, "check", "metrics"], input=text, text=True,
                                 capture_output=True)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)


if __name__ == "__main__":
    unittest.main()
