"""Profiles (made on registration, owned by their user), the admin's view of users with their
profiles, deletion, and the public provider search."""
from conftest import Client, assert_error, new_admin, ok, signed_in, unique, wait_profile, wait_until


def names(body):
    """The fields named in a 422's details, without list indexes (`service_areas[0]` → `service_areas`)."""
    return [d["field"].split("[")[0] for d in body["details"]]


def test_profiles_belong_to_their_role_and_are_validated():
    customer, provider = signed_in(1), signed_in(2)
    wait_profile(customer, "customer")
    wait_profile(provider, "provider")
    assert_error(customer.get("/provider/profile"), 403)
    assert_error(provider.get("/customer/profile"), 403)
    assert_error(provider.put("/customer/profile", json={"location": "EAST"}), 403)
    assert_error(Client().get("/customer/profile"), 401)
    body = assert_error(customer.post("/customer/profile", json={}), 409)
    assert body["error"] == "Customer profile already exists"
    assert_error(provider.post("/provider/profile", json={}), 409)
    for change, field in [({"location": "CENTRAL"}, "location"), ({"budget_preference": -1}, "budget_preference"),
                          ({"budget_preference": 1.001}, "budget_preference"), ({"address": "a" * 256}, "address"),
                          ({"user_id": 7}, "user_id"), ({}, "body")]:
        r = assert_error(customer.put("/customer/profile", json=change), 422, "validation_failed")
        assert field in names(r), (change, r)
    for change, field in [({"experience_years": 81}, "experience_years"), ({"experience_years": -1}, "experience_years"),
                          ({"hourly_rate": 100000.01}, "hourly_rate"), ({"hourly_rate": -5}, "hourly_rate"),
                          ({"rating": 1.0}, "rating"), ({"total_reviews": 100}, "total_reviews"),
                          ({"service_areas": ["MOON"]}, "service_areas"), ({"skills": "plumbing"}, "skills"),
                          ({"skills": [""]}, "skills")]:
        r = assert_error(provider.put("/provider/profile", json=change), 422, "validation_failed")
        assert field in names(r), (change, r)
    # Nothing was changed by the refused bodies.
    profile = ok(provider.get("/provider/profile"))
    assert (profile["rating"], profile["total_reviews"], profile["experience_years"]) == (5.0, 0, 0)
    assert ok(customer.get("/customer/profile"))["location"] == "NORTH"


def listed_user(admin, user_id, role_id):
    users = ok(admin.get("/admin/users", params={"role_id": role_id, "limit": 200}))
    assert all(u["role_id"] == role_id for u in users)
    return [u for u in users if u["user_id"] == user_id]


def search(**params):
    r = Client().get("/providers/search", params=params)
    return [p["user_id"] for p in ok(r)]


def test_admin_sees_users_with_profiles_and_deleting_removes_them():
    admin, customer, provider = new_admin(), signed_in(1), signed_in(2)
    wait_profile(customer, "customer")
    wait_profile(provider, "provider")
    skill = unique("skill")
    ok(provider.put("/provider/profile", json={"skills": [skill], "hourly_rate": 30}))
    ok(customer.put("/customer/profile", json={"address": "9 Elm Road", "location": "MID"}))

    for user, role_id, role_name in [(customer, 1, "customer"), (provider, 2, "provider")]:
        [item] = listed_user(admin, user.id, role_id)
        assert item == {"user_id": user.id, "username": user.account["username"], "email": user.account["email"],
                        "role_id": role_id, "role_name": role_name, "has_profile": True,
                        "created_at": item["created_at"]}
    [me] = listed_user(admin, admin.id, 3)
    assert me["has_profile"] is False and me["role_name"] == "admin"
    assert ok(admin.get("/admin/users/%d" % admin.id))["profile"] is None

    detail = ok(admin.get("/admin/users/%d" % customer.id))
    assert detail["role_id"] == 1 and detail["username"] == customer.account["username"]
    assert detail["profile"] == ok(customer.get("/customer/profile"))
    assert detail["profile"]["address"] == "9 Elm Road"
    detail = ok(admin.get("/admin/users/%d" % provider.id))
    assert detail["profile"] == ok(provider.get("/provider/profile"))
    assert detail["profile"]["skills"] == [skill]

    # The admin changes profile fields of the user's own role; another role's fields are refused.
    changed = ok(admin.put("/admin/users/%d" % provider.id, json={"hourly_rate": 55.5}))
    assert changed["profile"]["hourly_rate"] == 55.5
    assert ok(provider.get("/provider/profile"))["hourly_rate"] == 55.5
    assert_error(admin.put("/admin/users/%d" % provider.id, json={"budget_preference": 10}), 422)
    assert search(skills=skill) == [provider.id]

    # Deleting: the profiles are gone, the old tokens are refused, the users are unknown.
    for user in (customer, provider):
        assert ok(admin.delete("/admin/users/%d" % user.id)) == {"user_id": user.id,
                                                                 "message": "User deleted successfully"}
        assert_error(admin.get("/admin/users/%d" % user.id), 404)
        assert_error(user.get("/auth/me"), 401)
    assert_error(customer.get("/customer/profile"), 401)
    assert_error(provider.get("/provider/profile"), 401)
    assert_error(customer.put("/customer/profile", json={"location": "EAST"}), 401)
    wait_until(lambda: search(skills=skill) == [], timeout=30, interval=0.3)
    assert listed_user(admin, customer.id, 1) == [] and listed_user(admin, provider.id, 2) == []


