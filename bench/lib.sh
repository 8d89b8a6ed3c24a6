# shellcheck shell=bash
# What the bench scripts share (bench/run.sh, bench/mongo_side.sh), sourced once ROOT, DURATION, CONNECTIONS
# and THREADS are set, inside `./marketplace bench` (which exports var/up/infra.env):
#   bench_start      checks that `up` runs, makes $WORK (removed at exit), starts the bench gateway on
#                    $BENCH_GATEWAY (port 18880: the same binary, Redis and auth as `up`, rate limits high
#                    enough not to interfere) and picks $password for the run's throwaway accounts;
#   signed_in ROLE   a fresh account of ROLE, its access token;  bench_admin: a fresh admin's token;
#   run NAME URL ... one bounded wrk run, appended to `rows` as a report line;
#   settle           waits until the platform is idle again.
# URLs of the services: $AUTH $ORDER $NOTIFICATION $USER_SVC $PAYMENT $REVIEW.

BENCH_GATEWAY_PORT=18880
BENCH_GATEWAY="http://127.0.0.1:$BENCH_GATEWAY_PORT"
GATEWAY_BIN="$ROOT/build/release/services/gateway/mp-gateway"
AUTH="http://127.0.0.1:${MP_AUTH_PORT:?run through ./marketplace bench}"
ORDER="http://127.0.0.1:${MP_ORDER_PORT}"
NOTIFICATION="http://127.0.0.1:${MP_NOTIFICATION_PORT}"
USER_SVC="http://127.0.0.1:${MP_USER_PORT}"
PAYMENT="http://127.0.0.1:${MP_PAYMENT_PORT}"
REVIEW="http://127.0.0.1:${MP_REVIEW_PORT}"

bench_cleanup() {
  if [ -n "${GW_PID:-}" ]; then
    if ! kill -0 "$GW_PID" 2>/dev/null; then
      echo ">> the bench gateway had exited; its log:" >&2
      tail -n 20 "$WORK/gateway.log" >&2
    fi
    kill "$GW_PID" 2>/dev/null || true
    wait "$GW_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}

bench_start() {
  command -v wrk >/dev/null || { echo "wrk is missing: ./marketplace deps"; exit 1; }
  [ -x "$GATEWAY_BIN" ] || { echo "no $GATEWAY_BIN: run ./marketplace up first"; exit 1; }
  curl -fsS "$AUTH/ready" >/dev/null || { echo "auth is not ready at $AUTH: run ./marketplace up first"; exit 1; }
  WORK=$(mktemp -d)
  trap bench_cleanup EXIT
  local url
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

  password="bench-$(openssl rand -hex 8)"  # throwaway accounts of this run
}

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -fsS "$BENCH_GATEWAY/api/v1$1" -H 'Content-Type: application/json' -H "Authorization: Bearer $2" -d "$3"; }

# register NAME ROLE: a new account (NAME@example.com, $password).
register() {
  curl -fsS "$BENCH_GATEWAY/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"email\":\"$1@example.com\",\"password\":\"$password\",\"role_id\":$2}" >/dev/null
}

# login EMAIL: prints the account's access token.
login() {
  curl -fsS "$BENCH_GATEWAY/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$password\"}" | json_field '["data"]["access_token"]'
}

# signed_in ROLE: registers a fresh account of ROLE and prints its access token.
signed_in() {
  local name
  name="bench_$(date +%s%N)_r$1"
  register "$name" "$1"
  login "$name@example.com"
}

# bench_admin: creates a fresh admin (./marketplace admin create) and prints its access token.
bench_admin() {
  local name
  name="bench_admin_$(date +%s%N)"
  "$ROOT/marketplace" admin create --username "$name" --email "$name@example.com" --password "$password" >/dev/null
  login "$name@example.com"
}

# run NAME URL [wrk args...]: one bounded wrk run; appends a table row to `rows`. With TARGET set, the row
# has a target column after the name. Bearer tokens are shown as $TOKEN.
rows=()
run() {
  local name=$1 url=$2
  shift 2
  local out="$WORK/run$((${#rows[@]} + 1)).txt"
  local cmd=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 5s "$@" "$url")
  local shown
  # shellcheck disable=SC2016  # a literal $TOKEN
  shown=$(sed -E 's/(Bearer )[^ ]+/\1$TOKEN/g' <<<"${cmd[*]}")
  echo ">> $name: $shown" >&2
  "${cmd[@]}" >"$out" 2>&1 || true
  local rps p50 p99 errors total
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  total=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {split($0,a,/[ ,]+/); for(i=1;i<=NF;i++) if (a[i] ~ /^[0-9]+$/) n+=a[i]} END {print n+0}' "$out")
  local target=""
  if [ -n "${TARGET:-}" ]; then target=" $TARGET |"; fi
  rows+=("| $name |$target ${rps:-?} | ${p50:-?} | ${p99:-?} | ${total:-?} | $errors | \`$shown\` |")
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
