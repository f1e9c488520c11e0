#!/usr/bin/env python3
"""Writes a program's year of history as an import file (SPEC §6 NDJSON), for reports.sh.

    report_history.py OUT [clicks=1000000] [orders=100000] [partners=1000]

Partner p0001 gets `clicks` clicks over the 365 days ending yesterday and `orders` orders: 70 %
first sales on a click (every tenth click names its customer), 30 % repeat sales of those
customers a few days later. Each other partner gets 50 clicks and 5 sales on days spread over
the year. Prints the partners and their join dates (id date) on stdout, one per line.
"""
import datetime
import random
import sys


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    out = sys.argv[1]
    clicks = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    orders = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    partners = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    rng = random.Random(13)
    end = datetime.datetime.now(datetime.timezone.utc).replace(
        hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=365)
    span = (end - start).total_seconds()
    with open(out, "w") as f:
        step = span / clicks
        first_sales = orders * 7 // 10
        every = max(1, clicks // first_sales)
        buyers = []
        for i in range(clicks):
            t = start + datetime.timedelta(seconds=i * step)
            named = i % every == 0 and len(buyers) < first_sales
            line = '{"record":"click","at":"%s","link":"l0001","click_id":"c%d"' % (stamp(t), i)
            if named:
                line += ',"customer":"cus-%d"' % i
            f.write(line + "}\n")
            if named:
                sale = t + datetime.timedelta(hours=1)
                f.write('{"record":"conversion","at":"%s","order_id":"f%d","amount":"%d.00",'
                        '"currency":"USD","click_id":"c%d"}\n' % (stamp(sale), i, rng.randint(20, 200), i))
                buyers.append((i, sale))
        for n in range(orders - len(buyers)):
            i, first = buyers[rng.randrange(len(buyers))]
            at = min(first + datetime.timedelta(days=rng.randint(1, 60)), end)
            f.write('{"record":"conversion","at":"%s","order_id":"r%d","amount":"%d.00",'
                    '"currency":"USD","customer":"cus-%d"}\n' % (stamp(at), n, rng.randint(20, 200), i))
        for p in range(2, partners + 1):
            for k in range(50):
                t = start + datetime.timedelta(seconds=rng.random() * span)
                f.write('{"record":"click","at":"%s","link":"l%04d","click_id":"p%d-%d",'
                        '"customer":"cus-p%d-%d"}\n' % (stamp(t), p, p, k, p, k))
                if k % 10 == 0:
                    f.write('{"record":"conversion","at":"%s","order_id":"o%d-%d","amount":"50.00",'
                            '"currency":"USD","customer":"cus-p%d-%d"}\n'
                            % (stamp(t + datetime.timedelta(minutes=5)), p, k, p, k))
    for p in range(1, partners + 1):
        joined = start - datetime.timedelta(days=rng.randint(0, 400))
        print("p%04d %s" % (p, stamp(joined)))


main()
