#!/usr/bin/env bash
# Bounded load scenarios against a running `./marketplace up` (called by `./marketplace bench`, which
# exports var/up/infra.env). Writes bench/reports/<UTC time>.md and prints it.
#   DURATION=10s CONNECTIONS=64 THREADS=2 ./marketplace bench
# A second gateway ("bench gateway", port 18880) is started for the run with rate limits high enough not
# to interfere; it uses the same binary, Redis and auth service as `up`, so every request still pays for
# token verification, the revocation check and a Redis rate-limit hit (bench/lib.sh).
# `./marketplace bench mongo-side` runs bench/mongo_side.sh instead: the MongoDB side at realistic size.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
LOGIN_DURATION=${LOGIN_DURATION:-5s}
LOGIN_CONNECTIONS=${LOGIN_CONNECTIONS:-8}
PUBLISH_DURATION=${PUBLISH_DURATION:-5s}
LATENCY_ORDERS=${LATENCY_ORDERS:-1000}
LATENCY_SECONDS=${LATENCY_SECONDS:-300}  # the probe stops here even if fewer orders were measured
LIFECYCLE_ORDERS=${LIFECYCLE_ORDERS:-200}
LIFECYCLE_WORKERS=${LIFECYCLE_WORKERS:-16}
REPORT="$ROOT/bench/reports/$(date -u +%Y%m%dT%H%M%SZ).md"

case ${1:-} in
  "") ;;
  mongo-side) shift; exec bash "$ROOT/bench/mongo_side.sh" "$@" ;;
  *) echo "usage: ./marketplace bench [mongo-side]"; exit 2 ;;
esac

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_start

# Accounts for the scenarios (auth limits login attempts per account, so logins rotate over many).
emails=()
for i in $(seq 1 40); do
  name="bench_$(date +%s%N)_$i"
  register "$name" 1
  emails+=("$name@example.com")
done
token=$(login "${emails[0]}")
{
  echo "local emails = {"
  for e in "${emails[@]:1}"; do echo "  \"$e\","; done
  echo "}"
  echo "local password = \"$password\""
  cat "$ROOT/bench/lua/login.lua"
} >"$WORK/login.lua"

admin_token=$(bench_admin)
publisher=$(signed_in 1)   # publishes during the publish scenario
lister=$(signed_in 1)      # owns 100 orders: list, detail and inbox scenarios
provider=$(signed_in 2)
probe=$(signed_in 1)       # event-latency probe
order_body='{"title":"Bench: fix the kitchen sink","description":"load test order","service_type":"cleaning_repair","price":120.5,"location":"NORTH","address":"1 Bench Street"}'
for i in $(seq 1 100); do
  order_id=$(post /customer/orders/publish "$lister" "$order_body" | json_field '["data"]["order_id"]')
  post "/admin/orders/$order_id/approve" "$admin_token" '{"approved":true}' >/dev/null
done

echo ">> event latency: bench/event_latency.py \$GATEWAY \$TOKEN $LATENCY_ORDERS $LATENCY_SECONDS" >&2
# One order at a time on an idle platform, before the load scenarios.
settle
# A scenario that fails is reported as failed (with its last words); the others still run.
latency=$(python3 "$ROOT/bench/event_latency.py" "$BENCH_GATEWAY" "$probe" "$LATENCY_ORDERS" "$LATENCY_SECONDS" 2>&1) ||
  latency="FAILED: $(echo "$latency" | tail -n 1)"
echo ">> lifecycle: bench/lifecycle.py \$GATEWAY \$CUSTOMER \$PROVIDER \$ADMIN $LIFECYCLE_ORDERS $LIFECYCLE_WORKERS" >&2
lifecycle_customer=$(signed_in 1)
lifecycle=$(python3 "$ROOT/bench/lifecycle.py" "$BENCH_GATEWAY" "$lifecycle_customer" "$provider" "$admin_token" \
  "$LIFECYCLE_ORDERS" "$LIFECYCLE_WORKERS" 2>&1) || lifecycle="FAILED: $(echo "$lifecycle" | tail -n 1)"

settle
run "trivial route (auth /health, http library ceiling)" "$AUTH/health"
run "GET /api/v1/auth/me direct to auth" "$AUTH/api/v1/auth/me" -H "Authorization: Bearer $token"
run "GET /api/v1/auth/me through the gateway" "$BENCH_GATEWAY/api/v1/auth/me" -H "Authorization: Bearer $token"
run "GET /api/v1/customer/orders/my/{id} (order detail) through the gateway" \
  "$BENCH_GATEWAY/api/v1/customer/orders/my/$order_id" -H "Authorization: Bearer $lister"
run "GET /api/v1/customer/orders (my orders, 50 of 100) through the gateway" \
  "$BENCH_GATEWAY/api/v1/customer/orders" -H "Authorization: Bearer $lister"
run "GET /api/v1/provider/orders/available?location=NORTH&keyword=sink&limit=20 through the gateway" \
  "$BENCH_GATEWAY/api/v1/provider/orders/available?location=NORTH&keyword=sink&limit=20" -H "Authorization: Bearer $provider"
DURATION=$PUBLISH_DURATION run "POST /api/v1/customer/orders/publish through the gateway" \
  "$BENCH_GATEWAY/api/v1/customer/orders/publish" -H "Authorization: Bearer $publisher" -s "$ROOT/bench/lua/publish.lua"
CONNECTIONS=$LOGIN_CONNECTIONS DURATION=$LOGIN_DURATION run "POST /api/v1/auth/login through the gateway (Argon2id-bound)" \
  "$BENCH_GATEWAY/api/v1/auth/login" -s "$WORK/login.lua"

settle
# Last: inbox reads come from a Redis view, but the first read of the inbox builds it with a scan of the
# whole collection on FerretDB's SQLite backend (docs/adr/0005-notification-retention.md).
run "GET /api/v1/customer/inbox (100+ notices, first 50) through the gateway" \
  "$BENCH_GATEWAY/api/v1/customer/inbox" -H "Authorization: Bearer $lister"

{
  echo "# Benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); loader (wrk) on the same cores."
  echo "Build: release preset (RelWithDebInfo). Command: \`DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS ./marketplace bench\`."
  echo
  echo "| scenario | req/s | p50 | p99 | requests | errors | command |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Event latency (order published → its notice visible in the inbox, one order at a time, polling"
  echo "\`GET /customer/inbox/unread-count\` through the gateway): $latency."
  echo "Command: \`python3 bench/event_latency.py \$GATEWAY \$TOKEN $LATENCY_ORDERS $LATENCY_SECONDS\`."
  echo
  echo "Full lifecycle (publish → approve → accept → in_progress → completed → pay → payment seen by the order"
  echo "service → review, each order by one of the workers; pay and review are the pay and review scenarios):"
  echo "$lifecycle."
  echo "Command: \`python3 bench/lifecycle.py \$GATEWAY \$CUSTOMER \$PROVIDER \$ADMIN $LIFECYCLE_ORDERS $LIFECYCLE_WORKERS\`."
  echo
  echo "\$TOKEN: an access token of a customer created for the run. Access logs are on, as in \`up\`."
  echo
  echo "Login is bound by Argon2id (t=3, m=32 MiB, ≈60 ms of one core per attempt): its req/s is the"
  echo "password-hash throughput of the machine, not the transport's."
} | tee "$REPORT"
echo
echo "report: $REPORT"
