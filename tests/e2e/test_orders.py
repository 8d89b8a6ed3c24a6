"""Orders end to end through the gateway: the lifecycle with every party's inbox, who may do what,
validation, concurrency, and events surviving a broker outage and a crashed consumer."""
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import (ORDER, Client, accept, approve, assert_error, inbox_messages, marketplace, new_admin, ok,
                      order_at, process_alive, publish, set_status, signed_in, unique, wait_for_notice,
                      wait_until)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_lifecycle_with_every_inbox():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    title = unique("Paint the fence")
    order_id = publish(customer, title=title)
    n = order_id
    wait_for_notice(customer, "customer", "You have successfully published the order: %d." % n)

    # Not visible to providers before review.
    r = provider.get("/provider/orders/available/%d" % n)
    assert_error(r, 409, "order_not_available")
    pending = ok(admin.get("/admin/orders/pending-review", params={"limit": 200}))
    assert any(o["id"] == n for o in pending)

    approve(admin, n)
    wait_for_notice(customer, "customer",
                    "Your order %d has been approved by admin. It is now available for providers to accept." % n)

    available = provider.get("/provider/orders/available", params={"keyword": title})
    assert [o["id"] for o in ok(available)] == [n]
    assert available.headers["X-Total-Count"] == "1"
    detail = ok(provider.get("/provider/orders/available/%d" % n))
    assert detail["status"] == "pending" and detail["provider_id"] is None

    data = ok(accept(provider, n))
    assert data == {"order_id": n, "status": "accepted", "message": "You have successfully accepted the order: %d." % n}
    wait_for_notice(customer, "customer", "Your order: %d has been accepted by provider: %d." % (n, provider.id))
    wait_for_notice(provider, "provider", "You have successfully accepted the order: %d." % n)

    assert_error(set_status(provider, n, "completed"), 409, "order_not_in_progress")
    data = ok(set_status(provider, n, "in_progress"))
    assert data["message"] == "Order %d status updated to in_progress." % n
    wait_for_notice(customer, "customer", "Order %d status updated to in_progress." % n)
    wait_for_notice(provider, "provider", "Order %d status updated to in_progress." % n)

    ok(set_status(provider, n, "completed"))
    wait_for_notice(customer, "customer", "Order %d status updated to completed." % n)
    wait_for_notice(provider, "provider", "Order %d status updated to completed." % n)

    detail = ok(customer.get("/customer/orders/my/%d" % n))
    assert detail["status"] == "completed" and detail["provider_id"] == provider.id
    assert detail["payment_status"] == "unpaid" and detail["has_review"] is False
    assert detail["price"] == 200.0 and detail["title"] == title
    assert detail["service_start_time"] == "2030-01-02T09:00:00Z"
    assert detail["created_at"].endswith("Z") and len(detail["created_at"]) == 20
    assert len(detail) == 16
    assert ok(provider.get("/provider/orders/my/%d" % n))["id"] == n
    assert n in [o["id"] for o in ok(provider.get("/provider/orders/history"))]
    # A completed order is history, not an active order.
    assert n not in [o["id"] for o in ok(customer.get("/customer/orders"))]
    assert n in [o["id"] for o in ok(customer.get("/customer/orders/history"))]
    assert ok(admin.get("/admin/orders/%d" % n))["status"] == "completed"
    assert n in [o["id"] for o in ok(admin.get("/admin/orders", params={"status": "completed", "limit": 200}))]


def test_inbox_read_state_and_unread_count():
    customer, admin = signed_in(1), new_admin()
    order_id = publish(customer)
    approve(admin, order_id)
    wait_for_notice(customer, "customer",
                    "Your order %d has been approved by admin. It is now available for providers to accept." % order_id)
    inbox = ok(customer.get("/customer/inbox"))
    assert inbox["total"] == 2 and inbox["unread"] == 2
    assert ok(customer.get("/customer/inbox/unread-count")) == {"unread": 2}
    newest = inbox["items"][0]
    assert newest["order_id"] == order_id and newest["customer_id"] == customer.id and newest["provider_id"] is None
    assert newest["is_read"] is False and newest["created_at"].endswith("Z")
    item = ok(customer.put("/customer/inbox/%s/read" % newest["id"]))
    assert item["is_read"] is True
    assert ok(customer.get("/customer/inbox/unread-count")) == {"unread": 1}
    # Someone else's notice is not found; a malformed id is a 422.
    other = signed_in(1)
    assert_error(other.put("/customer/inbox/%s/read" % newest["id"]), 404)
    assert other.put("/customer/inbox/not-an-id/read").status_code == 422
    assert ok(customer.put("/customer/inbox/read-all"))["updated"] == 1
    assert ok(customer.get("/customer/inbox"))["unread"] == 0


