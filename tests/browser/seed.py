"""A program with a year of history, built through the admin API and the import route, for the
browser tests and the dashboard's screenshots (docs/dashboard.md).

Deterministic for a given `today`: 12 partners who joined over the last year, links, clicks and
sales of returning customers (so cohorts have lifetime value), refunds, and values that would
run as script if a page ever rendered them as HTML.
"""

import datetime
import json
import random
import urllib.request

PROGRAM = "acme"
# Stored as names, sub-ids and order ids: a page must show them as text.
XSS_NAME = '<script>window.__xss=1</script>Mallory'
XSS_SUB = '<img src=x onerror="window.__xss=2">'
XSS_ORDER = '<img src=x onerror=window.__xss=3>'

PARTNERS = [
    ("jane", "Jane Doe", 350), ("omar", "Omar Haddad", 330), ("li", "Li Wei", 300),
    ("sara", "Sara Costa", 280), ("tom", "Tom Becker", 240), ("ana", "Ana Ruiz", 200),
    ("ken", "Ken Sato", 160), ("mia", "Mia Novak", 120), ("raj", "Raj Patel", 90),
    ("eve", "Eve Martin", 60), ("max", "Max Weber", 20), ("mallory", XSS_NAME, 150),
]
# Clicks per day and the share of them that buy, per partner: stars, workhorses, the quiet.
WEIGHT = {"jane": 9, "omar": 6, "li": 4, "sara": 3, "tom": 2, "ana": 2, "ken": 1, "mia": 1,
          "raj": 1, "eve": 0, "max": 1, "mallory": 1}


class Admin:
    def __init__(self, address, token):
        self.base = f"http://{address}/api/v1"
        self.token = token

    def call(self, method, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.token}", **(headers or {})})
        with urllib.request.urlopen(request, timeout=120) as response:
            text = response.read()
            return json.loads(text) if text else None


def stamp(day, seconds):
    return (datetime.datetime.combine(day, datetime.time()) +
            datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def history(today):
    """The NDJSON lines: a year of clicks and sales, repeat purchases, a refund or two."""
    rng = random.Random(15)
    lines = []
    customers = {}  # partner -> [customer refs]
    for partner, _, joined_days in PARTNERS:
        weight = WEIGHT[partner]
        for age in range(joined_days, 0, -1):
            day = today - datetime.timedelta(days=age)
            for n in range(weight * rng.randint(1, 4)):
                ref = f"cus_{partner}_{age}_{n}"
                sub = XSS_SUB if partner == "mallory" else f"spring-{n % 3}"
                lines.append({"record": "click", "at": stamp(day, 3600 + n), "link": f"{partner}-1",
                              "click_id": f"old-{partner}-{age}-{n}", "customer": ref, "sub1": sub})
                if rng.random() < 0.12:
                    order = f"o-{partner}-{age}-{n}"
                    amount = f"{rng.choice([29, 49, 99, 149])}.00"
                    lines.append({"record": "conversion", "at": stamp(day, 7200 + n), "order_id": order,
                                  "amount": amount, "currency": "USD", "customer": ref,
                                  "click_id": f"old-{partner}-{age}-{n}"})
                    customers.setdefault(partner, []).append((ref, age, amount))
    for partner, bought in customers.items():
        for ref, age, amount in bought:
            # Returning customers: monthly renewals while the subscription lasts.
            months = rng.choice([0, 0, 1, 2, 3, 6, 12])
            for month in range(1, months + 1):
                when = age - 30 * month
                if when <= 1:
                    break
                day = today - datetime.timedelta(days=when)
                lines.append({"record": "conversion", "at": stamp(day, 10800), "order_id": f"r-{ref}-{month}",
                              "amount": amount, "currency": "USD", "customer": ref})
            if rng.random() < 0.03:
                day = today - datetime.timedelta(days=max(age - 3, 1))
                lines.append({"record": "conversion", "at": stamp(day, 14400),
                              "order_id": f"o-{ref[4:].replace('_', '-')}", "status": "refunded",
                              "amount": amount, "currency": "USD"})
    # Mallory's newest sale, first in her ledger: its order id is markup.
    yesterday = today - datetime.timedelta(days=1)
    lines.append({"record": "click", "at": stamp(yesterday, 60), "link": "mallory-1",
                  "click_id": "old-mallory-xss", "customer": "cus_mallory_xss", "sub1": XSS_SUB})
    lines.append({"record": "conversion", "at": stamp(yesterday, 120), "order_id": XSS_ORDER,
                  "amount": "99.00", "currency": "USD", "customer": "cus_mallory_xss",
                  "click_id": "old-mallory-xss"})
    return lines


def seed(address, token, today=None, postbacks_to="tracker.mallory.example"):
    """Builds the program on the trackerd at `address`; returns the import's answer. Mallory's
    postbacks go to `postbacks_to` (host[:port])."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    admin = Admin(address, token)
    admin.call("PUT", f"/programs/{PROGRAM}", {
        "name": "Acme SaaS", "currency": "USD", "postback_secret": "browser-test-postback-secret",
        "allowed_hosts": ["127.0.0.1", "shop.example.com"],
        "attribution": {"window": "720h", "model": "last_click", "lifetime": "0"},
        "commission": {"first_sale": {"percent": "20"}, "repeat_sale": {"percent": "10"},
                       "lead": {"fixed": "2.00"}, "hold": "720h"}})
    for partner, name, joined_days in PARTNERS:
        joined = today - datetime.timedelta(days=joined_days + 1)
        record = {"name": name, "email": f"{partner}@partners.example",
                  "joined_at": f"{joined.isoformat()}T00:00:00Z"}
        if partner == "mallory":  # her sub-ids come back in her postbacks' URLs
            record["postback_url"] = f"http://{postbacks_to}/pb?s={{sub1}}&t={{delivery_id}}"
        admin.call("PUT", f"/programs/{PROGRAM}/partners/{partner}", record)
        admin.call("POST", f"/programs/{PROGRAM}/links",
                   {"partner_id": partner, "code": f"{partner}-1",
                    "destination": "https://shop.example.com/pricing?plan=pro"})
    body = "\n".join(json.dumps(line) for line in history(today)).encode()
    return admin.call("POST", f"/programs/{PROGRAM}/import", raw=body)


if __name__ == "__main__":
    import sys
    print(json.dumps(seed(sys.argv[1], sys.argv[2])))
