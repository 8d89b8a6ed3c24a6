#!/usr/bin/env bash
# Bounded load scenarios against a running `./marketplace up` (called by `./marketplace bench`, which
# exports var/up/infra.env). Writes bench/reports/<UTC time>.md and prints it.
#   DURATION=10s CONNECTIONS=64 THREADS=2 ./marketplace bench
# A second gateway ("bench gateway", port 18880) is started for the run with rate limits high enough not
# to interfere; it uses the same binary, Redis and auth service as `up`, so every request still pays for
# token verification, the revocation check and a Redis rate-limit hit.
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
AUTH="http://127.0.0.1:${MP_AUTH_PORT:?run through ./marketplace bench}"
BENCH_GATEWAY_PORT=18880
BENCH_GATEWAY="http://127.0.0.1:$BENCH_GATEWAY_PORT"
WORK=$(mktemp -d)
REPORT="$ROOT/bench/reports/$(date -u +%Y%m%dT%H%M%SZ).md"
GATEWAY_BIN="$ROOT/build/release/services/gateway/mp-gateway"

command -v wrk >/dev/null || { echo "wrk is missing: ./marketplace deps"; exit 1; }
[ -x "$GATEWAY_BIN" ] || { echo "no $GATEWAY_BIN: run ./marketplace up first"; exit 1; }
curl -fsS "$AUTH/ready" >/dev/null || { echo "auth is not ready at $AUTH: run ./marketplace up first"; exit 1; }

cleanup() {
  if [ -n "${GW_PID:-}" ]; then kill "$GW_PID" 2>/dev/null || true; wait "$GW_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

ORDER="http://127.0.0.1:${MP_ORDER_PORT}"
NOTIFICATION="http://127.0.0.1:${MP_NOTIFICATION_PORT}"
USER_SVC="http://127.0.0.1:${MP_USER_PORT}"
PAYMENT="http://127.0.0.1:${MP_PAYMENT_PORT}"
REVIEW="http://127.0.0.1:${MP_REVIEW_PORT}"
for url in "$ORDER" "$NOTIFICATION" "$USER_SVC" "$PAYMENT" "$REVIEW"; do
  curl -fsS "$url/ready" >/dev/null || { echo "$url is not ready: run ./marketplace up first"; exit 1; }
done

env -i PATH="$PATH" MP_HTTP_PORT=$BENCH_GATEWAY_PORT MP_AUTH_URL="$AUTH" MP_JWT_PUBLIC_KEYS="$MP_JWT_PUBLIC_KEYS" \
  MP_ATTESTATION_KEY="$MP_ATTESTATION_KEY" \
  MP_ORDER_URL="$ORDER" MP_NOTIFICATION_URL="$NOTIFICATION" MP_USER_URL="$USER_SVC" MP_PAYMENT_URL="$PAYMENT" \
  MP_REVIEW_URL="$REVIEW" \
  MP_REDIS_PORT="$MP_REDIS_PORT" MP_REDIS_PASSWORD="$MP_REDIS_PASSWORD" MP_LOG_LEVEL=warn MP_ACCESS_LOG=false \
  MP_RATE_LIMIT_PER_MINUTE=1000000 MP_AUTH_RATE_LIMIT_PER_MINUTE=1000000 \
  MP_OPENAPI_FILE="$ROOT/docs/openapi.yaml" "$GATEWAY_BIN" serve >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 50); do curl -fsS "$BENCH_GATEWAY/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$BENCH_GATEWAY/health" >/dev/null || { echo "bench gateway did not start:"; cat "$WORK/gateway.log"; exit 1; }

# Accounts for the scenarios (auth limits login attempts per account, so logins rotate over many).
password="bench-$(openssl rand -hex 8)"  # throwaway accounts of this run
emails=()
for i in $(seq 1 40); do
  name="bench_$(date +%s%N)_$i"
  curl -fsS "$BENCH_GATEWAY/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"$password\",\"role_id\":1}" >/dev/null
  emails+=("$name@example.com")
