"""Payments, refunds and reviews through the gateway: every refusal (409/403/404/422), double and
concurrent payments, Idempotency-Key replays."""
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from conftest import (Client, assert_error, new_admin, ok, order_at, paid_order, pay, payments_of, review,
                      signed_in, wait_order)


def concurrently(*calls):
    """Runs the calls at the same moment (one thread each, released together); returns their results."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_pay_only_own_completed_unpaid_orders():
    customer, stranger, provider, admin = signed_in(1), signed_in(1), signed_in(2), new_admin()
    for status in ("pending_review", "pending", "accepted", "in_progress"):
        order_id = order_at(customer, provider, admin, status)
        body = assert_error(pay(customer, order_id), 409, "order_not_completed")
        assert body["error"] == "Order not completed, cannot pay"
    order_id = order_at(customer, provider, admin, "completed")
    assert_error(pay(stranger, order_id), 403, "forbidden")
    assert_error(pay(customer, 999999999), 404, "order_not_found")
    assert_error(pay(provider, order_id), 403)  # wrong role
    assert_error(Client().post("/customer/payments/pay", json={"order_id": order_id}), 401)
    assert payments_of(stranger, order_id) == [] and payments_of(customer, order_id) == []

    first = ok(pay(customer, order_id))
    body = assert_error(pay(customer, order_id), 409, "order_already_paid")
    assert body["error"] == "Order already paid"
    wait_order(customer, order_id, payment_status="paid")
    assert_error(pay(customer, order_id), 409, "order_already_paid")
    history = customer.get("/customer/payments")
    assert [p["payment_id"] for p in ok(history) if p["order_id"] == order_id] == [first["payment_id"]]
    assert history.headers["X-Total-Count"] == "1"


def test_concurrent_double_pay_charges_once():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    order_id = order_at(customer, provider, admin, "completed")
    results = concurrently(lambda: pay(customer, order_id), lambda: pay(customer, order_id))
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    assert_error([r for r in results if r.status_code == 409][0], 409, "order_already_paid")
    winner = [r for r in results if r.status_code == 200][0].json()["data"]
    assert [p["payment_id"] for p in payments_of(customer, order_id)] == [winner["payment_id"]]
    wait_order(customer, order_id, payment_status="paid")


def test_idempotency_key_replays_the_first_answer():
    customer, other, provider, admin = signed_in(1), signed_in(1), signed_in(2), new_admin()
    order_id = order_at(customer, provider, admin, "completed")
    key = "pay-" + uuid.uuid4().hex
    # A refused pay with a key is not remembered: the same key works once the order can be paid.
    early = order_at(customer, provider, admin, "in_progress")
    assert_error(pay(customer, early, key="early-" + key), 409, "order_not_completed")

    first = pay(customer, order_id, key=key)
    assert first.status_code == 200, first.text
    again = pay(customer, order_id, key=key)
    assert again.status_code == 200 and again.text == first.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert_error(pay(customer, order_id), 409, "order_already_paid")  # without the key: a second payment
    assert_error(pay(customer, order_id, key="another-" + key), 409, "order_already_paid")
    # The key names one request: reusing it for another order is refused before anything is charged.
    second = order_at(customer, provider, admin, "completed")
    body = assert_error(pay(customer, second, key=key), 422, "validation_failed")
    assert body["details"][0]["field"] == "Idempotency-Key"
    assert payments_of(customer, second) == []
    # Keys are per customer: another customer may use the same one for their own order.
    theirs = order_at(other, provider, admin, "completed")
    assert ok(pay(other, theirs, key=key))["order_id"] == theirs
    # Still the same answer after the order turned paid; two concurrent replays as well.
    wait_order(customer, order_id, payment_status="paid")
    for r in [pay(customer, order_id, key=key)] + concurrently(lambda: pay(customer, order_id, key=key),
                                                                lambda: pay(customer, order_id, key=key)):
        assert r.status_code == 200 and r.text == first.text
    assert [p["payment_id"] for p in payments_of(customer, order_id)] == [first.json()["data"]["payment_id"]]
    # Two concurrent first requests with one key: both get the one charge's answer.
    third = order_at(customer, provider, admin, "completed")
    shared = "race-" + uuid.uuid4().hex
    results = concurrently(lambda: pay(customer, third, key=shared), lambda: pay(customer, third, key=shared))
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    assert results[0].text == results[1].text
    assert len(payments_of(customer, third)) == 1


def test_pay_and_refund_bodies_are_validated():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    for body, field in [({}, "order_id"), ({"order_id": "7"}, "order_id"), ({"order_id": 0}, "order_id"),
                        ({"order_id": -3}, "order_id"), ({"order_id": 1.5}, "order_id"),
                        ({"order_id": None}, "order_id"), ({"order_id": 2 ** 64}, "order_id")]:
        r = assert_error(customer.post("/customer/payments/pay", json=body), 422, "validation_failed")
        assert field in [d["field"] for d in r["details"]], (body, r)
    for key in ["has space", "x" * 256, "ünïcode"]:
        r = customer.post("/customer/payments/pay", json={"order_id": 1},
                          headers={"Idempotency-Key": key.encode("utf-8")})
        assert_error(r, 422, "validation_failed")
    assert_error(customer.post("/customer/payments/pay", data="{not json",
                               headers={"Content-Type": "application/json"}), 400)
    assert_error(customer.post("/customer/payments/pay", json=[1]), 400)

    order_id = paid_order(customer, provider, admin)
    for body, field in [({"order_id": order_id}, "reason"), ({"order_id": order_id, "reason": ""}, "reason"),
                        ({"order_id": order_id, "reason": "   "}, "reason"),
                        ({"order_id": order_id, "reason": 5}, "reason"),
                        ({"order_id": order_id, "reason": "r" * 501}, "reason"),
                        ({"reason": "Nobody came"}, "order_id"), ({"order_id": "x", "reason": "Nobody came"}, "order_id")]:
        r = assert_error(customer.post("/customer/refunds", json=body), 422, "validation_failed")
        assert field in [d["field"] for d in r["details"]], (body, r)
    refund = ok(customer.post("/customer/refunds", json={"order_id": order_id, "reason": "Nobody came"}))
    path = "/admin/refunds/%d/approve" % refund["refund_id"]
    for body, field in [({}, "approved"), ({"approved": "yes"}, "approved"), ({"approved": 1}, "approved"),
                        ({"approved": False}, "reason"), ({"approved": False, "reason": "  "}, "reason"),
                        ({"approved": False, "reason": "r" * 501}, "reason")]:
        r = assert_error(admin.post(path, json=body), 422, "validation_failed")
        assert field in [d["field"] for d in r["details"]], (body, r)
    assert_error(admin.get("/admin/refunds", params={"status": "approved"}), 422)
    assert_error(admin.get("/admin/refunds", params={"limit": 0}), 422)
    assert_error(admin.get("/admin/refunds", params={"limit": 201}), 422)
    assert_error(customer.get("/customer/payments", params={"offset": -1}), 422)
    # Nothing was decided by the refused bodies.
    assert payments_of(customer, order_id)[0]["refunds"][0]["status"] == "pending"


def test_refund_of_an_unpaid_order_is_409():
    """The order exists and is the caller's, but its state (unpaid) does not allow a refund: 409 like every
    other state conflict (api-v1.md Envelope; issue 4). An order id nobody knows is a 404."""
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    assert_error(customer.post("/customer/refunds", json={"order_id": 999999999, "reason": "x"}), 404)
    unpaid = order_at(customer, provider, admin, "completed")
    assert_error(customer.post("/customer/refunds", json={"order_id": unpaid, "reason": "Nobody came"}), 409)


def test_refund_refusals():
    customer, stranger, provider, admin = signed_in(1), signed_in(1), signed_in(2), new_admin()
    order_id = paid_order(customer, provider, admin)
    body = {"order_id": order_id, "reason": "Nobody came"}
    assert_error(stranger.post("/customer/refunds", json=body), 403, "forbidden")
    assert_error(provider.post("/customer/refunds", json=body), 403)  # wrong role
    assert_error(customer.get("/admin/refunds"), 403)
    assert_error(customer.post("/admin/refunds/1/approve", json={"approved": True}), 403)
    assert_error(admin.post("/admin/refunds/999999999/approve", json={"approved": True}), 404, "refund_not_found")
    refund = ok(customer.post("/customer/refunds", json=body))
    assert_error(customer.post("/customer/refunds", json=body), 409, "refund_pending")
    # Requests racing each other leave one open refund.
    second = paid_order(customer, provider, admin)
    again = {"order_id": second, "reason": "Too late"}
    results = concurrently(*[lambda: customer.post("/customer/refunds", json=again)] * 4)
    assert sorted(r.status_code for r in results) == [200, 409, 409, 409], [r.text for r in results]
    # Two admins deciding at once: one wins, the other gets 409.
    other_admin = new_admin()
    path = "/admin/refunds/%d/approve" % refund["refund_id"]
    results = concurrently(lambda: admin.post(path, json={"approved": True}),
                           lambda: other_admin.post(path, json={"approved": False, "reason": "No"}))
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    assert_error([r for r in results if r.status_code == 409][0], 409, "refund_not_pending")
    decided = [r for r in results if r.status_code == 200][0].json()["data"]
    if decided["status"] == "completed":
        wait_order(customer, order_id, payment_status="refunded")
        assert_error(customer.post("/customer/refunds", json=body), 409, "order_already_refunded")
        assert_error(review(customer, order_id, 4), 409, "order_refunded")
    else:
        assert ok(customer.post("/customer/refunds", json=body))["status"] == "pending"  # may ask again


def test_review_refusals():
    customer, stranger, provider, admin = signed_in(1), signed_in(1), signed_in(2), new_admin()
    started = order_at(customer, provider, admin, "in_progress")
    assert_error(review(customer, started, 5), 409, "order_not_completed")
    unpaid = order_at(customer, provider, admin, "completed")
    body = assert_error(review(customer, unpaid, 5), 409, "order_not_paid")
    assert body["error"] == "You can only review paid orders"
    assert_error(review(customer, 999999999, 5), 404, "order_not_found")
    assert_error(review(provider, unpaid, 5), 403)  # wrong role
    assert_error(Client().post("/reviews", json={"order_id": unpaid, "stars": 5}), 401)

    reviewed = paid_order(customer, provider, admin)
    not_reviewed = paid_order(customer, provider, admin)
    ok(review(customer, reviewed, 4, "Fine"))
    body = assert_error(review(customer, reviewed, 5), 409, "order_already_reviewed")
    assert body["error"] == "Order already reviewed"
    # Someone else's order: the same 403 whether or not it was reviewed (nothing leaks).
    first = assert_error(review(stranger, reviewed, 1), 403)
    second = assert_error(review(stranger, not_reviewed, 1), 403)
    assert first == second
    assert_error(stranger.get("/reviews/order/%d" % reviewed), 403)
    assert_error(customer.get("/reviews/order/%d" % not_reviewed), 404, "review_not_found")
    wait_order(customer, reviewed, status="reviewed")
    assert_error(review(customer, reviewed, 5), 409, "order_already_reviewed")
    # Two concurrent reviews of one order: one is stored.
    results = concurrently(lambda: review(customer, not_reviewed, 2), lambda: review(customer, not_reviewed, 3))
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    stars = [r.json()["data"]["stars"] for r in results if r.status_code == 200]
    assert ok(customer.get("/reviews/order/%d" % not_reviewed))["stars"] == stars[0]


def test_review_bodies_are_validated():
    customer = signed_in(1)
    cases = [
        ({"order_id": 1, "stars": 0}, "stars"),
        ({"order_id": 1, "stars": 6}, "stars"),
        ({"order_id": 1, "stars": 4.5}, "stars"),
        ({"order_id": 1, "stars": "5"}, "stars"),
        ({"order_id": 1, "stars": True}, "stars"),
        ({"order_id": 1}, "stars"),
        ({"stars": 5}, "order_id"),
        ({"order_id": 0, "stars": 5}, "order_id"),
        ({"order_id": "1", "stars": 5}, "order_id"),
        ({"order_id": 1, "stars": 5, "content": "c" * 2001}, "content"),
        ({"order_id": 1, "stars": 5, "content": 7}, "content"),
    ]
    for body, field in cases:
        r = assert_error(customer.post("/reviews", json=body), 422, "validation_failed")
        assert field in [d["field"] for d in r["details"]], (body, r)
    assert_error(customer.post("/reviews", data="[", headers={"Content-Type": "application/json"}), 400)
    assert_error(Client().get("/reviews/provider/me"), 422)
    assert_error(Client().get("/reviews/provider/0/rating"), 422)
    assert_error(Client().get("/reviews/provider/1", params={"limit": 0}), 422)
    # An unknown provider has the reference's default rating, never 404.
    assert ok(Client().get("/reviews/provider/999999999/rating")) == {
        "provider_id": 999999999, "average_rating": 5.0, "total_reviews": 0}
