#!/usr/bin/env python3
"""deploy/import_from_csv.py on a small Rewardful-shaped export: every record it writes, and
the rows it skips with their numbers."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "deploy", "import_from_csv.py")


def convert(*args):
    done = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          check=True)
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


class ImportFromCsvTest(unittest.TestCase):
    def test_rewardful_referrals_and_sales(self):
        records, errors = convert("--platform", "rewardful", "--cents",
                                  "--referrals", os.path.join(HERE, "referrals.csv"),
                                  "--sales", os.path.join(HERE, "sales.csv"))
        self.assertEqual(records, [
            {"record": "click", "at": "2026-01-05T10:00:00Z", "link": "jane-1",
             "click_id": "r-1", "customer": "cus_A"},
            {"record": "owner", "customer": "cus_A", "partner_id": "jane",
             "since": "2026-01-06T10:00:00Z"},
            {"record": "click", "at": "2026-01-07T09:00:00Z", "link": "jane-1", "click_id": "r-2"},
            {"record": "conversion", "at": "2026-01-06T10:00:00Z", "order_id": "ch_1",
             "amount": "49.90", "currency": "USD", "customer": "cus_A"},
            {"record": "conversion", "at": "2026-02-06T00:00:00Z", "order_id": "ch_2",
             "amount": "10.00", "currency": "USD", "customer": "cus_A"},
            {"record": "conversion", "at": "2026-02-06T00:00:00Z", "order_id": "ch_2",
             "amount": "10.00", "currency": "USD", "customer": "cus_A", "status": "refunded"},
        ])
        self.assertIn("referrals.csv row 4 skipped", errors)
        self.assertIn("sales.csv row 4 skipped: needs an order id, an amount and a time", errors)

    def test_columns_can_be_renamed(self):
        records, _ = convert("--platform", "rewardful", "--column", "order_id=stripe_customer_id",
                             "--sales", os.path.join(HERE, "sales.csv"))
        self.assertEqual(records[0]["order_id"], "cus_A")
        self.assertEqual(records[0]["amount"], "4990")  # without --cents: as written

    def test_an_unknown_field_is_refused(self):
        done = subprocess.run([sys.executable, SCRIPT, "--platform", "dub", "--column", "x=y"],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--column: unknown field x", done.stderr)


if __name__ == "__main__":
    unittest.main()
