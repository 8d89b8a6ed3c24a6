"""Replicas under faults (`./marketplace test` runs 2 instances of every service): while customers keep
making mixed calls, one instance of each service in turn is killed with SIGKILL and started again.

- Idempotent calls (GET) succeed: the gateway retries one that failed on a dead instance on another one
  (the report counts the gateways' failovers and ejections).
  When the killed process is a gateway, its own clients' connections are cut (there is no front before
  the gateways sharing the port); the client retries its GET on a new connection, as any HTTP client or
  ingress does.
- Non-idempotent calls (POST publish) either succeed or fail with 503 (or, through a killed gateway, a cut
  connection); none is half done: an order that exists has its notice, exactly once.
- Events still arrive exactly once: every order of every customer has exactly one "published" notice.
The counts go to var/test/log/replica-fault-report.json and stdout (pytest -s)."""
import collections
import json
import os
import signal
import threading
import time

import pytest
import requests

from conftest import ORDER, marketplace, process_alive, signed_in, unique, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPLICAS = int(os.environ.get("MP_REPLICAS", "1"))
VICTIMS = ["auth", "user", "order", "payment", "review", "notification", "gateway"]
WORKERS = 16
PAUSE = 0.25  # between a worker's calls: each stays under the test instance's 300 calls/min per user

pytestmark = pytest.mark.skipif(REPLICAS < 2, reason="needs ./marketplace test --replicas 2 or more")


class Load:
    """Workers, each a signed-in customer, cycling through reads of every service and a publish."""

    def __init__(self, provider_id):
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.outcomes = collections.Counter()  # (kind, outcome) -> count
        self.client_retries = 0
        self.published = []  # (customer, title, status, order_id or None)
        self.reads = [
            ("auth", lambda c: c.get("/auth/me")),
            ("user", lambda c: c.get("/customer/profile")),
            ("order", lambda c: c.get("/customer/orders", params={"limit": 5})),
            ("payment", lambda c: c.get("/customer/payments")),
            ("review", lambda c: c.get("/reviews/provider/%d/rating" % provider_id)),
            ("notification", lambda c: c.get("/customer/inbox/unread-count")),
        ]
        self.customers = [signed_in(1) for _ in range(WORKERS)]
        self.threads = [threading.Thread(target=self.run, args=(c,)) for c in self.customers]

    def count(self, kind, outcome):
        with self.lock:
            self.outcomes[(kind, outcome)] += 1

    def read(self, customer, name, call):
        for attempt in range(3):
            try:
                r = call(customer)
            except requests.ConnectionError:
                with self.lock:
                    self.client_retries += 1
                continue
            # 404: a customer without a profile; any answer but a 5xx is the service's real answer.
            self.count("GET " + name, str(r.status_code) if r.status_code >= 500 else "ok")
            return
        self.count("GET " + name, "connection lost 3 times")

    def publish(self, customer):
        title = unique("Fault")
        try:
            r = customer.post("/customer/orders/publish", json=dict(ORDER, title=title))
        except requests.ConnectionError:
            self.count("POST publish", "connection cut")
            with self.lock:
                self.published.append((customer, title, "cut", None))
            return
        status = r.status_code
        order_id = r.json()["data"]["order_id"] if status == 200 else None
        if status == 503:
            assert r.json()["success"] is False and r.json()["code"], r.text
        self.count("POST publish", "ok" if status == 200 else str(status))
        with self.lock:
            self.published.append((customer, title, status, order_id))

    def run(self, customer):
        i = 0
        while not self.stop.is_set():
            if i % 7 == 6:
                self.publish(customer)
            else:
                name, call = self.reads[i % 7]
                self.read(customer, name, call)
            i += 1
            time.sleep(PAUSE)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()


GATEWAY_PORT = int(os.environ.get("MP_GATEWAY_URL", "http://127.0.0.1:18080").rsplit(":", 1)[1])
COUNTERS = ("gateway_upstream_failovers_total", "gateway_upstream_ejections_total")


def gateway_counters(k):
    """The HTTP client counters of gateway instance k, read on its own port (8080 + 100 k)."""
    text = requests.get("http://127.0.0.1:%d/metrics" % (GATEWAY_PORT + 100 * k), timeout=5).text
    values = collections.Counter()
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in COUNTERS:
            values[name] = int(float(value))
    return values


