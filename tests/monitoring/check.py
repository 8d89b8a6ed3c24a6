#!/usr/bin/env python3
"""The Prometheus of a running instance against the Grafana dashboard (ctest label monitoring).

    1 targets    every active target of MP_PROMETHEUS_URL is up, and every service of
                 scripts/lib/services.sh has at least one (job = the service name); waits up to
                 MP_MONITORING_TIMEOUT seconds (default 30)
    2 traffic    a customer registers, signs in and reads a page of each service through MP_GATEWAY_URL
                 (plus a 401 and a 404), then two scrapes of every target are awaited
    3 dashboard  every PromQL expression of deploy/observability/grafana/dashboards/marketplace.json, its
                 variables replaced ($__rate_interval and the like by a window of 4 scrapes, at least
                 30 s; $service by its "All" value), runs as an instant query: it must succeed and
                 return at least one series. Allowed to stay empty: expressions over a metric of
                 "Not exported yet" or "From other exporters" in deploy/observability/README.md (the
                 latter unless a target of that exporter's job is scraped, e.g. job rabbitmq for
                 rabbitmq_*), and 5xx shares when there was no 5xx answer (the same expression without
                 its status filter must return data).
    4 alerts     every rule of deploy/observability/alerts.yml is loaded and has been evaluated without
                 error (health "ok"); waits up to MP_MONITORING_TIMEOUT seconds

Prints a table of the queries with their series counts. Exit 0: passed; 1: failed; 77: skipped (no
MP_PROMETHEUS_URL: the instance runs without monitoring). Standard library only; the dashboard's
metric names and the README's lists are read with tests/deploy/checks.py.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
import types
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy/observability/grafana/dashboards/marketplace.json"

# tests/deploy/checks.py imports PyYAML at the top for checks this test does not run: without PyYAML
# (python3-yaml), give it an empty module so that its parsing helpers still import.
try:
    import yaml  # noqa: F401
except ImportError:
    sys.modules["yaml"] = types.ModuleType("yaml")
sys.path.insert(0, str(ROOT / "tests/deploy"))
import checks  # noqa: E402  (tests/deploy/checks.py)

PROMETHEUS = os.environ.get("MP_PROMETHEUS_URL", "").rstrip("/")
GATEWAY = os.environ.get("MP_GATEWAY_URL", "http://127.0.0.1:18080").rstrip("/")
TIMEOUT = float(os.environ.get("MP_MONITORING_TIMEOUT", "30"))
SKIP = 77
FIVE_XX = re.compile(r'status\s*=~\s*"5\.\."')


# ------------------------------------------------------------------------------------------------ HTTP
def http(method: str, url: str, body: dict | None = None, headers: dict | None = None, timeout: float = 10):
    """(status, parsed JSON or None); status 0 and the error text when there was no answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 0, str(getattr(error, "reason", error))
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def prometheus(path: str, **params) -> dict:
    """GET an /api/v1 endpoint; the decoded answer, or {"status": "error", "error": ...}."""
    url = f"{PROMETHEUS}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    status, answer = http("GET", url, timeout=15)
    if isinstance(answer, dict) and "status" in answer:
        return answer
    return {"status": "error", "error": f"HTTP {status}: {answer}"}


def parse_time(text: str) -> float:
    """RFC 3339 from Prometheus (nanoseconds, Z) → epoch seconds."""
    text = re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp()


def parse_duration(text: str) -> float:
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text or ""):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total or 15.0


# --------------------------------------------------------------------------------------------- targets
def active_targets() -> list[dict]:
    answer = prometheus("targets", state="active")
    if answer.get("status") != "success":
        raise RuntimeError(f"GET /api/v1/targets: {answer.get('error')}")
    return answer["data"]["activeTargets"]


def target_name(t: dict) -> str:
    labels = t.get("labels", {})
    return f"{labels.get('job')}/{labels.get('instance')} ({t.get('scrapeUrl')})"


def target_problems(targets: list[dict], services: list[str]) -> list[str]:
    problems = []
    jobs = {t.get("labels", {}).get("job") for t in targets}
    for service in services:
        if service not in jobs:
            problems.append(f"service {service}: no target (no job {service} in the scrape configuration, "
                            "or the service is not running)")
    for t in targets:
        health = t.get("health")
        if health != "up":
            error = t.get("lastError") or "not scraped yet"
            problems.append(f"target {target_name(t)}: {health}: {error}")
        labels = t.get("labels", {})
        if "service" in labels and labels["job"] in services and labels["service"] != labels["job"]:
            problems.append(f"target {target_name(t)}: label service={labels['service']}, job={labels['job']}")
    return problems


