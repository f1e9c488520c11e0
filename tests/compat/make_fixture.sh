#!/usr/bin/env bash
# Writes the data directory that tests/compat_test.cc opens with today's build: a program, two
# partners, links, clicks of new and returning visitors, sales, a repeat sale, a refund and a
# lead, made by an OLDER trackerd. Kept as tests/compat/data-<commit>.tar.gz.
#
#   tests/compat/make_fixture.sh OLD_TRACKERD OUT.tar.gz
set -euo pipefail
old="$1"
out="$2"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
admin="compat-admin-token-0123456789"
secret="compat-postback-secret"
"$old" --listen 127.0.0.1:0 --data "$work/data" --admin-token "$admin" --threads 1 2>"$work/log" &
pid=$!
for _ in $(seq 1 100); do grep -q '"listen"' "$work/log" && break; sleep 0.05; done
base="http://$(grep -o '"listen":"[^"]*"' "$work/log" | head -1 | cut -d'"' -f4)"
api="$base/api/v1/programs/acme"
auth="Authorization: Bearer $admin"
agent="User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"
curl -sf -X PUT "$api" -H "$auth" -d "{\"name\":\"Acme\",\"currency\":\"USD\",\"postback_secret\":\"$secret\",\"allowed_hosts\":[\"shop.example.com\"],\"commission\":{\"first_sale\":{\"percent\":\"20\"},\"repeat_sale\":{\"percent\":\"10\"},\"lead\":{\"fixed\":\"1.00\"}},\"hold_days\":0}" >/dev/null
for p in jane omar; do
  curl -sf -X PUT "$api/partners/$p" -H "$auth" -d "{\"name\":\"$p\"}" >/dev/null
  curl -sf -X POST "$api/links" -H "$auth" -d "{\"partner_id\":\"$p\",\"code\":\"$p-1\",\"destination\":\"https://shop.example.com/\"}" >/dev/null
done
visitor() { curl -s -o /dev/null -D - "$base/go/$1" -H "$agent" ${2:+-H "Cookie: tc_cid=$2"} | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: tc_cid=\([^;]*\).*/\1/p'; }
a="$(visitor jane-1)"
visitor jane-1 "$a" >/dev/null  # returning
b="$(visitor omar-1)"
visitor jane-1 >/dev/null        # a visitor who never buys
pixel() { curl -sf -o /dev/null "$base/px.gif?program=acme&$1" -H "$agent" -H "Cookie: tc_cid=$2"; }
pixel "order_id=A1&amount=100.00&currency=USD&customer=cus_a" "$a"
pixel "order_id=B1&amount=50.00&currency=USD&customer=cus_b" "$b"
pixel "order_id=B0&type=lead&currency=USD" "$b"
post() { curl -sf -o /dev/null "$base/postback?program=acme&token=$secret&$1"; }
post "order_id=A2&amount=40.00&currency=USD&customer=cus_a"               # repeat sale, jane
post "order_id=B1&amount=10.00&currency=USD&status=refunded"              # partial refund
kill -TERM "$pid"
wait "$pid" || true
tar -C "$work" -czf "$out" data
echo "wrote $out ($(du -h "$out" | cut -f1))"
