#!/usr/bin/env python3
"""Turns another platform's CSV exports into a clicktrack import file (SPEC §6, NDJSON).

    deploy/import_from_csv.py --platform rewardful --referrals referrals.csv \\
        --sales sales.csv > history.ndjson
    curl -X POST "$API/programs/acme/import" -H "Authorization: Bearer $TOKEN" \\
        --data-binary @history.ndjson

A refunded sale becomes its sale and then a refund of all of it. Referrals become owner records (the customer keeps earning for its partner from the time it
converted) and, with a visit time and a link, click records; sales become conversion records.
The columns read are the platform's preset (see docs/import.md), each of which --column
FIELD=HEADER overrides. Amounts are taken in major units ("49.90") unless --cents. A row that
lacks what a record needs is reported on stderr with its row number and skipped.
"""
import argparse
import csv
import json
import sys
from datetime import datetime, timezone

PRESETS = {
    "rewardful": {
        "partner_id": "affiliate_id", "customer": "stripe_customer_id",
        "since": "became_conversion_at", "visit_at": "created_at", "link": "link_token",
        "click_id": "id", "order_id": "charge_id", "amount": "amount", "currency": "currency",
        "at": "created_at", "refunded": "refunded",
    },
    "firstpromoter": {
        "partner_id": "promoter_id", "customer": "uid", "since": "created_at",
        "visit_at": "", "link": "", "click_id": "", "order_id": "event_id",
        "amount": "sale_amount", "currency": "currency", "at": "created_at", "refunded": "",
    },
    "dub": {
        "partner_id": "partner_id", "customer": "customer_external_id", "since": "timestamp",
        "visit_at": "timestamp", "link": "link_key", "click_id": "click_id",
        "order_id": "invoice_id", "amount": "amount", "currency": "currency", "at": "timestamp",
        "refunded": "",
    },
}


def rfc3339(text):
    """An export's time (ISO 8601, with or without a zone; a date alone) in UTC."""
    text = text.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(text, cents):
    value = text.strip().replace(",", "")
    if cents:
        minor = int(value)
        return "%s%d.%02d" % ("-" if minor < 0 else "", abs(minor) // 100, abs(minor) % 100)
    return value


def rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            yield number, row


def referrals(path, columns, emit, skip):
    for number, row in rows(path):
        get = lambda field: (row.get(columns[field]) or "").strip() if columns[field] else ""
        partner, customer, since = get("partner_id"), get("customer"), get("since")
        if get("visit_at") and get("link"):
            click = {"record": "click", "at": rfc3339(get("visit_at")), "link": get("link")}
            if get("click_id"):
                click["click_id"] = get("click_id")
            if customer:
                click["customer"] = customer
            emit(click)
        if partner and customer and since:
            emit({"record": "owner", "customer": customer, "partner_id": partner,
                  "since": rfc3339(since)})
        elif not (get("visit_at") and get("link")):
            skip(path, number, "needs partner, customer and since (or a visit and a link)")


def sales(path, columns, cents, emit, skip):
    for number, row in rows(path):
        get = lambda field: (row.get(columns[field]) or "").strip() if columns[field] else ""
        if not (get("order_id") and get("amount") and get("at")):
            skip(path, number, "needs an order id, an amount and a time")
            continue
        sale = {"record": "conversion", "at": rfc3339(get("at")), "order_id": get("order_id"),
                "amount": money(get("amount"), cents)}
        if get("currency"):
            sale["currency"] = get("currency").upper()
        if get("customer"):
            sale["customer"] = get("customer")
        emit(sale)
        if get("refunded").lower() in ("true", "1", "yes"):  # refunded whole, time unknown
            emit(dict(sale, status="refunded"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=sorted(PRESETS), required=True)
    parser.add_argument("--referrals", help="CSV of referred customers (owners, visits)")
    parser.add_argument("--sales", help="CSV of sales (conversions)")
    parser.add_argument("--column", action="append", default=[], metavar="FIELD=HEADER",
                        help="read FIELD from the column HEADER instead of the preset's")
    parser.add_argument("--cents", action="store_true", help="amounts are in minor units")
    args = parser.parse_args()
    columns = dict(PRESETS[args.platform])
    for pair in args.column:
        field, _, header = pair.partition("=")
        if field not in columns:
            parser.error("--column: unknown field %s (one of %s)" % (field, ", ".join(columns)))
        columns[field] = header
    skipped = 0

    def emit(record):
        sys.stdout.write(json.dumps(record, separators=(",", ":")) + "\n")

    def skip(path, number, why):
        nonlocal skipped
        skipped += 1
        print("%s row %d skipped: %s" % (path, number, why), file=sys.stderr)

    if args.referrals:
        referrals(args.referrals, columns, emit, skip)
    if args.sales:
        sales(args.sales, columns, args.cents, emit, skip)
    if skipped:
        print("%d rows skipped" % skipped, file=sys.stderr)


main()