def wait_for_targets(services: list[str]) -> list[dict]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            targets = active_targets()
            problems = target_problems(targets, services)
        except RuntimeError as error:
            targets, problems = [], [str(error)]
        if not problems:
            return targets
        if time.monotonic() > deadline:
            print(f"FAIL targets: not all up within {TIMEOUT:.0f} s:")
            for p in problems:
                print(f"  - {p}")
            for t in targets:
                print(f"  target {target_name(t)}: {t.get('health')}")
            sys.exit(1)
        time.sleep(1)


# --------------------------------------------------------------------------------------------- traffic
def generate_traffic() -> None:
    address = "10.%d.%d.%d" % tuple(uuid.uuid4().bytes[:3])   # the test gateway trusts X-Forwarded-For
    statuses: dict[int, int] = {}

    def call(method: str, path: str, body: dict | None = None, token: str | None = None):
        headers = {"X-Forwarded-For": address}
        if token:
            headers["Authorization"] = "Bearer " + token
        status, answer = http(method, f"{GATEWAY}/api/v1{path}", body, headers)
        statuses[status] = statuses.get(status, 0) + 1
        return status, answer

    name = "mon_" + uuid.uuid4().hex[:10]
    account = {"username": name, "email": name + "@example.com", "password": "correct horse battery",
               "role_id": 1}
    status, answer = call("POST", "/auth/register", account)
    token, user_id = None, 1
    if status == 200 and isinstance(answer, dict):
        user_id = (answer.get("data") or {}).get("id", 1)
        status, answer = call("POST", "/auth/login", {"email": account["email"], "password": account["password"]})
        if status == 200 and isinstance(answer, dict):
            token = (answer.get("data") or {}).get("access_token")
    for _ in range(3):
        for path in ("/auth/me", "/customer/profile", "/customer/orders", "/customer/payments",
                     f"/reviews/provider/{user_id}/rating", "/customer/inbox", "/customer/inbox/unread-count"):
            call("GET", path, token=token)
    call("POST", "/auth/login", {"email": account["email"], "password": "not the password"})   # 401
    call("GET", "/no-such-route")                                                                # 404
    total = sum(statuses.values())
    summary = ", ".join(f"{k or 'no answer'}: {v}" for k, v in sorted(statuses.items()))
    print(f"traffic: {total} requests through {GATEWAY} as a new customer{'' if token else ' (sign-in failed)'}"
          f" — {summary}")
    if statuses.get(0) == total:
        print(f"FAIL traffic: the gateway {GATEWAY} did not answer (MP_GATEWAY_URL)")
        sys.exit(1)


def wait_for_scrapes(targets: list[dict], since: float) -> float:
    """Waits until every target was scraped twice after `since`; returns the longest scrape interval."""
    interval = max(parse_duration(t.get("scrapeInterval", "")) for t in targets)
    deadline = time.monotonic() + 3 * interval + 15
    while True:
        current = active_targets()
        late = [t for t in current
                if parse_time(t["lastScrape"]) <= since + parse_duration(t.get("scrapeInterval", ""))]
        if not late:
            longest = max((float(t.get("lastScrapeDuration") or 0) for t in current), default=0)
            time.sleep(longest + 0.3)   # the last scrape's samples are appended when it ends
            return interval
        if time.monotonic() > deadline:
            print("FAIL scrapes: targets not scraped twice after the traffic: "
                  + ", ".join(target_name(t) for t in late))
            sys.exit(1)
        time.sleep(0.5)


# ------------------------------------------------------------------------------------------- dashboard
def dashboard_queries(window: str) -> list[tuple[str, str, str]]:
    """(panel title, refId, expression with the variables replaced) of every target of every panel."""
    dashboard = json.loads(DASHBOARD.read_text())
    values = {"__rate_interval": window, "__interval": window, "__range": window}
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "datasource":
            values[var["name"]] = var.get("allValue") or ".*"

    def substitute(expr: str) -> str:
        def one(match: re.Match) -> str:
            name = match.group(1) or match.group(2) or match.group(3)
            return values.get(name, match.group(0))
        return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", one, expr)

    queries = []

    def walk(panels: list[dict]) -> None:
        for panel in panels:
            walk(panel.get("panels") or [])
            for target in panel.get("targets") or []:
                expr = (target.get("expr") or "").strip()
                if expr:
                    queries.append((panel.get("title", f"panel {panel.get('id')}"), target.get("refId", "?"),
                                    substitute(expr)))

    walk(dashboard.get("panels", []))
    return queries


def instant(expr: str) -> tuple[int | None, str]:
    """(number of series, "") or (None, error)."""
    answer = prometheus("query", query=expr)
    if answer.get("status") != "success":
        return None, f"{answer.get('errorType', 'error')}: {answer.get('error')}"
    result = answer["data"]["result"]
    return (len(result) if isinstance(result, list) else 1), ""


