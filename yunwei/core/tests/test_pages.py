"""Pages open for the people who should see them; list pages do not grow queries per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yunwei.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/core/users/", "/core/organisations/", "/core/roles/", "/core/vendors/", "/core/audit/"],
)
def test_list_queries_do_not_grow_with_rows(client, admin_user, org_tree, url):
    client.force_login(admin_user)
    few = count_queries(client, url)
    for index in range(15):
        UserFactory(organisation=org_tree["county_a1"], roles=["tier1"], username=f"bulk{index}")
    many = count_queries(client, url)
    assert many <= few + 2, (url, few, many)


def test_admin_pages_open(client, admin_user, org_tree):
    client.force_login(admin_user)
    for url in [
        "/",
        "/core/users/",
        f"/core/users/{admin_user.pk}/",
        "/core/users/add/",
        f"/core/users/{admin_user.pk}/edit/",
        "/core/users/import/",
        "/core/organisations/",
        f"/core/organisations/{org_tree['city_a'].pk}/",
        "/core/organisations/add/",
        "/core/organisations/import/",
        "/core/roles/",
        "/core/vendors/",
        "/core/vendors/add/",
        "/core/audit/",
        "/core/me/",
        "/api/docs/",
        "/api/schema/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_english_is_available(client, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "What needs me today" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "今天待我处理" in client.get("/").content.decode()


def test_organisation_form_rejects_bad_parent(client, admin_user, org_tree):
    client.force_login(admin_user)
    response = client.post(
        "/core/organisations/add/",
        {
            "code": "X1",
            "name": "错误的市局",
            "level": "city",
            "parent": org_tree["county_a1"].pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "不能挂在该上级机构之下" in response.content.decode()
