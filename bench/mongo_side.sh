#!/usr/bin/env bash
# The MongoDB side (FerretDB: user, review, notification) at realistic size, against a running
# `./marketplace up` (issue 17): `./marketplace bench mongo-side`, through bench/run.sh. Writes
# bench/reports/<UTC time>-mongo-side.md and prints it.
#   DURATION=15s CONNECTIONS=64 THREADS=2 SEED_SCALE=1 ./marketplace bench mongo-side
# 1. Seeds the stores up to 100k notices over 1,000 customers, 20k reviews (with their rating snapshots) and
#    10k provider profiles (bench/seed_mongo_side.py, pymongo in var/tools/bench-venv; SEED_SCALE=0.05 for a
#    quick try), plus a "reader" customer with READER_NOTICES notices and a "bulk" one with BULK_NOTICES, and
#    reads the seeded data back through the gateway.
# 2. Measures through the bench gateway (bench/lib.sh): event latency at that size, inbox and unread count,
#    read-all on the bulk inbox (nothing unread under wrk; 10 and 100 fresh notices one timed call at a time),
#    rating, both profiles, provider search, then POST /reviews paced near REVIEW_RATE per second on orders
#    made reviewable directly in order_db (SQL: completed, paid, a seeded provider).
# Every run adds what it measures (its accounts, the bulk inbox, the reviews and their notices): the report
# lists every collection's size at the start and at the end of the measurements.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SEED_SCALE=${SEED_SCALE:-1}
READER_NOTICES=${READER_NOTICES:-100}
BULK_NOTICES=${BULK_NOTICES:-10000}
READ_ALL_ROUNDS=${READ_ALL_ROUNDS:-5}
REVIEW_RATE=${REVIEW_RATE:-500}
LATENCY_ORDERS=${LATENCY_ORDERS:-300}
LATENCY_SECONDS=${LATENCY_SECONDS:-120}  # the probe stops here even if fewer orders were measured
BENCH_NOTE=${BENCH_NOTE:-}                # a line for the report's header (e.g. what else ran)
REPORT="$ROOT/bench/reports/$(date -u +%Y%m%dT%H%M%SZ)-mongo-side.md"
MONGO_URL="mongodb://127.0.0.1:${MP_MONGO_PORT:?run through ./marketplace bench mongo-side}/"

# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
TAG=bench

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
bench_tools >&2
SEED=("$ROOT/var/tools/bench-venv/bin/python" "$ROOT/bench/seed_mongo_side.py")
bench_start

# ---- accounts ---------------------------------------------------------------------------------------------

# user_id TOKEN: the account's id.
user_id() { curl -fsS "$BENCH_GATEWAY/api/v1/auth/me" -H "Authorization: Bearer $1" | json_field '["data"]["id"]'; }
# profile KIND TOKEN BODY: waits for the profile that user.registered makes, then sets BODY on it.
profile() {
  local url="$BENCH_GATEWAY/api/v1/$1/profile"
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$url" -H "Authorization: Bearer $2" && break
    sleep 0.2
  done
  curl -fsS -o /dev/null -X PUT "$url" -H 'Content-Type: application/json' -H "Authorization: Bearer $2" -d "$3"
}

admin_token=$(bench_admin)
reader=$(signed_in 1)    # READER_NOTICES notices: inbox and unread-count, customer profile
bulk=$(signed_in 1)      # BULK_NOTICES notices, all read: read-all
reviewer=$(signed_in 1)  # owns the reviewable orders
provider=$(signed_in 2)  # provider profile
probe=$(signed_in 1)     # event-latency probe
reader_id=$(user_id "$reader")
bulk_id=$(user_id "$bulk")
reviewer_id=$(user_id "$reviewer")
profile customer "$reader" '{"location":"EAST","address":"7 Bench Road","budget_preference":250}'
profile provider "$provider" '{"skills":["plumbing","Wiring","tiling"],"experience_years":12,"hourly_rate":55.5,
  "availability":"weekdays 9-17","portfolio":["https://example.com/portfolio/bench/1"],"service_areas":["NORTH","MID"]}'

