import pytest
from rest_framework.test import APIClient

from yunwei.core.models import AuditEntry
from yunwei.core.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user("grassroots_staff", org="county_a1"))
    return client


def test_calendar_day(api):
    body = api.get("/api/core/calendar/day/", {"date": "2026-10-10"}).json()
    assert body["is_workday"] is True
    assert api.get("/api/core/calendar/day/", {"date": "2026-10-05"}).json()["is_workday"] is False


def test_calendar_deadline_and_hours(api):
    body = api.get(
        "/api/core/calendar/deadline/", {"start": "2026-09-30T17:00", "workdays": 2}
    ).json()
    assert body == {"deadline": "2026-10-09T17:30:00+08:00"}
    body = api.get(
        "/api/core/calendar/add-hours/", {"start": "2026-09-30T16:00", "hours": "4"}
    ).json()
    assert body == {"end": "2026-10-08T11:00:00+08:00"}


def test_calendar_filing_period(api):
    body = api.get("/api/core/calendar/filing-period/", {"month": "2026-10"}).json()
    assert body["first"] == "2026-10-01" and body["last"] == "2026-10-22"


def test_calendar_bad_input_is_400_with_message(api):
    response = api.get("/api/core/calendar/deadline/", {"start": "昨天", "workdays": "-1"})
    assert response.status_code == 400
    assert "昨天" in response.json()["start"][0]
    response = api.get("/api/core/calendar/filing-period/", {})
    assert response.status_code == 400 and "month" in response.json()


def test_calendar_org_outside_scope_is_rejected(api, org_tree):
    response = api.get(
        "/api/core/calendar/deadline/",
        {"start": "2026-09-30T17:00", "workdays": 1, "org": org_tree["county_b1"].code},
    )
    assert response.status_code == 400


def test_calendar_needs_login():
    assert APIClient().get("/api/core/calendar/day/", {"date": "2026-10-10"}).status_code in (
        401,
        403,
    )


def test_token_exchange(make_user):
    user = make_user("tier1", username="robot")
    client = APIClient()
    response = client.post("/api/core/token/", {"username": "robot", "password": TEST_PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuditEntry.objects.filter(
        action="core.user.issue_token", object_id=str(user.pk)
    ).exists()
    # asking again returns the same token
    again = client.post("/api/core/token/", {"username": "robot", "password": TEST_PASSWORD})
    assert again.json()["token"] == token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/core/users/").status_code == 200
    assert (
        APIClient().post("/api/core/token/", {"username": "robot", "password": "x"}).status_code
        == 400
    )