def test_provider_search_matches_every_filter():
    first, second, third = signed_in(2), signed_in(2), signed_in(2)
    for p in (first, second, third):
        wait_profile(p, "provider")
    tag = unique("tag")
    ok(first.put("/provider/profile", json={"skills": [tag + "-Plumbing", "Wiring"], "hourly_rate": 45.5,
                                            "service_areas": ["EAST", "MID"], "experience_years": 7}))
    ok(second.put("/provider/profile", json={"skills": [tag + "-Tiling"], "hourly_rate": 80,
                                             "service_areas": ["WEST"]}))
    ok(third.put("/provider/profile", json={"skills": ["Gardening"], "hourly_rate": 10,
                                            "service_areas": ["EAST"]}))
    plumbing, tiling = tag + "-plumbing", tag + "-tiling"
    assert search(skills=plumbing) == [first.id]  # case-insensitive, exact skill
    assert search(skills=" %s " % plumbing.upper()) == [first.id]
    r = Client().get("/providers/search", params={"skills": plumbing})
    [found] = ok(r)
    assert r.headers["X-Total-Count"] == "1"
    assert found == ok(first.get("/provider/profile"))  # the public profile
    # Any of several skills (comma-separated or repeated), sorted by rating then user id.
    both = sorted([first.id, second.id])
    assert search(skills="%s,%s" % (plumbing, tiling)) == both
    assert search(skills=[plumbing, tiling]) == both
    # Each filter narrows.
    assert search(skills=plumbing, location="EAST") == [first.id]
    assert search(skills=plumbing, location="MID") == [first.id]
    assert search(skills=plumbing, location="WEST") == []
    assert search(skills=[plumbing, tiling], location="WEST") == [second.id]
    assert search(skills=plumbing, max_hourly_rate="45.5") == [first.id]
    assert search(skills=plumbing, max_hourly_rate="45.49") == []
    assert search(skills=[plumbing, tiling], max_hourly_rate="50") == [first.id]
    assert search(skills=plumbing, min_rating="5") == [first.id]  # 5.0 until the first review
    assert search(skills=plumbing, min_rating="4.5", max_hourly_rate="100", location="MID") == [first.id]
    assert search(skills=tag + "-nothing") == []
    assert third.id not in search(skills=[plumbing, tiling], location="EAST")
    assert search(skills=[plumbing, tiling], limit="1", offset="1") == both[1:]
    for params in [{"location": "CENTRAL"}, {"min_rating": "6"}, {"min_rating": "x"}, {"max_hourly_rate": "-1"},
                   {"limit": "0"}, {"limit": "201"}, {"offset": "-1"}]:
        assert_error(Client().get("/providers/search", params=params), 422)
    # Operator-looking text is only text.
    assert search(skills='{"$ne": null}') == []
