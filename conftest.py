"""Fixtures shared by every app's tests."""

import os
import shutil
from pathlib import Path

import pytest

from yunwei.core.choices import OrganisationLevel


@pytest.fixture
def org_tree(db):
    """A small tree: province → two cities → counties → a sub-office, as a dict by short key."""
    from yunwei.core.tests.factories import OrganisationFactory

    province = OrganisationFactory(
        code="13300000000", name="测试省税务局", level=OrganisationLevel.PROVINCE
    )
    city_a = OrganisationFactory(
        code="13301000000", name="甲市税务局", level=OrganisationLevel.CITY, parent=province
    )
    city_b = OrganisationFactory(
        code="13302000000", name="乙市税务局", level=OrganisationLevel.CITY, parent=province
    )
    county_a1 = OrganisationFactory(
        code="13301020000", name="甲市东区税务局", level=OrganisationLevel.COUNTY, parent=city_a
    )
    county_a2 = OrganisationFactory(
        code="13301030000", name="甲市西区税务局", level=OrganisationLevel.COUNTY, parent=city_a
    )
    county_b1 = OrganisationFactory(
        code="13302020000", name="乙市南县税务局", level=OrganisationLevel.COUNTY, parent=city_b
    )
    office_a1 = OrganisationFactory(
        code="13301020100",
        name="东区第一税务所",
        level=OrganisationLevel.SUBOFFICE,
        parent=county_a1,
    )
    return {
        "province": province,
        "city_a": city_a,
        "city_b": city_b,
        "county_a1": county_a1,
        "county_a2": county_a2,
        "county_b1": county_b1,
        "office_a1": office_a1,
    }


@pytest.fixture
def admin_user(org_tree):
    from yunwei.core.tests.factories import UserFactory

    return UserFactory(username="admin1", organisation=org_tree["province"], roles=["admin"])


@pytest.fixture
def make_user(org_tree):
    """make_user("tier1", org="county_a1", vendor=None, username=None)"""
    from yunwei.core.tests.factories import UserFactory

    def make(roles, org="province", vendor=None, **kwargs):
        return UserFactory(organisation=org_tree[org], vendor=vendor, roles=roles, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    """Tests need no collected, hashed static files; uploads go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Calendar lookups are cached per process; no test may see another's calendar."""
    from yunwei.core import workcalendar

    workcalendar.clear_cache()
    yield
    workcalendar.clear_cache()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright. Skips on a developer machine without chromium;
    under CI (CI set) a missing chromium is an error, never a skip."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "CI needs Debian's chromium for the browser tests: apt-get install chromium"
            )
        pytest.skip("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in the test's thread; the live server's ORM
    # calls happen in its own thread and the test's own ones are plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
