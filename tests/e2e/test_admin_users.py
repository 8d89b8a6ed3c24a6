"""Admin user management (served by auth for now) and immediate token revocation."""
from conftest import Client, assert_error, login, register


def test_list_filter_paginate(admin, client):
    for role in (1, 2, 2):
        register(client, role)
    r = admin["client"].get("/admin/users", params={"role_id": 2, "limit": 2})
    assert r.status_code == 200, r.text
    items = r.json()["data"]
    assert len(items) == 2 and all(u["role_id"] == 2 and u["role_name"] == "provider" for u in items)
    assert int(r.headers["X-Total-Count"]) >= 2
    assert set(items[0]) == {"user_id", "username", "email", "role_id", "role_name", "has_profile", "created_at"}
    assert_error(admin["client"].get("/admin/users", params={"role_id": "x"}), 422)
    assert_error(admin["client"].get("/admin/users", params={"limit": 0}), 422)
    assert_error(admin["client"].get("/admin/users", params={"limit": 201}), 422)


def test_non_admins_are_refused(client):
    customer = register(client)
    token = login(client, customer)["access_token"]
    assert_error(client.get("/admin/users", token=token), 403, "wrong_role")
    assert_error(client.get("/admin/users", token=None), 401)


def test_detail_update_and_bad_ids(admin, client):
    user = register(client)
    r = admin["client"].get("/admin/users/%d" % user["id"])
    # A customer's detail carries its customer profile (created on user.registered, or the defaults).
    assert r.status_code == 200, r.text
    profile = r.json()["data"]["profile"]
    assert profile is not None and profile["user_id"] == user["id"] and "budget_preference" in profile
    assert_error(admin["client"].get("/admin/users/999999999"), 404)
    assert_error(admin["client"].get("/admin/users/abc"), 422)
    r = admin["client"].put("/admin/users/%d" % user["id"], json={"username": user["username"] + "_x"})
    assert r.status_code == 200 and r.json()["data"]["username"] == user["username"] + "_x"
    assert_error(admin["client"].put("/admin/users/%d" % user["id"], json={}), 422)
    assert_error(admin["client"].put("/admin/users/%d" % user["id"], json={"role_id": 7}), 422)
    assert_error(admin["client"].put("/admin/users/%d" % user["id"], json={"email": "nope"}), 422)
    other = register(client)
    assert_error(admin["client"].put("/admin/users/%d" % user["id"], json={"email": other["email"]}), 409)


def test_role_change_revokes_old_tokens_at_once(admin, client):
    user = register(client, 1)
    token = login(client, user)["access_token"]
    assert client.get("/auth/me", token=token).status_code == 200
    r = admin["client"].put("/admin/users/%d" % user["id"], json={"role_id": 2})
    assert r.status_code == 200, r.text
    assert_error(client.get("/auth/me", token=token), 401, "token_revoked")
    fresh = login(client, user)["access_token"]
    me = client.get("/auth/me", token=fresh)
    assert me.status_code == 200 and me.json()["data"]["role_id"] == 2


def test_delete_revokes_tokens_and_frees_nothing_else(admin, client):
    user = register(client)
    token = login(client, user)["access_token"]
    r = admin["client"].delete("/admin/users/%d" % user["id"])
    assert r.status_code == 200 and r.json()["data"] == {"user_id": user["id"], "message": "User deleted successfully"}
    assert_error(client.get("/auth/me", token=token), 401)
    assert_error(admin["client"].delete("/admin/users/%d" % user["id"]), 404)
    assert_error(client.post("/auth/login", json={"email": user["email"], "password": user["password"]}), 401)


def test_admin_cannot_delete_itself(admin):
    me = admin["client"].get("/auth/me").json()["data"]
    assert_error(admin["client"].delete("/admin/users/%d" % me["id"]), 409)
