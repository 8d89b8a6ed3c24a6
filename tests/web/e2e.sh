#!/usr/bin/env bash
# The web app's browser run (web/e2e/lifecycle.mjs, Debian's Chromium) against the platform that
# ./marketplace test started: the gateway serves the built app at / and the API at /api/v1.
# Screenshots of every main screen: var/test/web-screenshots/ (E2E_SCREENSHOT_DIR).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$ROOT/web/dist/index.html" ] || { echo "web/dist is not built: ./marketplace build web"; exit 1; }
name="web_admin_$(date +%s%N)"
password="web-e2e-$(openssl rand -hex 8)"
"${MP_MARKETPLACE:-$ROOT/marketplace}" admin create --instance test --username "$name" \
  --email "$name@example.com" --password "$password" >/dev/null
export WEB_BASE_URL=${MP_GATEWAY_URL:-http://127.0.0.1:18080}
export E2E_ADMIN_EMAIL="$name@example.com" E2E_ADMIN_PASSWORD="$password"
export E2E_SCREENSHOT_DIR=${E2E_SCREENSHOT_DIR:-$ROOT/var/test/web-screenshots}
cd "$ROOT/web"
exec node e2e/lifecycle.mjs