def test_admin_notices_reach_the_right_inbox_only():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    data = ok(admin.post("/admin/notifications/customer/%d" % customer.id, json={"message": "Welcome aboard"}))
    assert data == {"user_id": customer.id, "message": "Notification sent successfully to customer"}
    wait_for_notice(customer, "customer", "Welcome aboard")
    ok(admin.post("/admin/notifications/provider/%d" % provider.id, json={"message": "Profile approved"}))
    wait_for_notice(provider, "provider", "Profile approved")
    assert_error(admin.post("/admin/notifications/provider/%d" % customer.id, json={"message": "x"}), 422)
    assert_error(admin.post("/admin/notifications/customer/999999999", json={"message": "x"}), 404)
    assert_error(admin.post("/admin/notifications/customer/%d" % customer.id, json={"message": ""}), 422)
    assert_error(customer.post("/admin/notifications/customer/%d" % customer.id, json={"message": "x"}), 403)


def test_customer_cancels_only_before_work_starts():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    for status in ["pending_review", "pending", "accepted"]:
        order_id = order_at(customer, provider, admin, status)
        data = ok(customer.post("/customer/orders/cancel/%d" % order_id))
        assert data == {"order_id": order_id, "status": "cancelled",
                        "message": "You have successfully cancelled the order: %d." % order_id}
        wait_for_notice(customer, "customer", "You have successfully cancelled the order: %d." % order_id)
        if status == "accepted":
            wait_for_notice(provider, "provider", "Order %d has been cancelled by customer." % order_id)
        assert_error(customer.post("/customer/orders/cancel/%d" % order_id), 409, "order_not_cancellable")
    for status in ["in_progress", "completed"]:
        order_id = order_at(customer, provider, admin, status)
        body = assert_error(customer.post("/customer/orders/cancel/%d" % order_id), 409, "order_not_cancellable")
        assert body["error"] == "The order cannot be cancelled!"


def test_admin_rejects_with_a_reason_and_edits_within_the_lifecycle():
    customer, admin = signed_in(1), new_admin()
    order_id = publish(customer)
    assert_error(admin.post("/admin/orders/%d/approve" % order_id, json={"approved": False}), 422)
    assert_error(admin.post("/admin/orders/%d/approve" % order_id, json={"approved": "yes"}), 422)
    data = ok(admin.post("/admin/orders/%d/approve" % order_id, json={"approved": False, "reject_reason": "Too vague"}))
    assert data == {"order_id": order_id, "status": "cancelled", "message": "Order rejected: Too vague"}
    wait_for_notice(customer, "customer", "Your order %d has been rejected by admin. Reason: Too vague" % order_id)
    assert_error(admin.post("/admin/orders/%d/approve" % order_id, json={"approved": True}), 409)

    other = publish(customer)
    edited = ok(admin.put("/admin/orders/%d" % other, json={"title": "Sharper title", "price": 99.5, "status": "pending"}))
    assert edited["title"] == "Sharper title" and edited["price"] == 99.5 and edited["status"] == "pending"
    assert_error(admin.put("/admin/orders/%d" % other, json={"status": "completed"}), 409, "invalid_transition")
    assert_error(admin.put("/admin/orders/%d" % other, json={"status": "paid"}), 422)
    assert_error(admin.put("/admin/orders/%d" % other, json={"service_end_time": "2000-01-01T00:00:00Z"}), 422)
    assert_error(admin.put("/admin/orders/%d" % other, json={"customer_id": 1}), 422)
    assert_error(admin.put("/admin/orders/%d" % other, json={}), 422)
    data = ok(admin.delete("/admin/orders/%d" % other))
    assert data == {"order_id": other, "message": "Order deleted successfully"}
    assert_error(admin.get("/admin/orders/%d" % other), 404, "order_not_found")
    assert_error(admin.delete("/admin/orders/%d" % other), 404)


def test_admin_cancellation_is_announced_as_a_status_change():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    order_id = order_at(customer, provider, admin, "accepted")
    assert ok(admin.put("/admin/orders/%d" % order_id, json={"status": "cancelled"}))["status"] == "cancelled"
    text = "Order %d status updated to cancelled." % order_id
    wait_for_notice(customer, "customer", text)
    wait_for_notice(provider, "provider", text)
    assert "You have successfully cancelled the order: %d." % order_id not in inbox_messages(customer, "customer")