def kill_and_restart(name):
    """SIGKILL instance `name` (e.g. order-2), let the load run on the survivor, start it again."""
    pid_file = os.path.join(ROOT, "var", "test", "run", name + ".pid")
    with open(pid_file) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not process_alive(pid), timeout=30)
    time.sleep(1.5)
    marketplace("service", "start", name)


def orders_of(customer):
    r = customer.get("/customer/orders", params={"limit": 200})
    assert r.status_code == 200, r.text
    return {o["title"]: o["id"] for o in r.json()["data"]}


def published_notices(customer):
    r = customer.get("/customer/inbox", params={"limit": 200})
    if r.status_code != 200:
        return None
    prefix = "You have successfully published the order: "
    return collections.Counter(int(m["message"][len(prefix):-1]) for m in r.json()["data"]["items"]
                               if m["message"].startswith(prefix))


def test_killing_one_instance_of_each_service_under_load_loses_and_doubles_nothing():
    provider = signed_in(2)
    before = {k: gateway_counters(k) for k in (1, 2)}  # earlier tests made their own failovers
    started_at = time.time()
    with Load(provider.id) as load:
        time.sleep(2)
        counters = collections.Counter()
        for service in VICTIMS:
            if service == "gateway":
                counters += gateway_counters(2)  # its counts die with it
                counters.subtract(before[2])
            kill_and_restart(service + "-2")
            time.sleep(1)
        time.sleep(2)
    took = time.time() - started_at
    counters += gateway_counters(1) + gateway_counters(2)
    counters.subtract(before[1])

    # Every order that exists has exactly one notice; every 200 publish exists; a failed one may exist
    # (it reached the order service before the failure) but then it is whole: it has its notice too.
    lost = duplicated = failed_but_applied = 0
    missing_orders = []
    for customer in load.customers:
        orders = orders_of(customer)
        mine = [p for p in load.published if p[0] is customer]
        for _, title, status, order_id in mine:
            if status == 200:
                if orders.get(title) != order_id:
                    missing_orders.append((title, order_id))
            elif title in orders:
                failed_but_applied += 1

        def complete():
            notices = published_notices(customer)
            return notices is not None and set(notices) >= set(orders.values())

        try:
            wait_until(complete, timeout=60, interval=1)
        except AssertionError:
            pass
        notices = published_notices(customer) or collections.Counter()
        lost += sum(1 for order_id in orders.values() if notices[order_id] == 0)
        duplicated += sum(n - 1 for n in notices.values() if n > 1)
        strays = set(notices) - set(orders.values())
        assert not strays, "notices for orders that do not exist: %s" % strays

    requests_total = sum(load.outcomes.values())
    report = {
        "replicas": REPLICAS,
        "killed": [s + "-2" for s in VICTIMS],
        "seconds": round(took, 1),
        "requests": requests_total,
        "outcomes": {"%s: %s" % k: v for k, v in sorted(load.outcomes.items())},
        "client_retries_after_a_cut_connection": load.client_retries,
        "gateway_failovers_to_another_instance": counters["gateway_upstream_failovers_total"],
        "gateway_instances_ejected": counters["gateway_upstream_ejections_total"],
        "publishes": len(load.published),
        "failed_publishes_that_were_applied": failed_but_applied,
        "lost_events": lost,
        "duplicated_events": duplicated,
    }
    with open(os.path.join(ROOT, "var", "test", "log", "replica-fault-report.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))

    assert not missing_orders, missing_orders
    assert lost == 0 and duplicated == 0, report
    bad_reads = {k: v for k, v in load.outcomes.items() if k[0].startswith("GET") and k[1] != "ok"}
    assert not bad_reads, report
    bad_writes = {k: v for k, v in load.outcomes.items()
                  if k[0].startswith("POST") and k[1] not in ("ok", "503", "connection cut")}
    assert not bad_writes, report
    cut = load.outcomes[("POST publish", "connection cut")]
    assert cut <= WORKERS, "more cut connections than in-flight calls through one gateway: %s" % report
