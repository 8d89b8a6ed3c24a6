"""Accounts and tokens through the gateway: the happy path and every way a request can be wrong."""
import os
import time
import uuid

import requests

from conftest import (GATEWAY, Client, api, assert_error, b64url_decode, login, make_hmac_jwt, make_jwt, new_account,
                      new_signing_key, register, unique)


def test_register_login_me_refresh_logout(client):
    account = register(client, role_id=2)
    tokens = login(client, account)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 1800

    me = client.get("/auth/me", token=tokens["access_token"])
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["success"] is True and body["error"] is None and body["message"] == "Success"
    assert body["data"]["id"] == account["id"]
    assert body["data"]["role_id"] == 2
    assert body["data"]["created_at"].endswith("Z")
    assert me.headers["X-RateLimit-Limit"] and me.headers["X-Request-ID"]

    refreshed = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    new_tokens = refreshed.json()["data"]
    assert new_tokens["refresh_token"] != tokens["refresh_token"]
    assert client.get("/auth/me", token=new_tokens["access_token"]).status_code == 200

    # A refresh token works once; replaying it revokes its whole family, including the new one.
    assert_error(client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401)
    assert_error(client.post("/auth/refresh", json={"refresh_token": new_tokens["refresh_token"]}), 401)

    fresh = login(client, account)
    out = client.post("/auth/logout", token=fresh["access_token"], json={"refresh_token": fresh["refresh_token"]})
    assert out.status_code == 200, out.text
    assert_error(client.get("/auth/me", token=fresh["access_token"]), 401, "token_revoked")
    assert_error(client.post("/auth/refresh", json={"refresh_token": fresh["refresh_token"]}), 401)

    # The gateway's "revocation checked" attestation cannot be forged by a client, through the gateway or
    # straight to a service: the revoked token stays revoked.
    forged = {"X-Revocation-Checked": "%d.%s" % (int(time.time() * 1000), "A" * 43)}
    assert_error(client.get("/auth/me", token=fresh["access_token"], headers=forged), 401, "token_revoked")
    direct = requests.get(os.environ["MP_AUTH_URL"] + "/api/v1/auth/me", timeout=10,
                          headers={"Authorization": "Bearer " + fresh["access_token"], **forged})
    assert_error(direct, 401, "token_revoked")


def test_registration_message_and_shape(client):
    account = new_account(1)
    r = client.post("/auth/register", json=account)
    assert r.status_code == 200
    body = r.json()
    assert body["message"] == "Registration successful"
    assert set(body["data"]) == {"id", "username", "email"}


def test_duplicate_username_or_email_is_409(client):
    account = register(client)
    same_name = new_account()
    same_name["username"] = account["username"]
    assert_error(client.post("/auth/register", json=same_name), 409, "username_taken")
    same_email = new_account()
    same_email["email"] = account["email"].upper()  # e-mail uniqueness ignores case
    assert_error(client.post("/auth/register", json=same_email), 409, "email_taken")


def test_nobody_registers_as_admin_publicly(client):
    account = new_account(3)
    body = assert_error(client.post("/auth/register", json=account), 422, "validation_failed")
    assert body["details"] == [{"field": "role_id", "problem": "must be 1 (customer) or 2 (provider)"}]
    assert_error(client.post("/auth/admin/register", json=account), 401)


def test_admin_registers_admins_and_others_cannot(admin, client):
    account = new_account(3)
    r = admin["client"].post("/auth/admin/register", json=account)
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Admin registration successful"
    customer = register(client)
    token = login(client, customer)["access_token"]
    assert_error(client.post("/auth/admin/register", token=token, json=new_account(3)), 403, "wrong_role")


def test_validation_errors_name_every_field(client):
    body = assert_error(client.post("/auth/register", json={"username": 5, "email": "not-an-email",
                                                            "password": "short", "role_id": "1"}), 422)
    fields = {d["field"]: d["problem"] for d in body["details"]}
    assert fields["username"] == "must be a string"
    assert fields["password"] == "must be at least 8 characters"
    assert fields["role_id"] == "must be an integer"
    body = assert_error(client.post("/auth/register", json={}), 422)
    assert {d["field"] for d in body["details"]} == {"username", "email", "password", "role_id"}
    body = assert_error(client.post("/auth/register", json={**new_account(), "email": "a@b"}), 422)
    assert body["details"][0]["field"] == "email"


def test_malformed_bodies_are_4xx(client):
    assert_error(client.post("/auth/register", data="{not json", headers={"Content-Type": "application/json"}),
                 400, "invalid_json")
    assert_error(client.post("/auth/register", data="[1, 2]", headers={"Content-Type": "application/json"}), 400)
    assert_error(client.post("/auth/register", data="", headers={"Content-Type": "application/json"}), 400)
    assert_error(client.post("/auth/login", data="email=a", headers={"Content-Type": "application/x-www-form-urlencoded"}),
                 415)
    huge = {"username": "x" * (70 * 1024), "email": "a@b.co", "password": "12345678", "role_id": 1}
    assert_error(client.post("/auth/register", json=huge), 413, "payload_too_large")


def test_wrong_login_is_401_without_saying_which_part(client):
    account = register(client)
    a = assert_error(client.post("/auth/login", json={"email": account["email"], "password": "wrong password"}), 401)
    b = assert_error(client.post("/auth/login", json={"email": unique("x") + "@example.com", "password": "whatever1"}), 401)
    assert a["error"] == b["error"] == "Invalid credentials"