def test_roles_and_ownership():
    customer, stranger, provider, rival = signed_in(1), signed_in(1), signed_in(2), signed_in(2)
    admin = new_admin()
    order_id = order_at(customer, provider, admin, "accepted")
    assert_error(stranger.get("/customer/orders/my/%d" % order_id), 403)
    assert_error(stranger.post("/customer/orders/cancel/%d" % order_id), 403)
    assert_error(rival.get("/provider/orders/my/%d" % order_id), 403)
    body = assert_error(set_status(rival, order_id, "in_progress"), 403)
    assert body["error"] == "Permission denied: not your order"
    # Roles: a customer cannot accept or browse as a provider; a provider cannot publish; nobody but an
    # admin reaches admin routes.
    pending = order_at(customer, provider, admin, "pending")
    assert_error(accept(customer, pending), 403)
    assert_error(customer.get("/provider/orders/available"), 403)
    assert_error(provider.post("/customer/orders/publish", json=ORDER), 403)
    assert_error(provider.get("/admin/orders"), 403)
    assert_error(Client().get("/customer/orders"), 401)
    assert_error(customer.get("/customer/orders/my/999999999"), 404, "order_not_found")
    assert customer.get("/customer/orders/my/abc").status_code == 422
    assert ok(customer.get("/customer/orders/my/%d" % pending))["status"] == "pending"


def test_invalid_orders_are_422_with_details():
    customer, provider = signed_in(1), signed_in(2)
    cases = [
        ({"service_type": "plumbing"}, "service_type"),
        ({"location": "CENTRAL"}, "location"),
        ({"title": "x" * 256}, "title"),
        ({"title": "   "}, "title"),
        ({"price": -1}, "price"),
        ({"price": 0}, "price"),
        ({"price": 100000000}, "price"),
        ({"price": 1.001}, "price"),
        ({"price": "200"}, "price"),
        ({"description": "d" * 5001}, "description"),
        ({"address": "a" * 256}, "address"),
        ({"service_start_time": "tomorrow"}, "service_start_time"),
        ({"service_end_time": "2030-01-02T08:00:00Z"}, "service_end_time"),
        ({"title": None}, "title"),
    ]
    for change, field in cases:
        body = assert_error(customer.post("/customer/orders/publish", json=dict(ORDER, **change)), 422,
                            "validation_failed")
        assert field in [d["field"] for d in body["details"]], (change, body)
    assert_error(customer.post("/customer/orders/publish", data="{not json", headers={"Content-Type": "application/json"}), 400)
    assert_error(customer.post("/customer/orders/publish", json=[ORDER]), 400)
    for params in [{"location": "CENTRAL"}, {"service_type": "x"}, {"min_price": "-1"}, {"max_price": "abc"},
                   {"limit": "0"}, {"limit": "201"}, {"offset": "-1"}]:
        assert_error(provider.get("/provider/orders/available", params=params), 422)
    order_id = publish(customer)
    assert_error(set_status(provider, order_id, "cancelled"), 422)
    assert_error(provider.post("/provider/orders/status/%d" % order_id, json={}), 422)
    # Nothing half-written: the customer has exactly the one valid order.
    assert ok(customer.get("/customer/orders/history")) and \
        customer.get("/customer/orders/history").headers["X-Total-Count"] == "1"


def test_available_orders_filters_and_escaped_keyword():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    tag = unique("tag")
    ids = {}
    for name, change in [("a", {"location": "EAST", "price": 50}), ("b", {"location": "WEST", "price": 500}),
                         ("c", {"service_type": "other", "price": 5000, "title": tag + " 100% done_right"})]:
        order_id = publish(customer, **dict({"title": tag + " " + name}, **change))
        approve(admin, order_id)
        ids[name] = order_id

    def found(**params):
        return [o["id"] for o in ok(provider.get("/provider/orders/available", params=dict(keyword=tag, **params)))]

    assert found() == [ids["c"], ids["b"], ids["a"]]
    assert found(location="EAST") == [ids["a"]]
    assert found(service_type="other") == [ids["c"]]
    assert found(min_price="100", max_price="1000") == [ids["b"]]
    assert found(limit="1", offset="1") == [ids["b"]]
    # LIKE wildcards in the keyword are literal: "%" and "_" would otherwise match every order of the tag.
    def search(keyword):
        return [o["id"] for o in ok(provider.get("/provider/orders/available", params={"keyword": keyword}))]

    assert search(tag + " 100%") == [ids["c"]]
    assert search(tag + " %") == []
    assert search(tag + " _") == []
    assert search(" " + tag.upper() + " ") == [ids["c"], ids["b"], ids["a"]]  # trimmed, case-insensitive


