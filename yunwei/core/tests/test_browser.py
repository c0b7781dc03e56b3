"""Browser tests: Playwright drives Debian's chromium (headless, --no-sandbox).

Locally, without /usr/bin/chromium, these tests skip; under CI they must run.
"""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    from yunwei.core.demo import load_demo

    load_demo()


def log_in(page, base, username, password="Yunwei@2026"):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_login_and_open_every_navigation_page(live_server, demo, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Every stylesheet, script and font must load: a page without its assets is not "open".
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and errors.append(f"{response.status} {response.url}")
        ),
    )
    log_in(page, live_server.url, "admin")
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    links = page.eval_on_selector_all(
        "#nav-menu a.dropdown-item", "els => els.map(e => [e.textContent.trim(), e.href])"
    )
    assert len(links) >= 10, links
    for label, href in links:
        response = page.goto(href)
        assert response is not None and response.status == 200, (label, href)
        assert page.locator("h1").count() >= 1, (label, href)
        slug = href.rstrip("/").replace(live_server.url, "").strip("/").replace("/", "_")
        page.screenshot(path=str(ARTIFACTS / f"nav_{slug or 'root'}.png"), full_page=True)
    assert not errors, errors


def test_wrong_password_shows_chinese_message(live_server, demo, browser):
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator("#login-error").inner_text()


def test_county_user_menu_is_limited(live_server, demo, browser):
    page = browser.new_page()
    log_in(page, live_server.url, "dh_staff")
    menu = page.locator("#nav-menu").inner_text()
    assert "审计日志" not in menu
    page.goto(f"{live_server.url}/core/users/")
    body = page.locator("main").inner_text()
    assert "孙建国" in body
    assert "钱丽娟" not in body  # another county's staff
