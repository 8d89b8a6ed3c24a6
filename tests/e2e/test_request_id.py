"""One request id, followed through the logs: the gateway's access line, the order service's line for the
request it forwarded, and the line of the notification consumer that handled the event it caused
(DESIGN.md: the gateway assigns X-Request-ID and every hop passes it on; events carry it as request_id)."""
import glob
import json
import os
import uuid

from conftest import ORDER, ok, signed_in, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOGS = os.path.join(ROOT, "var", "test", "log")


def lines_with(service, request_id):
    """The JSON log lines of every replica of `service` that name `request_id`."""
    found = []
    for path in glob.glob(os.path.join(LOGS, service + ".log")) + glob.glob(os.path.join(LOGS, service + "-[0-9].log")):
        with open(path, errors="replace") as f:
            for line in f:
                if request_id in line:
                    try:
                        found.append(json.loads(line))
                    except ValueError:
                        pass
    return [entry for entry in found if entry.get("request_id") == request_id]


def test_one_request_id_is_in_the_logs_of_the_gateway_the_service_and_the_consumer():
    customer = signed_in(1)
    request_id = "trace-" + uuid.uuid4().hex
    r = customer.post("/customer/orders/publish", json=ORDER, headers={"X-Request-ID": request_id})
    data = ok(r)
    assert r.headers["X-Request-ID"] == request_id
    order_id = data["order_id"]

    gateway = wait_until(lambda: lines_with("gateway", request_id), timeout=10)
    assert any(e.get("message") == "request" and e.get("status") == 200 for e in gateway), gateway

    order = wait_until(lambda: lines_with("order", request_id), timeout=10)
    assert any(e.get("message") == "order published" and e.get("order_id") == order_id for e in order), order

    # order.created reaches the notification service through the outbox and RabbitMQ.
    def consumed():
        return [e for e in lines_with("notification", request_id)
                if e.get("message") == "event handled" and e.get("routing_key") == "order.created"]

    handled = wait_until(consumed, timeout=30)
    assert len(handled) == 1, handled
    assert handled[0]["queue"] and handled[0]["event_id"], handled[0]
    assert handled[0]["lag_ms"] >= 0, handled[0]