def run_queries(queries: list[tuple[str, str, str]], jobs: set[str]) -> int:
    not_exported = checks.readme_metric_table("Not exported yet")
    external = checks.readme_metric_table("From other exporters")
    rows, failures = [], 0
    for title, ref, expr in queries:
        count, error = instant(expr)
        metrics = checks.metric_names(expr)
        if count is None:
            verdict, failed = f"FAIL query error: {error}", True
        elif count > 0:
            verdict, failed = "ok", False
        else:
            verdict, failed = explain_empty(expr, metrics, not_exported, external, jobs)
        failures += failed
        rows.append((title, ref, "-" if count is None else str(count), verdict, expr))
    width = max(len(f"{t} [{r}]") for t, r, *_ in rows)
    print(f"\n{'panel [query]':<{width}}  series  result")
    for title, ref, count, verdict, expr in rows:
        print(f"{title + ' [' + ref + ']':<{width}}  {count:>6}  {verdict}")
        print(f"{'':<{width}}          {expr}")
    print(f"\ndashboard: {len(rows)} queries, {len(rows) - failures} passed, {failures} failed")
    return failures


def explain_empty(expr: str, metrics: set[str], not_exported: set[str], external: set[str],
                  jobs: set[str]) -> tuple[str, bool]:
    pending = sorted(metrics & not_exported)
    if pending:
        return f"empty, allowed: not exported yet ({', '.join(pending)}; deploy/observability/README.md)", False
    foreign = sorted(m for m in metrics & external if m.split("_", 1)[0] not in jobs)
    if foreign:
        return f"empty, allowed: from another exporter, not scraped here ({', '.join(foreign)})", False
    if FIVE_XX.search(expr):
        unfiltered = re.sub(r'\s*,\s*status\s*=~\s*"5\.\."|status\s*=~\s*"5\.\."\s*,?\s*', "", expr)
        count, _ = instant(unfiltered)
        if count:
            return f"empty, allowed: no 5xx answer (without the status filter: {count} series)", False
    # Why: which of its metrics has no series at all?
    absent = [m for m in sorted(metrics) if not instant(f"group({m})")[0]]
    reason = f"no series of {', '.join(absent)}" if absent else "its metrics have series, the expression none"
    return f"FAIL empty: {reason}", True


# ---------------------------------------------------------------------------------------------- alerts
ALERTS = ROOT / "deploy/observability/alerts.yml"


def alert_problems() -> list[str]:
    """What is wrong with the loaded alerting rules: missing ones, or ones not evaluated cleanly yet."""
    wanted = set(re.findall(r"^\s*- alert: (\w+)\s*$", ALERTS.read_text(), re.MULTILINE))
    answer = prometheus("rules", type="alert")
    if answer.get("status") != "success":
        return [f"GET /api/v1/rules: {answer.get('error')}"]
    loaded = {r["name"]: r for g in answer["data"]["groups"] for r in g["rules"]}
    problems = [f"{name}: not loaded" for name in sorted(wanted - loaded.keys())]
    for name in sorted(wanted & loaded.keys()):
        rule = loaded[name]
        if rule.get("health") != "ok":
            problems.append(f"{name}: health {rule.get('health')} {rule.get('lastError', '')}".rstrip())
    return problems if wanted else [f"{ALERTS}: no alert found"]


def wait_for_alert_rules() -> int:
    deadline = time.time() + TIMEOUT
    while True:
        problems = alert_problems()
        if not problems:
            print(f"alerts: every rule of {ALERTS.relative_to(ROOT)} loaded and evaluated")
            return 0
        if time.time() > deadline:
            print("alerts: " + "; ".join(problems))
            return 1
        time.sleep(1)


def main() -> int:
    if not PROMETHEUS:
        print("SKIP: MP_PROMETHEUS_URL is not set (the instance runs without Prometheus: "
              "./marketplace up --monitoring)")
        return SKIP
    services = checks.service_names()
    print(f"prometheus {PROMETHEUS}, gateway {GATEWAY}, services {' '.join(services)}")

    targets = wait_for_targets(services)
    jobs = {t["labels"].get("job") for t in targets}
    print(f"targets: all {len(targets)} up — "
          + ", ".join(sorted(f"{t['labels'].get('job')}/{t['labels'].get('instance')}" for t in targets)))

    generate_traffic()
    since = time.time()
    interval = wait_for_scrapes(targets, since)
    window = f"{max(30, int(4 * interval + 0.999))}s"
    print(f"scrapes: every target scraped twice since the traffic (interval {interval:g} s); "
          f"$__rate_interval = {window}")

    queries = dashboard_queries(window)
    failures = run_queries(queries, jobs)
    failures += wait_for_alert_rules()
    if checks.PROBLEMS:   # the README's tables could not be read
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
