from __future__ import annotations

from django.test import Client

from bianmin.api.credentials import digest
from bianmin.api.models import ApiToken, Open311Client
from bianmin.api.tests.conftest import ApiClient
from bianmin.api.tests.factories import open311_client, token_for
from bianmin.core.models import AuditEvent


def login(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def test_a_token_is_shown_once_and_stored_only_as_a_digest(world):
    client = login(world.staff["director"])
    response = client.post("/staff/api/tokens/", {"name": "叫号系统对接"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("bm_")
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.key_hash == digest(secret)
    assert secret not in {token.prefix, token.key_hash, token.name}
    assert AuditEvent.objects.filter(verb="api_token_issue").count() == 1
    # The list page afterwards does not show the secret again.
    again = client.get("/staff/api/tokens/").content.decode()
    assert secret not in again
    assert token.prefix in again
    # And the token works.
    assert ApiClient(secret).get("/api/v1/org-units").status_code == 200


def test_token_form_without_name_gets_a_chinese_error(world):
    response = login(world.staff["director"]).post("/staff/api/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoking_a_token_stops_it(world):
    token, secret = token_for(world.staff["director"].user)
    response = login(world.staff["director"]).post(f"/staff/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(secret).get("/api/v1/org-units").status_code == 401


def test_another_users_token_cannot_be_seen_or_revoked_except_by_an_administrator(world):
    token, _secret = token_for(world.staff["director"].user)
    other = login(world.staff["other_director"])
    assert token.name not in other.get("/staff/api/tokens/").content.decode()
    assert other.post(f"/staff/api/tokens/{token.pk}/revoke/").status_code == 404
    admin = login(world.staff["admin"])
    assert token.name in admin.get("/staff/api/tokens/").content.decode()
    assert admin.post(f"/staff/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_roles_that_connect_systems_see_the_token_page(world):
    token, _secret = token_for(world.staff["window"].user)
    for role in ("window", "handler", "inspector", "district"):
        client = login(world.staff[role])
        assert client.get("/staff/api/tokens/").status_code == 403, role
        assert client.post("/staff/api/tokens/", {"name": "叫号系统对接"}).status_code == 403, role
        assert "/staff/api/tokens/" not in client.get("/staff/").content.decode(), role
    assert login(world.staff["window"]).post(f"/staff/api/tokens/{token.pk}/revoke/").status_code == 403
    for role in ("director", "admin"):
        client = login(world.staff[role])
        assert client.get("/staff/api/tokens/").status_code == 200, role
        assert "/staff/api/tokens/" in client.get("/staff/").content.decode(), role
    assert ApiToken.objects.count() == 1


def test_token_pages_need_login():
    response = Client().get("/staff/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_open311_clients_page_is_for_administrators_only(world):
    assert login(world.staff["director"]).get("/staff/api/open311-clients/").status_code == 403
    admin = login(world.staff["admin"])
    response = admin.post("/staff/api/open311-clients/", {"name": "郑好办", "contact": "张三 13800000000"})
    assert response.status_code == 200
    secret = response.context["secret"]
    client = Open311Client.objects.get()
    assert client.key_hash == digest(secret)
    assert client.prefix in secret
    assert admin.post(f"/staff/api/open311-clients/{client.pk}/revoke/").status_code == 302
    client.refresh_from_db()
    assert client.revoked_at is not None


def test_open311_client_with_fixed_secret_is_found_by_its_key(world):
    from bianmin.api.selectors import open311_client_by_key

    client, _secret = open311_client(secret="bianmin-demo-open311")
    assert open311_client_by_key("bianmin-demo-open311") == client
    assert open311_client_by_key("bianmin-demo-open31") is None
