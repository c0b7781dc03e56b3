"""Data scope: vendor users see only the systems their vendor serves; bureau users see all."""

import pytest
from rest_framework.test import APIClient

from yunwei.cmdb.models import Contact, DatabaseInstance, Host, System
from yunwei.cmdb.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor_user(landscape, make_user):
    return make_user("tier1", vendor=landscape["vendor_a"], username="vendor_a_tier1")


def test_restrict_for_vendor_user(landscape, vendor_user):
    assert list(System.objects.restrict(vendor_user)) == [landscape["sys_a"]]
    assert list(Host.objects.restrict(vendor_user)) == [landscape["host_a"]]
    assert list(DatabaseInstance.objects.restrict(vendor_user)) == [landscape["db_a"]]
    assert list(Contact.objects.restrict(vendor_user)) == [landscape["contact_a"]]


def test_bureau_user_sees_all_systems(landscape, make_user):
    county_user = make_user("tier1", org="county_b1")
    assert System.objects.restrict(county_user).count() == 2
    assert Host.objects.restrict(county_user).count() == 2
    assert DatabaseInstance.objects.restrict(county_user).count() == 2


def test_vendor_user_in_ui(client, landscape, vendor_user):
    client.force_login(vendor_user)
    listing = client.get("/cmdb/hosts/").content.decode()
    assert "a-prd-app01" in listing and "b-prd-app01" not in listing
    listing = client.get("/cmdb/databases/").content.decode()
    assert "甲核心库" in listing and "乙核心库" not in listing
    assert client.get(f"/cmdb/hosts/{landscape['host_a'].pk}/").status_code == 200
    assert client.get(f"/cmdb/hosts/{landscape['host_b'].pk}/").status_code == 404
    assert client.get(f"/cmdb/databases/{landscape['db_b'].pk}/").status_code == 404
    assert client.get(f"/cmdb/systems/{landscape['sys_b'].pk}/").status_code == 404
    assert client.get(f"/cmdb/middleware/{landscape['mw_b'].pk}/").status_code == 404


def test_vendor_user_in_api(landscape, vendor_user):
    api = APIClient()
    api.force_authenticate(vendor_user)
    hosts = api.get("/api/cmdb/hosts/").json()["results"]
    assert [row["hostname"] for row in hosts] == ["a-prd-app01"]
    databases = api.get("/api/cmdb/databases/").json()["results"]
    assert [row["name"] for row in databases] == ["甲核心库"]
    assert api.get(f"/api/cmdb/hosts/{landscape['host_b'].pk}/").status_code == 404
    assert api.get(f"/api/cmdb/databases/{landscape['db_b'].pk}/").status_code == 404
    systems = api.get("/api/cmdb/systems/").json()["results"]
    assert [row["code"] for row in systems] == ["SYS-A"]


def test_bureau_user_in_ui_and_api(client, landscape, make_user):
    user = make_user("tier1", org="county_a1")
    client.force_login(user)
    listing = client.get("/cmdb/systems/").content.decode()
    assert "甲系统" in listing and "乙系统" in listing
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/cmdb/hosts/").json()["count"] == 2


def test_contacts_follow_the_organisation_tree_for_bureau_users(landscape, org_tree, make_user):
    own = ContactFactory(name="东区联系人", organisation=org_tree["county_a1"])
    other = ContactFactory(name="南县联系人", organisation=org_tree["county_b1"])
    user = make_user("tier1", org="county_a1")
    visible = set(Contact.objects.restrict(user))
    assert own in visible and other not in visible
    # Outside and vendor contacts have no organisation and are visible to bureau users.
    assert landscape["contact_a"] in visible and landscape["contact_b"] in visible
    province_user = make_user("tier1", org="province")
    assert {own, other} <= set(Contact.objects.restrict(province_user))


def test_user_without_view_permission_sees_nothing(landscape, make_user):
    auditor = make_user("auditor")
    assert not Host.objects.restrict(auditor).exists()