def test_bad_tokens_are_401(client):
    account = register(client)
    good = login(client, account)["access_token"]
    header, payload, signature = good.split(".")
    now = int(time.time())
    claims = {"sub": str(account["id"]), "role": 1, "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, "ver": 0}
    forged = make_jwt(claims, private_key=new_signing_key())
    expired = make_jwt({**claims, "iat": now - 7200, "exp": now - 3600})
    alg_none = make_jwt(claims, header={"alg": "none", "typ": "JWT"}).rsplit(".", 1)[0] + "."
    tampered = header + "." + payload[:-2] + ("AA" if not payload.endswith("AA") else "BB") + "." + signature
    public_key = requests.get(api("/auth/jwks"), timeout=10).json()["keys"][0]["x"]
    confused = make_hmac_jwt(claims, b64url_decode(public_key))
    for token in [forged, expired, alg_none, tampered, confused, "garbage", "a.b.c", ""]:
        r = client.get("/auth/me", token=token, headers={} if token else {"Authorization": "Bearer "})
        assert_error(r, 401)
        assert r.headers.get("WWW-Authenticate") == "Bearer"
    assert_error(client.get("/auth/me", token=None), 401, "missing_token")
    assert_error(client.get("/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)
    body = assert_error(client.get("/auth/me", token=expired), 401, "token_expired")
    assert "expired" in body["error"]


def test_only_auths_key_makes_tokens_anyone_accepts(client):
    """A token signed by any key but auth's (a compromised service's own, say), or by auth's key for another
    issuer or audience, is refused by the gateway and by every service called directly."""
    account = register(client)
    now = int(time.time())
    claims = {"sub": str(account["id"]), "role": 3, "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, "ver": 0}
    assert client.get("/auth/me", token=make_jwt({**claims, "role": 1})).status_code == 200  # the control
    stranger = make_jwt(claims, private_key=new_signing_key())
    wrong_issuer = make_jwt({**claims, "iss": "someone-else"})
    wrong_audience = make_jwt({**claims, "aud": "another-api"})
    guarded = [("GATEWAY", "/api/v1/admin/orders"), ("AUTH", "/api/v1/auth/me"), ("USER", "/api/v1/admin/users"),
               ("ORDER", "/api/v1/admin/orders"), ("PAYMENT", "/api/v1/admin/refunds"),
               ("REVIEW", "/api/v1/reviews/provider/me/rating"), ("NOTIFICATION", "/api/v1/customer/inbox")]
    for token, reason in [(stranger, "unknown signing key"), (wrong_issuer, "iss"), (wrong_audience, "aud")]:
        for service, path in guarded:
            base = GATEWAY if service == "GATEWAY" else os.environ["MP_%s_URL" % service]
            r = requests.get(base + path, headers={"Authorization": "Bearer " + token}, timeout=10)
            body = assert_error(r, 401, "invalid_token")
            assert reason in body["error"], (service, path, body)


def test_jwks_lists_the_public_key_tokens_are_signed_with():
    r = requests.get(api("/auth/jwks"), timeout=10)
    assert r.status_code == 200
    keys = r.json()["keys"]
    assert keys and all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and k["alg"] == "EdDSA" for k in keys)
    assert all("d" not in k for k in keys)  # public halves only


def test_verify_token(client):
    account = register(client)
    token = login(client, account)["access_token"]
    ok = client.post("/auth/verify-token", json={"token": token}).json()["data"]
    assert ok["valid"] is True and ok["user_id"] == account["id"] and ok["role_id"] == 1
    bad = client.post("/auth/verify-token", json={"token": "garbage"}).json()["data"]
    assert bad["valid"] is False


def test_unknown_route_and_method(client):
    assert_error(client.get("/nothing/here"), 404, "route_not_found")
    assert_error(client.request("DELETE", "/auth/login"), 405)


def test_cors_preflight_and_headers():
    origin = "http://localhost:5173"
    r = requests.options(api("/auth/login"), headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
                         timeout=10)
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    r = requests.get(api("/auth/me"), headers={"Origin": origin}, timeout=10)
    assert r.headers["Access-Control-Allow-Origin"] == origin
    r = requests.get(api("/auth/me"), headers={"Origin": "http://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in r.headers


def test_operational_endpoints():
    assert requests.get(GATEWAY + "/health", timeout=10).json()["status"] == "healthy"
    assert requests.get(GATEWAY + "/ready", timeout=10).status_code == 200
    metrics = requests.get(GATEWAY + "/metrics", timeout=10).text
    assert "http_requests_total" in metrics and "http_request_duration_seconds_bucket" in metrics
    spec = requests.get(GATEWAY + "/openapi.yaml", timeout=10)
    assert spec.status_code == 200 and "/api/v1/auth/login:" in spec.text
    docs = requests.get(GATEWAY + "/docs", timeout=10)
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert requests.get(GATEWAY + "/docs/swagger-ui-bundle.js", timeout=10).status_code == 200


def test_request_id_is_kept(client):
    r = client.get("/auth/me", headers={"X-Request-ID": "e2e-trace-123"})
    assert r.headers["X-Request-ID"] == "e2e-trace-123"
