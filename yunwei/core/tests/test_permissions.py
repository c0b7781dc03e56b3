"""Data scope: a county user sees only its own subtree; a vendor sees only its systems."""

import pytest
from rest_framework.test import APIClient

from yunwei.core.models import Organisation, User
from yunwei.core.querysets import scope_filter
from yunwei.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_users(org_tree, make_user):
    return {
        "a1": make_user("grassroots_staff", org="county_a1", username="a1_staff"),
        "a1_office": make_user("grassroots_staff", org="office_a1", username="a1_office_staff"),
        "a2": make_user("grassroots_staff", org="county_a2", username="a2_staff"),
        "b1": make_user("grassroots_staff", org="county_b1", username="b1_staff"),
    }


def test_county_user_sees_only_own_subtree(county_users, org_tree):
    user = county_users["a1"]
    visible = set(User.objects.restrict(user).values_list("username", flat=True))
    assert visible == {"a1_staff", "a1_office_staff"}
    orgs = set(Organisation.objects.restrict(user).values_list("code", flat=True))
    assert orgs == {org_tree["county_a1"].code, org_tree["office_a1"].code}


def test_city_user_sees_its_counties(county_users, make_user):
    city_user = make_user("om_owner", org="city_a", username="city_owner")
    visible = set(User.objects.restrict(city_user).values_list("username", flat=True))
    assert {"a1_staff", "a2_staff", "a1_office_staff", "city_owner"} <= visible
    assert "b1_staff" not in visible


def test_county_user_cannot_open_other_county_in_ui(client, county_users):
    client.force_login(county_users["a1"])
    other = county_users["a2"]
    assert client.get(f"/core/users/{other.pk}/").status_code == 404
    listing = client.get("/core/users/").content.decode()
    assert "a1_office_staff" in listing
    assert "a2_staff" not in listing and "b1_staff" not in listing
    assert client.get(f"/core/organisations/{other.organisation_id}/").status_code == 404


def test_county_user_cannot_see_other_county_in_api(county_users):
    api = APIClient()
    api.force_authenticate(county_users["a1"])
    usernames = {row["username"] for row in api.get("/api/core/users/").json()["results"]}
    assert usernames == {"a1_staff", "a1_office_staff"}
    assert api.get(f"/api/core/users/{county_users['b1'].pk}/").status_code == 404
    orgs = api.get("/api/core/organisations/").json()["results"]
    assert {row["code"] for row in orgs} == {"13301020000", "13301020100"}


def test_no_permission_means_nothing(county_users):
    api = APIClient()
    api.force_authenticate(county_users["a1"])
    # grassroots staff may not change organisations or read the audit log
    response = api.post("/api/core/organisations/", {"code": "X", "name": "X", "level": "county"})
    assert response.status_code == 403
    assert api.get("/api/core/audit-entries/").status_code == 403


def test_user_without_roles_sees_nothing(org_tree):
    nobody = UserFactory(organisation=org_tree["province"])
    assert not User.objects.restrict(nobody).exists()
    assert not Organisation.objects.restrict(nobody).exists()


def test_admin_sees_everything(admin_user, county_users):
    assert User.objects.restrict(admin_user).count() == User.objects.count()
    assert scope_filter(User, admin_user) is None


def test_anonymous_sees_nothing(county_users, client):
    from django.contrib.auth.models import AnonymousUser

    assert not User.objects.restrict(AnonymousUser()).exists()
    assert client.get("/core/users/").status_code == 302
    assert APIClient().get("/api/core/users/").status_code in (401, 403)


def test_token_auth_has_same_scope(county_users):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=county_users["b1"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    usernames = {row["username"] for row in api.get("/api/core/users/").json()["results"]}
    assert usernames == {"b1_staff"}


def test_business_section_staff_act_for_their_bureau(org_tree, county_users, make_user):
    from yunwei.core.choices import OrganisationLevel
    from yunwei.core.tests.factories import OrganisationFactory, UserFactory

    section = OrganisationFactory(
        code="13300000101",
        name="信息中心",
        level=OrganisationLevel.DEPARTMENT,
        parent=org_tree["province"],
    )
    owner = UserFactory(organisation=section, roles=["om_owner"], username="section_owner")
    assert owner.scope_path == org_tree["province"].path
    visible = set(User.objects.restrict(owner).values_list("username", flat=True))
    assert {"a1_staff", "a2_staff", "b1_staff", "section_owner"} <= visible
    # a county's own section does not widen a county user beyond the county
    county_section = OrganisationFactory(
        code="13301020001",
        name="东区征管科",
        level=OrganisationLevel.DEPARTMENT,
        parent=org_tree["county_a1"],
    )
    clerk = UserFactory(organisation=county_section, roles=["grassroots_staff"], username="clerk")
    assert clerk.scope_path == org_tree["county_a1"].path
    assert "a2_staff" not in set(User.objects.restrict(clerk).values_list("username", flat=True))