done
token=$(curl -fsS "$BENCH_GATEWAY/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"${emails[0]}\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])')
{
  echo "local emails = {"
  for e in "${emails[@]:1}"; do echo "  \"$e\","; done
  echo "}"
  echo "local password = \"$password\""
  cat "$ROOT/bench/lua/login.lua"
} >"$WORK/login.lua"

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -fsS "$BENCH_GATEWAY/api/v1$1" -H 'Content-Type: application/json' -H "Authorization: Bearer $2" -d "$3"; }
# signed_in ROLE: registers a fresh account of ROLE and prints its access token.
signed_in() {
  local name
  name="bench_$(date +%s%N)_r$1"
  curl -fsS "$BENCH_GATEWAY/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"$password\",\"role_id\":$1}" >/dev/null
  curl -fsS "$BENCH_GATEWAY/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$name@example.com\",\"password\":\"$password\"}" | json_field '["data"]["access_token"]'
}
admin_name="bench_admin_$(date +%s%N)"
"$ROOT/marketplace" admin create --username "$admin_name" --email "$admin_name@example.com" --password "$password" >/dev/null
admin_token=$(curl -fsS "$BENCH_GATEWAY/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$admin_name@example.com\",\"password\":\"$password\"}" | json_field '["data"]["access_token"]')
publisher=$(signed_in 1)   # publishes during the publish scenario
lister=$(signed_in 1)      # owns 100 orders: list, detail and inbox scenarios
provider=$(signed_in 2)
probe=$(signed_in 1)       # event-latency probe
order_body='{"title":"Bench: fix the kitchen sink","description":"load test order","service_type":"cleaning_repair","price":120.5,"location":"NORTH","address":"1 Bench Street"}'
for i in $(seq 1 100); do
  order_id=$(post /customer/orders/publish "$lister" "$order_body" | json_field '["data"]["order_id"]')
  post "/admin/orders/$order_id/approve" "$admin_token" '{"approved":true}' >/dev/null
done

# run NAME URL [wrk args...]: one bounded wrk run; appends a table row.
rows=()
run() {
  local name=$1 url=$2
  shift 2
  local out="$WORK/run$((${#rows[@]} + 1)).txt"
  local cmd=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 5s "$@" "$url")
  echo ">> $name: ${cmd[*]}" >&2
  "${cmd[@]}" >"$out" 2>&1 || true
  local rps p50 p99 errors total
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  total=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {split($0,a,/[ ,]+/); for(i=1;i<=NF;i++) if (a[i] ~ /^[0-9]+$/) n+=a[i]} END {print n+0}' "$out")
  local shown="${cmd[*]}"
  local secret
  for secret in "$token" "${lister:-}" "${provider:-}" "${publisher:-}"; do
    if [ -n "$secret" ]; then shown=${shown//$secret/\$TOKEN}; fi
  done
  rows+=("| $name | ${rps:-?} | ${p50:-?} | ${p99:-?} | ${total:-?} | $errors | \`$shown\` |")
}

# settle: waits (at most 2 minutes) until the platform is idle again: no event waiting in an outbox whose
# events have consumers (not user's: nothing consumes user_events yet, so its events wait out their
# unroutable retries there) and the notification consumer no longer busy (its handled count still for 2 s),
# so a scenario does not measure the work the one before left behind.
settle() {
  local url backlog busy handled last="" still=0
  for _ in $(seq 240); do
    busy=0
    for url in "$AUTH" "$ORDER" "$PAYMENT" "$REVIEW"; do
      backlog=$(curl -fsS "$url/metrics" | awk '$1 == "outbox_backlog" {print $2}')
      [ "${backlog:-0}" = 0 ] || busy=1
    done
    handled=$(curl -fsS "$NOTIFICATION/metrics" | awk '$1 == "consumer_handled_total" {print $2}')
    if [ "$handled" = "$last" ]; then still=$((still + 1)); else still=0; fi
    last=$handled
    [ "$busy" = 0 ] && [ "$still" -ge 4 ] && return 0
    sleep 0.5
  done
  echo ">> the platform did not settle within 2 minutes; measuring anyway" >&2
}

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