def test_fifty_concurrent_accepts_have_one_winner():
    customer, admin = signed_in(1), new_admin()
    with ThreadPoolExecutor(10) as pool:
        providers = list(pool.map(lambda _: signed_in(2), range(50)))
    order_id = publish(customer)
    approve(admin, order_id)
    barrier = threading.Barrier(50)

    def attempt(provider):
        barrier.wait()
        return provider, accept(provider, order_id)

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(attempt, providers))
    winners = [p for p, r in results if r.status_code == 200]
    losers = [r for p, r in results if r.status_code != 200]
    assert len(winners) == 1, [r.status_code for _, r in results]
    assert len(losers) == 49
    for r in losers:
        body = assert_error(r, 409, "order_already_accepted")
        assert body["error"] == "The order has already been accepted!"
    assert ok(customer.get("/customer/orders/my/%d" % order_id))["provider_id"] == winners[0].id


def test_twenty_parallel_publishes_are_all_listed():
    customer = signed_in(1)
    with ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(lambda i: publish(customer, title="Parallel %d" % i), range(20)))
    assert len(set(ids)) == 20
    listed = customer.get("/customer/orders", params={"limit": 200})
    assert sorted(o["id"] for o in ok(listed)) == sorted(ids)
    assert listed.headers["X-Total-Count"] == "20"


def published_notices(customer):
    messages = inbox_messages(customer, "customer") or []
    return [m for m in messages if m.startswith("You have successfully published the order: ")]


def wait_until_each_noticed_once(customers, published):
    """Every customer's inbox ends with exactly one "published" notice per order in published[customer.id]."""
    for c in customers:
        wanted = sorted("You have successfully published the order: %d." % i for i in published[c.id])
        wait_until(lambda: sorted(published_notices(c)) == wanted, timeout=90, interval=1)


def test_broker_outage_delays_but_never_loses_events():
    customers = [signed_in(1) for _ in range(4)]
    marketplace("infra", "stop", "rabbitmq")
    try:
        expected = {c.id: [publish(c, title="Outage %d" % i) for i in range(25)] for c in customers}
    finally:
        marketplace("infra", "start", "rabbitmq")
    wait_until_each_noticed_once(customers, expected)


def test_killed_notification_service_loses_and_doubles_nothing():
    customers = [signed_in(1) for _ in range(3)]
    pid_file = os.path.join(ROOT, "var", "test", "run", "notification.pid")
    published = {c.id: [] for c in customers}

    def publish_many():
        for i in range(15):
            for c in customers:
                published[c.id].append(publish(c, title="Crash %d" % i))

    writer = threading.Thread(target=publish_many)
    writer.start()
    time.sleep(0.5)
    with open(pid_file) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGKILL)
    writer.join()
    # A big ASan process takes a moment to die; `service start` meanwhile would find it "already running"
    # (and its listening socket stays open until its last thread has exited, which `service start` waits for).
    wait_until(lambda: not process_alive(pid), timeout=30)
    marketplace("service", "start", "notification")
    wait_until_each_noticed_once(customers, published)


def test_two_notification_replicas_still_deliver_each_notice_once():
    """A second notification process consumes the same queue (not routed by the gateway): the events
    are shared between the replicas, and the unique (event_id, recipient) index keeps every notice single."""
    result = marketplace("service", "env", "notification")
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    port = 18096
    env["MP_HTTP_PORT"] = str(port)
    for name in ("PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    binary = os.path.join(os.environ.get("MP_BUILD_DIR", os.path.join(ROOT, "build", "asan")),
                          "services", "notification", "mp-notification")
    log_path = os.path.join(ROOT, "var", "test", "log", "notification-replica.log")
    with open(log_path, "ab") as log:
        replica = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)

    def ready():
        try:
            return requests.get("http://127.0.0.1:%d/ready" % port, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(ready, timeout=60)
        customers = [signed_in(1) for _ in range(2)]
        published = {c.id: [publish(c, title="Replica %d" % i) for i in range(20)] for c in customers}
        for c in customers:
            wanted = sorted("You have successfully published the order: %d." % i for i in published[c.id])
            wait_until(lambda: sorted(published_notices(c)) == wanted, timeout=60, interval=1)
    finally:
        replica.send_signal(signal.SIGTERM)
        try:
            replica.wait(timeout=30)
        except subprocess.TimeoutExpired:
            replica.kill()
    with open(log_path, errors="replace") as log:
        text = log.read()
    assert "ERROR: AddressSanitizer" not in text and "runtime error:" not in text, text[-3000:]