# ---- seeding ----------------------------------------------------------------------------------------------

echo ">> seeding: bench/seed_mongo_side.py seed \$MONGO_URL --scale $SEED_SCALE" \
  "(reader $READER_NOTICES, bulk $BULK_NOTICES notices)" >&2
summary=$("${SEED[@]}" seed "$MONGO_URL" --scale "$SEED_SCALE" \
  --reader "$reader_id" --reader-notices "$READER_NOTICES" --bulk "$bulk_id" --bulk-notices "$BULK_NOTICES")
field() { json_field "$1" <<<"$summary"; }
top_provider=$(field '["top_provider"]')
settle
echo ">> verifying the seeded data through the gateway" >&2
verified=$("${SEED[@]}" verify "$MONGO_URL" "$BENCH_GATEWAY" "$reader_id" "$reader" "$bulk")
echo ">> $verified" >&2

# Reviewable orders for the review scenario, straight into order_db (the API would take publish, approve,
# accept, two status changes, a payment and its event per order): the reviewer's, completed and paid, each
# with a seeded provider (spread like the seeded reviews).
seconds_of() {
  case $1 in
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
review_orders=$(($(seconds_of "$DURATION") * REVIEW_RATE * 6 / 5 + 100))
cat >"$WORK/order.cnf" <<EOF
[client]
host=127.0.0.1
port=$MP_MYSQL_PORT
user=order_svc
password=$MP_DB_PASSWORD_ORDER
database=order_db
EOF
order_sql() { mariadb --defaults-file="$WORK/order.cnf" -N -B "$@"; }
echo ">> $review_orders reviewable orders for customer $reviewer_id, inserted into order_db.orders" >&2
python3 - "$reviewer_id" "$review_orders" "$(field '["provider_base"]')" "$(field '["reviewed_providers"]')" \
  <<'EOF' | order_sql
import sys
customer, count, base, reviewed = (int(a) for a in sys.argv[1:])
columns = ("customer_id, provider_id, title, description, service_type, status, price, location, address, "
           "payment_status, has_review, version, created_at, updated_at")
for first in range(0, count, 1000):
    rows = ["(%d, %d, 'Bench: reviewable order', 'made by bench/mongo_side.sh', 'cleaning_repair', "
            "'completed', 80.25, 'MID', '1 Bench Street', 'paid', 0, 5, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
            % (customer, base + (i * 7919 + 13) % reviewed) for i in range(first, min(count, first + 1000))]
    print("INSERT INTO orders (%s) VALUES %s;" % (columns, ", ".join(rows)))
EOF
pause_ms=$((CONNECTIONS * 1000 / REVIEW_RATE))
{
  echo "local order_ids = {"
  order_sql -e "SELECT id FROM orders WHERE customer_id = $reviewer_id AND status = 'completed'
    AND has_review = 0 ORDER BY id" | sed 's/$/,/'
  echo "}"
  echo "local thread_count = $THREADS"
  echo "local pause_ms = $pause_ms"
  cat "$ROOT/bench/lua/review.lua"
} >"$WORK/review.lua"

collections_start=$("${SEED[@]}" counts "$MONGO_URL")

# ---- scenarios --------------------------------------------------------------------------------------------

# store_idle: waits (at most 5 minutes) until the user service has no store call queued or running beyond
# its outbox relay's, and a profile read through it (one FerretDB lookup by _id) answers within 200 ms three
# times in a row: the requests that outlasted wrk's timeout (searches) go on in the services and in FerretDB
# after wrk stopped. (FerretDB itself is never idle at this size: the outbox relays' polls scan whole
# collections.)
store_idle() {
  local fast=0 t
  for _ in $(seq 300); do
    if curl -fsS "$USER_SVC/metrics" | awk '$1 == "blocking_pool_pending" {n += $2}
        $1 == "mongo_clients_in_use" && $2 > 1 {n += $2 - 1} END {exit n > 0}'; then
      t=$(curl -sS -o /dev/null -w '%{time_total}' "$USER_SVC/api/v1/customer/profile" -H "Authorization: Bearer $reader")
      if awk -v t="$t" 'BEGIN {exit !(t < 0.2)}'; then fast=$((fast + 1)); else fast=0; fi
      [ "$fast" -ge 3 ] && return 0
    fi
    sleep 1
  done
  echo ">> the user service or FerretDB still busy after 5 minutes; measuring anyway" >&2
}
# consumers_idle: waits (at most 5 minutes) until no consumer of the order, review, user and notification
# services handled an event for 2 s (settle watches the notification consumer only, for at most 2 minutes).
consumers_idle() {
  local url handled last="" still=0
  for _ in $(seq 600); do
    handled=""
    for url in "$ORDER" "$REVIEW" "$USER_SVC" "$NOTIFICATION"; do
      handled+="$(curl -fsS "$url/metrics" | awk '$1 == "consumer_handled_total" {print $2}') "
    done
    if [ "$handled" = "$last" ]; then still=$((still + 1)); else still=0; fi
    last=$handled
    [ "$still" -ge 4 ] && return 0
    sleep 0.5
  done
  echo ">> the consumers still busy after 5 minutes; measuring anyway" >&2
}
# outboxes_empty: waits (at most 20 minutes) until no service has an event waiting in its outbox; prints how
# many seconds that took.
outboxes_empty() {
  local t0=$SECONDS url waiting
  while [ $((SECONDS - t0)) -lt 1200 ]; do
    waiting=0
    for url in "$AUTH" "$ORDER" "$PAYMENT" "$REVIEW" "$USER_SVC"; do
      curl -fsS "$url/metrics" | awk '$1 == "outbox_backlog" {n += $2} END {exit n > 0}' || waiting=1
    done
    [ "$waiting" = 0 ] && break
    sleep 1
  done
  [ "$waiting" = 0 ] || echo ">> events still waiting in an outbox after 20 minutes; measuring anyway" >&2
  echo $((SECONDS - t0))
}
# quiet: the platform idle again, and the 1-min load average at that moment kept (busiest in load_max).
load_max=0
quiet() {
  settle
  outboxes_empty >/dev/null
  consumers_idle
  store_idle
  load_max=$(awk -v max="$load_max" '{print ($1 > max) ? $1 : max}' /proc/loadavg)
}

# One order at a time on an idle platform, before the load scenarios.
quiet
echo ">> event latency: bench/event_latency.py \$GATEWAY \$TOKEN $LATENCY_ORDERS $LATENCY_SECONDS" >&2
latency=$(python3 "$ROOT/bench/event_latency.py" "$BENCH_GATEWAY" "$probe" "$LATENCY_ORDERS" "$LATENCY_SECONDS" 2>&1) ||
  latency="FAILED: $(echo "$latency" | tail -n 1)"

quiet
TARGET="≥ 3,000 req/s, p99 ≤ 40 ms" run "GET /api/v1/customer/inbox (first page, 50 of $READER_NOTICES)" \
  "$BENCH_GATEWAY/api/v1/customer/inbox" -H "Authorization: Bearer $reader"
TARGET="≥ 6,000 req/s" run "GET /api/v1/customer/inbox/unread-count" \
  "$BENCH_GATEWAY/api/v1/customer/inbox/unread-count" -H "Authorization: Bearer $reader"
TARGET="≤ 20 ms" run "PUT /api/v1/customer/inbox/read-all ($BULK_NOTICES-entry inbox, nothing unread)" \
  "$BENCH_GATEWAY/api/v1/customer/inbox/read-all" -H "Authorization: Bearer $bulk" -s "$ROOT/bench/lua/put.lua"

# read_all_timed N: READ_ALL_ROUNDS times: N admin notices to the bulk customer (the real write path), then one
# timed read-all; prints "median max" in ms. Exits if the read-all did not mark exactly N.
read_all_timed() {
  local n=$1 round i times=() updated
  for round in $(seq "$READ_ALL_ROUNDS"); do
    for i in $(seq "$n"); do
      post "/admin/notifications/customer/$bulk_id" "$admin_token" "{\"message\":\"Bench notice $round.$i\"}" >/dev/null
    done
    times+=("$(curl -fsS -o "$WORK/read-all.json" -w '%{time_total}' -X PUT \
      "$BENCH_GATEWAY/api/v1/customer/inbox/read-all" -H "Authorization: Bearer $bulk")")
    updated=$(json_field '["data"]["updated"]' <"$WORK/read-all.json")
    [ "$updated" = "$n" ] || { echo "read-all marked $updated notices read, not $n" >&2; exit 1; }
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR] = $1 * 1000} END {printf "%.1f %.1f", t[int((NR + 1) / 2)], t[NR]}'
}
echo ">> read-all with 10 and with 100 fresh unread notices, $READ_ALL_ROUNDS rounds each" >&2
read_all_10=$(read_all_timed 10)
read_all_100=$(read_all_timed 100)
read -r read_all_10_median read_all_10_max <<<"$read_all_10"
read -r read_all_100_median read_all_100_max <<<"$read_all_100"

