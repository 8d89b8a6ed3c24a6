#!/usr/bin/env python3
"""Full-lifecycle throughput: N orders taken through every step by W concurrent workers, through the gateway.

Each worker runs orders one after another: publish (customer) -> approve (admin) -> accept -> in_progress ->
completed (provider) -> pay (customer, with an Idempotency-Key) -> review (customer, once the order service
has seen the payment event: the review service refuses an unpaid order, so the worker polls the order until
payment_status is paid). Prints lifecycles per second and p50/p99 of each step in ms; pay and review are
also the pay and review scenarios. Exit 1 on any unexpected answer.
    lifecycle.py GATEWAY_URL CUSTOMER_TOKEN PROVIDER_TOKEN ADMIN_TOKEN [N] [W]
"""
import concurrent.futures
import json
import sys
import time
import urllib.error
import urllib.request
import uuid


def call(method, url, token, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    h.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main():
    gateway, customer, provider, admin = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    workers = int(sys.argv[6]) if len(sys.argv) > 6 else 16
    api = gateway + "/api/v1"
    steps = {name: [] for name in ("publish", "approve", "accept", "in_progress", "completed", "pay",
                                   "paid_visible", "review")}
    order_body = {"title": "Bench lifecycle", "service_type": "cleaning_repair", "price": 80.25,
                  "location": "MID", "address": "1 Bench Street"}

    def timed(name, method, path, token, body=None, headers=None, expect=200):
        t0 = time.perf_counter()
        status, reply = call(method, api + path, token, body, headers)
        steps[name].append((time.perf_counter() - t0) * 1000)
        if status != expect:
            raise RuntimeError("%s %s -> %s %s" % (method, path, status, reply))
        return reply.get("data")

    def lifecycle(_):
        order_id = timed("publish", "POST", "/customer/orders/publish", customer, order_body)["order_id"]
        timed("approve", "POST", "/admin/orders/%d/approve" % order_id, admin, {"approved": True})
        timed("accept", "POST", "/provider/orders/accept/%d" % order_id, provider)
        timed("in_progress", "POST", "/provider/orders/status/%d" % order_id, provider, {"new_status": "in_progress"})
        timed("completed", "POST", "/provider/orders/status/%d" % order_id, provider, {"new_status": "completed"})
        timed("pay", "POST", "/customer/payments/pay", customer, {"order_id": order_id},
              {"Idempotency-Key": str(uuid.uuid4())})
        t0 = time.perf_counter()
        while True:
            status, reply = call("GET", api + "/customer/orders/my/%d" % order_id, customer)
            if status == 200 and reply["data"]["payment_status"] == "paid":
                break
            if time.perf_counter() - t0 > 30:
                raise RuntimeError("order %d not paid 30 s after payment" % order_id)
            time.sleep(0.005)
        steps["paid_visible"].append((time.perf_counter() - t0) * 1000)
        timed("review", "POST", "/reviews", customer, {"order_id": order_id, "stars": 4, "content": "bench"})

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(lifecycle, range(n)))
    elapsed = time.perf_counter() - t0

    def pct(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]

    parts = ["%s p50=%.1f p99=%.1f" % (name, pct(v, 50), pct(v, 99)) for name, v in steps.items() if v]
    print("lifecycles=%d workers=%d seconds=%.1f lifecycles_per_s=%.1f; ms: %s" % (
        n, workers, elapsed, n / elapsed, "; ".join(parts)))


if __name__ == "__main__":
    main()
