#!/usr/bin/env python3
"""Event latency: order published -> its notice visible in the customer's inbox, through the gateway.

For each of N orders (one at a time): publish, then poll GET /customer/inbox/unread-count until it grows;
the latency is the time from the publish response to the first poll that sees the notice (outbox relay,
RabbitMQ, notification consumer, FerretDB write, Redis inbox view). Prints p50/p90/p99/max in ms.
    event_latency.py GATEWAY_URL TOKEN [N] [MAX_SECONDS]
The run stops after MAX_SECONDS (default 300) even if fewer than N orders were measured, and says so.
"""
import json
import sys
import time
import urllib.request


def call(opener, method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with opener.open(request, timeout=30) as response:
        return json.load(response)["data"]


def main():
    gateway, token = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    max_seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 300.0
    started = time.perf_counter()
    opener = urllib.request.build_opener()
    order = {"title": "Latency probe", "service_type": "other", "price": 10, "location": "MID"}
    unread_url = gateway + "/api/v1/customer/inbox/unread-count"
    latencies = []
    unread = call(opener, "GET", unread_url, token)["unread"]
    deadline_s = 10.0
    for _ in range(n):
        if time.perf_counter() - started > max_seconds:
            break
        call(opener, "POST", gateway + "/api/v1/customer/orders/publish", token, order)
        t0 = time.perf_counter()
        while True:
            now_unread = call(opener, "GET", unread_url, token)["unread"]
            elapsed = time.perf_counter() - t0
            if now_unread > unread:
                unread = now_unread
                latencies.append(elapsed * 1000)
                break
            if elapsed > deadline_s:
                print("notice did not arrive within %.0f s" % deadline_s, file=sys.stderr)
                sys.exit(1)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(round(p / 100.0 * (len(latencies) - 1))))]

    bounded = "" if len(latencies) == n else " (stopped at the %.0f s bound; %d wanted)" % (max_seconds, n)
    print("orders=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%s" % (
        len(latencies), pct(50), pct(90), pct(99), latencies[-1], bounded))


if __name__ == "__main__":
    main()