quiet
TARGET="≥ 5,000 req/s" run "GET /api/v1/reviews/provider/{id}/rating (seeded provider, $(field '["top_provider_reviews"]')+ reviews)" \
  "$BENCH_GATEWAY/api/v1/reviews/provider/$top_provider/rating"
TARGET="≥ 5,000 req/s" run "GET /api/v1/provider/profile" \
  "$BENCH_GATEWAY/api/v1/provider/profile" -H "Authorization: Bearer $provider"
TARGET="≥ 5,000 req/s" run "GET /api/v1/customer/profile" \
  "$BENCH_GATEWAY/api/v1/customer/profile" -H "Authorization: Bearer $reader"

quiet
available=$(grep -c '^[0-9]' "$WORK/review.lua" || true)
TARGET="p99 ≤ 50 ms at 500 req/s" run \
  "POST /api/v1/reviews, paced: $CONNECTIONS connections × 1 per $pause_ms ms (≤ $REVIEW_RATE req/s; $available reviewable orders)" \
  "$BENCH_GATEWAY/api/v1/reviews" -H "Authorization: Bearer $reviewer" -s "$WORK/review.lua"

# The review scenario's events (review.created, rating.updated) leave the review service's outbox only now.
drained_s=$(outboxes_empty)
# Last: a search costs seconds of FerretDB's CPU at this size, and what wrk gives up on keeps it busy after.
quiet
# search_once QUERY: "matches result": 3 searches one after the other, the median time (or the failure).
search_once() {
  local times=() total="?" code t
  for _ in 1 2 3; do
    read -r code t <<<"$(curl -sS -o /dev/null -D "$WORK/search.h" -w '%{http_code} %{time_total}' --max-time 60 \
      "$BENCH_GATEWAY/api/v1/providers/search?$1" || true)"
    if [ "$code" != 200 ]; then
      echo "$total HTTP ${code:-000} after ${t:-?} s"
      return 0
    fi
    times+=("$t")
    total=$(tr -d '\r' <"$WORK/search.h" | awk -F': ' 'tolower($1) == "x-total-count" {print $2}')
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v total="$total" 'NR == 2 {printf "%s median %.0f ms", total, $1 * 1000}'
}
providers_total=$(search_once "limit=1" | cut -d' ' -f1)
searches=()
for query in "skills=plumbing,tiling&location=NORTH&min_rating=4&max_hourly_rate=80&limit=20" "location=NORTH&limit=20"; do
  read -r found one <<<"$(search_once "$query")"
  searches+=("| GET /api/v1/providers/search?$query ($found of $providers_total providers match), 3 one after the other on an idle platform | ≥ 2,000 req/s | $one | \`curl -w '%{time_total}' '\$GATEWAY/api/v1/providers/search?$query'\` |")
  TARGET="≥ 2,000 req/s" run "GET /api/v1/providers/search?$query ($found of $providers_total match)" \
    "$BENCH_GATEWAY/api/v1/providers/search?$query"
  quiet
