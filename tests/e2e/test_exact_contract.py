"""The bad-input defects a property-based run of the API found (issue 16, ADR 0012), each through the gateway:
every one is a precise 4xx naming the rule it breaks, nothing is written, and no upstream 4xx becomes a 5xx."""
import json

import requests

from conftest import (GATEWAY, ORDER, Client, assert_error, ok, publish, signed_in)

ID_RULE = "must be an integer from 1 to 9007199254740991"
TOO_BIG = 1000000000000000000  # 10^18: 19 digits, an int64, beyond every id


def problems(body):
    return {d["field"]: d["problem"] for d in body["details"]}


def history_count(customer):
    return int(customer.get("/customer/orders/history").headers["X-Total-Count"])


def test_out_of_range_ids_are_422_with_the_id_rule_in_bodies_and_paths():
    customer = signed_in(1)
    for path, body in [("/customer/payments/pay", {"order_id": TOO_BIG}),
                       ("/customer/refunds", {"order_id": TOO_BIG, "reason": "never done"}),
                       ("/reviews", {"order_id": TOO_BIG, "stars": 5})]:
        answer = assert_error(customer.post(path, json=body), 422, "validation_failed")
        assert problems(answer) == {"order_id": ID_RULE}, (path, answer)
    for path in ["/customer/orders/my/%d" % TOO_BIG, "/customer/orders/my/9007199254740992",
                 "/reviews/order/99999999999999999999"]:
        answer = assert_error(customer.get(path), 422, "validation_failed")
        assert list(problems(answer).values()) == [ID_RULE], (path, answer)
    # The largest id is well-formed and names nothing: 404 from every service, never 503.
    assert_error(customer.get("/customer/orders/my/9007199254740991"), 404)
    assert_error(customer.post("/customer/payments/pay", json={"order_id": 9007199254740991}), 404)
    assert_error(customer.post("/reviews", json={"order_id": 9007199254740991, "stars": 5}), 404)


def test_any_byte_after_the_json_value_is_400():
    customer = signed_in(1)
    text = json.dumps(ORDER)
    for tail in ["\0garbage", "\0", " x", "}"]:
        assert_error(customer.post("/customer/orders/publish", data=(text + tail).encode(),
                                   headers={"Content-Type": "application/json"}), 400, "invalid_json")
    assert history_count(customer) == 0
    ok(customer.post("/customer/orders/publish", data=(text + " \r\n\t").encode(),
                     headers={"Content-Type": "application/json"}))


def test_titles_of_only_invisible_characters_are_blank():
    customer = signed_in(1)
    blanks = ["\f", "\u000b", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u200b", "\u0085", "\u2028"]
    for title in blanks + ["".join(blanks)]:
        answer = assert_error(customer.post("/customer/orders/publish", json=dict(ORDER, title=title)), 422)
        assert problems(answer) == {"title": "must not be blank"}, (repr(title), answer)
    assert history_count(customer) == 0


def test_money_is_never_rounded():
    customer = signed_in(1)
    answer = assert_error(customer.post("/customer/orders/publish", json=dict(ORDER, price=120.5000000001)), 422)
    assert problems(answer) == {"price": "must have at most 2 decimals"}
    assert history_count(customer) == 0
    answer = assert_error(customer.post("/customer/profile", json={"location": "NORTH", "budget_preference": -1e-10}),
                          422)
    assert problems(answer) == {"budget_preference": "must be between 0.00 and 99999999.99"}
    assert ok(customer.get("/customer/orders/my/%d" % publish(customer, price=120.5)))["price"] == 120.5


def test_built_in_endpoints_answer_other_methods_with_405():
    for path in ["/health", "/ready", "/metrics"]:
        for method in ["POST", "PUT", "DELETE", "PATCH", "TRACE"]:
            answer = requests.request(method, GATEWAY + path, timeout=10)
            assert answer.status_code == 405, (method, path, answer.status_code)
            assert answer.headers["Allow"] == "GET"
            assert answer.json()["code"] == "method_not_allowed"


def test_media_types_are_case_insensitive():
    customer = signed_in(1)
    for content_type in ["APPLICATION/JSON", "Application/Json; Charset=UTF-8", "application/json;charset=utf-8"]:
        ok(customer.post("/customer/orders/publish", data=json.dumps(ORDER).encode(),
                         headers={"Content-Type": content_type}))
    assert_error(customer.post("/customer/orders/publish", data=json.dumps(ORDER).encode(),
                               headers={"Content-Type": "application/json; charset=latin1"}), 415)
    assert history_count(customer) == 3


def test_each_422_names_the_rule_broken():
    customer, provider = signed_in(1), signed_in(2)
    answer = assert_error(customer.get("/customer/orders/my/1000000000000000000"), 422)
    assert list(problems(answer).values()) == [ID_RULE]
    answer = assert_error(provider.get("/provider/orders/available", params={"min_price": "100000000"}), 422)
    assert problems(answer) == {"min_price": "must be between 0.00 and 99999999.99"}
    answer = assert_error(provider.get("/provider/orders/available", params={"max_price": "1.001"}), 422)
    assert problems(answer) == {"max_price": "must have at most 2 decimals"}
    answer = assert_error(Client().get("/providers/search", params={"max_hourly_rate": "100000000"}), 422)
    assert problems(answer) == {"max_hourly_rate": "must be between 0.00 and 99999999.99"}
    service_times = "must be between 2000-01-01T00:00:00Z and 2199-12-31T23:59:59Z"
    for start in ["1969-12-31T09:00:00Z", "1970-01-01T09:00:00Z", "2999-01-01T09:00:00Z"]:
        answer = assert_error(customer.post("/customer/orders/publish", json=dict(ORDER, service_start_time=start)),
                              422)
        assert problems(answer)["service_start_time"] == service_times, (start, answer)
    answer = assert_error(customer.post("/customer/orders/publish", json=dict(ORDER, service_start_time="soon")), 422)
    assert problems(answer) == {"service_start_time": "must be an ISO-8601 date-time such as 2025-10-25T09:00:00Z"}


def test_read_all_with_nothing_unread_changes_nothing():
    customer = signed_in(1)
    for _ in range(2):
        assert ok(customer.put("/customer/inbox/read-all")) == {"updated": 0}
    assert ok(customer.get("/customer/inbox/unread-count")) == {"unread": 0}
