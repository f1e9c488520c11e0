#!/usr/bin/env python3
"""Writes COUNT signed Stripe invoice.paid events (API 2025-08-27.basil shape), one per line as
"<Stripe-Signature>\t<body>", for bench/load/orders.lua's MODE=stripe. Signed now: use them
within Stripe's 300 s tolerance.

  stripe_events.py SECRET COUNT OUT
"""
import hashlib
import hmac
import json
import sys
import time

secret, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = int(time.time())
run = hashlib.sha256(str(time.time_ns()).encode()).hexdigest()[:8]
with open(out, "w") as f:
    for n in range(count):
        body = json.dumps({
            "id": f"evt_{run}_{n}", "object": "event", "api_version": "2025-08-27.basil",
            "created": now, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": "invoice.paid",
            "data": {"object": {
                "object": "invoice", "id": f"in_{run}_{n}", "customer": f"cus_{n % 5000}",
                "amount_paid": 2990, "amount_due": 2990, "currency": "usd", "status": "paid",
                "billing_reason": "subscription_cycle" if n >= 5000 else "subscription_create",
                "parent": {"type": "subscription_details", "quote_details": None,
                           "subscription_details": {"subscription": f"sub_{n % 5000}",
                                                    "metadata": {}}}}}},
            separators=(",", ":"))
        signature = hmac.new(secret.encode(), f"{now}.{body}".encode(), hashlib.sha256).hexdigest()
        f.write(f"t={now},v1={signature}\t{body}\n")