done
collections_end=$("${SEED[@]}" counts "$MONGO_URL")
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report -----------------------------------------------------------------------------------------------

{
  echo "# Benchmark of the MongoDB side $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); loader (wrk) on the same cores."
  echo "Load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end; the highest 1-min one when a"
  echo "group of scenarios started: $load_max.${BENCH_NOTE:+ $BENCH_NOTE}"
  echo "Build: release preset (RelWithDebInfo); MongoDB protocol: FerretDB 1.24 on PostgreSQL."
  echo "Command: \`DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS SEED_SCALE=$SEED_SCALE REVIEW_RATE=$REVIEW_RATE ./marketplace bench mongo-side\`."
  echo
  echo "| scenario | target (issue 17) | req/s | p50 | p99 | requests | errors | command |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| one request at a time | target (issue 17) | result | command |"
  echo "|---|---|---|---|"
  echo "| PUT /api/v1/customer/inbox/read-all, $BULK_NOTICES-entry inbox, 10 fresh unread notices ($READ_ALL_ROUNDS rounds) | ≤ 20 ms | median $read_all_10_median ms, max $read_all_10_max ms | \`curl -w '%{time_total}' -X PUT \$GATEWAY/api/v1/customer/inbox/read-all -H 'Authorization: Bearer \$TOKEN'\` after 10 × \`POST /api/v1/admin/notifications/customer/{id}\` |"
  echo "| the same with 100 fresh unread notices | ≤ 20 ms | median $read_all_100_median ms, max $read_all_100_max ms | the same after 100 notices |"
  printf '%s\n' "${searches[@]}"
  echo "| events of the review scenario (review.created, rating.updated) out of the review service's outbox | (none) | all published $drained_s s after the scenario ended | \`outbox_backlog\` of every service's \`/metrics\`, polled every second |"
  echo "| event latency: order.created → notice visible (one order at a time, polling unread-count) | p99 ≤ 20 ms | $latency | \`python3 bench/event_latency.py \$GATEWAY \$TOKEN $LATENCY_ORDERS $LATENCY_SECONDS\` |"
  echo
  echo "Collection sizes (documents) at the start of the measurements and at their end (after the reviews"
  echo "and the events they made, as far as settled):"
  echo
  echo "| collection | at the start | at the end |"
  echo "|---|---|---|"
  awk 'NR == FNR {start[$1] = $2; next} {print "| " $1 " | " (($1 in start) ? start[$1] : 0) " | " $2 " |"}' \
    <(echo "$collections_start") <(echo "$collections_end")
  echo
  echo "Seeding (\`var/tools/bench-venv/bin/python bench/seed_mongo_side.py seed \$MONGO_URL --scale $SEED_SCALE --reader ID --reader-notices $READER_NOTICES --bulk ID --bulk-notices $BULK_NOTICES\`):"
  echo "synthetic users from id 1,000,000,000 on, topped up to the target (never duplicated): $(field '["providers"]') provider"
  echo "profiles ($(field '["reviewed_providers"]') of them reviewed), $(field '["reviews"]') reviews with their rating snapshots, $(field '["recipients"]') customers with"
  echo "$(field '["per_recipient"]') notices each; added this run: $(field '["added_text"]') in $(field '["seconds"]') s. Read back through the gateway:"
  echo "$verified."
  echo
  echo "Reviewable orders: $review_orders rows inserted straight into order_db.orders (SQL as order_svc: the reviewer's,"
  echo "completed, paid, a seeded provider each; no payment rows, no order events). POST /reviews then takes the real"
  echo "path: the order service's check of the order, the review insert with its review.created outbox entry, the"
  echo "rating recompute, the order marked reviewed and the notices. Paced by wrk's delay(): each connection waits"
  echo "$pause_ms ms before each request, so the offered rate is at most $REVIEW_RATE req/s; req/s is the rate achieved."
  echo
  echo "Between groups of scenarios the run waits for the platform to settle (bench/lib.sh) and for the user"
  echo "service and FerretDB to be responsive again: wrk gives up on a request after 5 s (an error: timeout) and"
  echo "does not count the requests still open when it stops, but their queries go on. Searches run last."
  echo
  echo "\$TOKEN: an access token of an account created for the run. Access logs are on, as in \`up\`; the bench"
  echo "gateway has its access log off and rate limits raised (bench/lib.sh)."
} | tee "$REPORT"
echo
echo "report: $REPORT"
