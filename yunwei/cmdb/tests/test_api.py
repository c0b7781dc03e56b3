import pytest
from rest_framework.test import APIClient

from yunwei.cmdb.models import DatabaseInstance, Host
from yunwei.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SECRET = "Api-Secret-Value-13"


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_list_and_filter(landscape, make_user):
    api = api_for(make_user("tier1"))
    assert api.get("/api/cmdb/hosts/").json()["count"] == 2
    rows = api.get(f"/api/cmdb/hosts/?system={landscape['sys_a'].pk}").json()["results"]
    assert [row["hostname"] for row in rows] == ["a-prd-app01"]
    assert api.get("/api/cmdb/hosts/?environment=test").json()["count"] == 0
    rows = api.get("/api/cmdb/interfaces/?counterparty=&q=甲到乙").json()["results"]
    assert [row["code"] for row in rows] == ["IF-A-B"]
    for path in ("systems", "middleware", "contacts", "databases"):
        assert api.get(f"/api/cmdb/{path}/").status_code == 200


def test_create_host_is_audited(landscape, make_user):
    owner = make_user("om_owner")
    response = api_for(owner).post(
        "/api/cmdb/hosts/",
        {
            "system": landscape["sys_a"].pk,
            "hostname": "a-pre-app01",
            "ip_address": "10.32.1.11",
            "environment": "preproduction",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    host = Host.objects.get(hostname="a-pre-app01")
    assert AuditEntry.objects.filter(action="cmdb.host.create", object_id=str(host.pk)).exists()


def test_tier1_cannot_create(landscape, make_user):
    response = api_for(make_user("tier1")).post(
        "/api/cmdb/hosts/",
        {"system": landscape["sys_a"].pk, "hostname": "x", "ip_address": "10.0.0.1"},
        format="json",
    )
    assert response.status_code == 403
    assert not Host.objects.filter(hostname="x").exists()


def test_vendor_cannot_create_in_other_vendors_system(landscape, make_user):
    pm = make_user("vendor_pm", vendor=landscape["vendor_a"])
    api = api_for(pm)
    bad = api.post(
        "/api/cmdb/hosts/",
        {"system": landscape["sys_b"].pk, "hostname": "x", "ip_address": "10.0.0.1"},
        format="json",
    )
    assert bad.status_code == 400
    good = api.post(
        "/api/cmdb/hosts/",
        {"system": landscape["sys_a"].pk, "hostname": "y", "ip_address": "10.0.0.2"},
        format="json",
    )
    assert good.status_code == 201


def test_model_validation_is_a_400(landscape, make_user):
    response = api_for(make_user("om_owner")).post(
        "/api/cmdb/interfaces/",
        {"code": "IF-NEW", "name": "无目标", "source_system": landscape["sys_a"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "target_system" in response.json()


def test_database_password_is_write_only(landscape, make_user):
    api = api_for(make_user("om_owner"))
    response = api.post(
        "/api/cmdb/databases/",
        {
            "system": landscape["sys_a"].pk,
            "name": "新库",
            "engine": "oracle",
            "role": "query",
            "environment": "production",
            "username": "ro",
            "password": SECRET,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.content.decode()
    assert SECRET not in body and "password_encrypted" not in body
    assert response.json()["password_set"] is True
    db = DatabaseInstance.objects.get(name="新库")
    assert db.reveal_password() == SECRET and SECRET not in db.password_encrypted
    detail = api.get(f"/api/cmdb/databases/{db.pk}/")
    assert SECRET not in detail.content.decode() and "password" not in detail.json()
    # PATCH without a password keeps it.
    assert (
        api.patch(f"/api/cmdb/databases/{db.pk}/", {"version": "19c"}, format="json").status_code
        == 200
    )
    assert DatabaseInstance.objects.get(pk=db.pk).reveal_password() == SECRET
    assert SECRET not in str(list(AuditEntry.objects.values_list("before", "after")))
