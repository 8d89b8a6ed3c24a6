"""Property-based testing of the public API (ctest label `fuzz`): schemathesis generates requests from
docs/openapi.yaml — valid and invalid ones, and chains of them along the spec's links — and checks every
answer against the spec (no 5xx, declared statuses, headers and bodies, invalid input refused, valid input
accepted, 405 with Allow for undeclared methods, no auth bypass).

It runs as each role (anonymous, customer, provider, admin) against its own gateway process: the test
instance's gateway binary and environment with the rate limits raised, on a spare port, for this run only.
Destructive admin calls and logouts are pointed at data this run created (hooks.py). Failures listed in
allowed.txt (each with the reason it is not a defect) are dropped; any other failure fails the label.

Environment: MP_MARKETPLACE, MP_BUILD_DIR and MP_GATEWAY_URL as `./marketplace test` exports them;
MP_FUZZ_LONG=1 (./marketplace test fuzz --long) for the long run before a release; MP_FUZZ_SECONDS and
MP_FUZZ_EXAMPLES override the per-role budget; MP_FUZZ_SEED the seed (fixed unless long)."""
import json
import os
import random
import signal
import subprocess
import sys
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from conftest import (Client, login, marketplace, new_admin, ok, order_at, paid_order,  # noqa: E402
                      publish, register, signed_in, wait_until)

LONG = os.environ.get("MP_FUZZ_LONG") == "1"
SECONDS = int(os.environ.get("MP_FUZZ_SECONDS", "600" if LONG else "50"))
EXAMPLES = int(os.environ.get("MP_FUZZ_EXAMPLES", "1000" if LONG else "20"))
SEED = os.environ.get("MP_FUZZ_SEED", "" if LONG else "20261207")
PORT = int(os.environ.get("MP_FUZZ_GATEWAY_PORT", "18091"))
ST = os.path.join(ROOT, "var", "tools", "api-fuzz-venv", "bin", "st")
LOG_DIR = os.path.join(ROOT, "var", "test", "log")
GATEWAY_BINARY = os.path.join(os.environ.get("MP_BUILD_DIR", os.path.join(ROOT, "build", "asan")),
                              "services", "gateway", "mp-gateway")
# Logouts revoke the caller's token: each one is sent with a token of its own (hooks.py).
LOGOUT_TOKENS = 24


def start_gateway():
    """The test instance's gateway with rate limits out of the way, on PORT; returns the process."""
    env = dict(line.split("=", 1) for line in marketplace("service", "env", "gateway").stdout.splitlines()
               if "=" in line)
    for name in ("MP_HTTP_REUSE_PORT", "MP_HTTP_INSTANCE_PORT"):
        env.pop(name, None)
    env.update({"MP_HTTP_PORT": str(PORT), "MP_RATE_LIMIT_PER_MINUTE": "1000000",
                "MP_AUTH_RATE_LIMIT_PER_MINUTE": "1000000"})
    for name in ("PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    log = open(os.path.join(LOG_DIR, "gateway-fuzz.log"), "w")
    process = subprocess.Popen([GATEWAY_BINARY, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % PORT

    def ready():
        assert process.poll() is None, "the fuzz gateway exited: see var/test/log/gateway-fuzz.log"
        try:
            return requests.get(url + "/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    wait_until(ready, timeout=60, interval=0.3)
    return process, url


def sacrificial_data():
    """Users, orders and a refund that destructive admin calls may touch (ids for hooks.py)."""
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    users = [customer.id, provider.id] + [register(Client(), role)["id"] for role in (1, 1, 2, 2)]
    orders = [publish(customer)] + [order_at(customer, provider, admin, s) for s in ("pending", "accepted")]
    refunded = paid_order(customer, provider, admin)
    refund = ok(customer.post("/customer/refunds", json={"order_id": refunded, "reason": "fuzz refund"}))
    return {"users": users, "orders": orders + [refunded], "refunds": [refund["refund_id"]]}


def logout_tokens(role_id):
    """Access tokens of throwaway accounts of the role (at most 8 sign-ins each: the per-account limit)."""
    tokens = []
    while len(tokens) < LOGOUT_TOKENS:
        if role_id == 3:
            account = new_admin().account
        else:
            account = register(Client(), role_id)
        tokens += [login(Client(), account)["access_token"] for _ in range(8)]
    return tokens[:LOGOUT_TOKENS]


def identity(role):
    """(Authorization header value or None, tokens for logouts) of a fresh identity of the role."""
    if role == "anonymous":
        return None, []
    role_id = {"customer": 1, "provider": 2, "admin": 3}[role]
    client = new_admin() if role_id == 3 else signed_in(role_id)
    return "Bearer " + client.token, logout_tokens(role_id)


def run_role(role, url, ids, seed):
    authorization, tokens = identity(role)
    report = os.path.join(LOG_DIR, "fuzz-%s.xml" % role)
    command = [ST, "run", os.path.join(ROOT, "docs", "openapi.yaml"), "--url", url, "--checks", "all",
               "--max-examples", str(EXAMPLES), "--max-time", str(SECONDS), "--workers", "1", "--no-color",
               "--seed", str(seed), "--generation-database", "none", "--continue-on-failure",
               "--report", "junit", "--report-junit-path", report, "--request-timeout", "20"]
    if authorization:
        command += ["-H", "Authorization: " + authorization]
    env = dict(os.environ, PYTHONPATH=HERE, SCHEMATHESIS_HOOKS="hooks",
               MP_FUZZ_DATA=json.dumps(dict(ids, logout_tokens=tokens)))
    print("== %s: %s" % (role, " ".join(c if not c.startswith("Authorization") else "'Authorization: …'"
                                        for c in command)), flush=True)
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=LOG_DIR, timeout=SECONDS * 3 + 300)
    print("== %s: exit %d after %.0f s" % (role, result.returncode, time.monotonic() - started), flush=True)
    return result.returncode


def main():
    os.makedirs(LOG_DIR, exist_ok=True)
    seed = SEED or str(random.SystemRandom().randrange(1, 2**63))
    print("fuzz: %d s and up to %d examples per operation and role, seed %s (MP_FUZZ_SEED=%s reproduces it)"
          % (SECONDS, EXAMPLES, seed, seed), flush=True)
    gateway, url = start_gateway()
    failed = []
    try:
        ids = sacrificial_data()
        for role in ("anonymous", "customer", "provider", "admin"):
            if run_role(role, url, ids, seed) != 0:
                failed.append(role)
    finally:
        gateway.send_signal(signal.SIGTERM)
        gateway.wait(timeout=60)
    with open(os.path.join(LOG_DIR, "gateway-fuzz.log")) as log:
        text = log.read()
    if "Sanitizer" in text or "runtime error:" in text:
        print("fuzz: sanitizer report in var/test/log/gateway-fuzz.log")
        failed.append("gateway sanitizer")
    print("fuzz: %s" % ("failures as " + ", ".join(failed) if failed else "no failures"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
