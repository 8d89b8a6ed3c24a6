#!/usr/bin/env bash
# A/B of the per-request cost of token verification: GET /api/v1/auth/me through a gateway, for two builds
# of mp-gateway + mp-auth started side by side against the same `./marketplace up` databases and Redis
# (rate limits off, access logs off). Each build gets its own auth and gateway on spare ports; the runs
# alternate ROUNDS times so drift in the machine's load hits both alike.
#   bench/token_ab.sh OLD_BUILD_DIR NEW_BUILD_DIR [old-env-line ...]
# OLD_BUILD_DIR/NEW_BUILD_DIR: release build folders (…/build/release). Extra arguments are added to the
# OLD processes' environment (e.g. MP_JWT_SECRET=… for a build from before ADR 0009).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=$1 NEW=$2
shift 2
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mapfile -t AUTH_ENV < <("$ROOT/marketplace" service env auth | grep -v '^MP_HTTP_PORT=')
start() {  # start NAME BUILD AUTH_PORT GATEWAY_PORT [extra env...]
  local name=$1 build=$2 auth_port=$3 gw_port=$4
  shift 4
  env -i PATH="$PATH" "${AUTH_ENV[@]}" MP_HTTP_PORT="$auth_port" MP_LOG_LEVEL=warn MP_ACCESS_LOG=false "$@" \
    "$build/services/auth/mp-auth" serve >"$WORK/$name-auth.log" 2>&1 &
  PIDS+=($!)
  env -i PATH="$PATH" "${AUTH_ENV[@]}" MP_HTTP_PORT="$gw_port" MP_AUTH_URL="http://127.0.0.1:$auth_port" \
    MP_LOG_LEVEL=warn MP_ACCESS_LOG=false MP_RATE_LIMIT_PER_MINUTE=1000000 MP_AUTH_RATE_LIMIT_PER_MINUTE=1000000 \
    MP_OPENAPI_FILE="$ROOT/docs/openapi.yaml" "$@" \
    "$build/services/gateway/mp-gateway" serve >"$WORK/$name-gateway.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$gw_port/health" >/dev/null 2>&1 &&
      curl -fsS "http://127.0.0.1:$auth_port/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$WORK/$name-auth.log" "$WORK/$name-gateway.log"
  exit 1
}
start old "$OLD" 18910 18911 "$@"
start new "$NEW" 18920 18921

password="ab-$(openssl rand -hex 8)"
token_for() {  # token_for AUTH_PORT: a fresh customer's access token from that auth
  local email="ab$(date +%s%N)@example.com"
  curl -fsS -X POST "http://127.0.0.1:$1/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"ab$(date +%s%N)\",\"email\":\"$email\",\"password\":\"$password\",\"role_id\":1}" >/dev/null
  curl -fsS -X POST "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])'
}
OLD_TOKEN=$(token_for 18910)
NEW_TOKEN=$(token_for 18920)
echo "token bytes: old ${#OLD_TOKEN}, new ${#NEW_TOKEN}"
rate() { wrk -t2 -c64 -d"$DURATION" --timeout 5s -H "Authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/auth/me" |
  awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "errors " $0 > "/dev/stderr"}'; }
for round in $(seq "$ROUNDS"); do
  echo "round $round: old gateway $(rate 18911 "$OLD_TOKEN") req/s, new gateway $(rate 18921 "$NEW_TOKEN") req/s," \
    "old direct $(rate 18910 "$OLD_TOKEN"), new direct $(rate 18920 "$NEW_TOKEN")"
done
echo "command: DURATION=$DURATION ROUNDS=$ROUNDS bench/token_ab.sh $OLD $NEW <old env>"
