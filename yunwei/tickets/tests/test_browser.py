"""Browser test of the ticket desk: Playwright drives Debian's chromium (headless).

A phone call is logged with the quick-log form, tier 1 escalates with the checklist, tier 2
sends it back as incomplete, tier 1 completes and escalates again, tier 2 resolves, the caller
(a platform user found by phone number) confirms; the timeline shows every step.
"""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    from yunwei.core.actions import do_save_object
    from yunwei.core.demo import load_demo
    from yunwei.core.models import User
    from yunwei.tickets.choices import Tier
    from yunwei.tickets.models import Team

    load_demo()
    users = {u.username: u for u in User.objects.all()}
    do_save_object(
        Team(name="浏览器测试二线组", tier=Tier.TIER2),
        actor=users["admin"],
        m2m={"members": [users["zx_tier2"]]},
    )
    return users


def session(browser, base, username, password="Yunwei@2026"):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.js_errors = errors
    return page


def pick(page, select_id, text):
    """Choose in a tom-select enhanced <select> by typing, as a person would: type into the
    control's own input, wait until the list shows the matches, arrow to the match, Enter. (A
    click can land on another list still fading out over this one on a slow machine, and
    keystrokes sent to "the page" can land elsewhere when focus moves.)"""
    control = page.locator(f"#{select_id}-ts-control")
    page.locator(f"#{select_id} + .ts-wrapper .ts-control").click()
    control.fill(text)
    page.wait_for_function(
        """([id, text]) => {
            const first = document.querySelector(`#${id}-ts-dropdown .option`);
            return first !== null && first.textContent.includes(text);
        }""",
        arg=[select_id, text],
    )
    active = page.locator(f"#{select_id}-ts-dropdown .option.active")
    for _ in range(20):
        if active.count() and text in active.first.inner_text():
            break
        control.press("ArrowDown")
    control.press("Enter")
    # Close the list and leave the control, as a person would, so that the open list cannot
    # cover the next field and no later keystroke lands in it.
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    if dropdown.is_visible():
        control.press("Escape")
    dropdown.wait_for(state="hidden")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    chosen = page.eval_on_selector(f"#{select_id}", "el => el.options[el.selectedIndex].text")
    assert text in chosen, (select_id, chosen)


def escalate(page):
    page.click("#btn-escalate")
    form = page.locator("#form-escalate")
    form.locator("input[type=checkbox]").first.wait_for(state="visible")
    for box in form.locator("input[type=checkbox]").all():
        box.check()
    form.locator("textarea").first.fill("已核对清单，请二线处理。")
    with page.expect_navigation():
        page.click("#submit-escalate")


def test_phone_ticket_from_quick_log_to_confirmation(live_server, demo, browser):
    from yunwei.tickets.models import Ticket

    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    caller = demo["bs_staff"]

    tier1 = session(browser, base, "zx_tier1")
    tier1.goto(f"{base}/tickets/quick/")
    # The system first: an organisation list left open by the form's autofocus cannot then
    # cover the system field.
    pick(tier1, "id_system", "社保费管理子系统")
    pick(tier1, "id_organisation", caller.organisation.name)
    tier1.select_option("#id_kind", "bug")
    tier1.fill("#id_reporter_name", "钱丽娟")
    tier1.fill("#id_reporter_phone", caller.phone)
    tier1.fill("#id_text", "城乡居民缴费后状态未更新\n缴费人已扣款，系统仍显示未缴费。")
    chosen = tier1.eval_on_selector("#id_organisation", "el => el.options[el.selectedIndex].text")
    assert caller.organisation.name in chosen, chosen
    tier1.focus("#id_text")
    tier1.keyboard.press("End")
    tier1.keyboard.press("Enter")  # Enter submits the quick log
    tier1.wait_for_selector("#logged-ticket")
    number = tier1.inner_text("#logged-ticket")
    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == "phone" and ticket.reporter_id == caller.pk
    tier1.click("#logged-ticket")
    assert tier1.inner_text(".ticket-number") == number
    escalate(tier1)
    assert "tier2" in Ticket.objects.filter(number=number).values_list("tier", flat=True)

    tier2 = session(browser, base, "zx_tier2")
    tier2.goto(f"{base}{ticket.get_absolute_url()}")
    tier2.click("#btn-return_incomplete")
    form = tier2.locator("#form-return_incomplete")
    form.locator("input[value=evidence]").check()
    form.locator("textarea").fill("请补充扣款截图。")
    with tier2.expect_navigation():
        tier2.click("#submit-return_incomplete")
    ticket.refresh_from_db()
    assert ticket.tier == "tier1"

    tier1.goto(f"{base}{ticket.get_absolute_url()}")
    tier1.click("#btn-note")
    tier1.locator("#form-note textarea").fill("已补充扣款截图。")
    with tier1.expect_navigation():
        tier1.click("#submit-note")
    escalate(tier1)

    tier2.goto(f"{base}{ticket.get_absolute_url()}")
    tier2.click("#btn-resolve")
    form = tier2.locator("#form-resolve")
    form.locator("textarea").fill("补推缴费结果，状态已更新。")
    form.locator("select").select_option("data_error")
    with tier2.expect_navigation():
        tier2.click("#submit-resolve")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"

    reporter = session(browser, base, caller.username)
    reporter.goto(f"{base}{ticket.get_absolute_url()}")
    with reporter.expect_navigation():
        reporter.click("#btn-confirm")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    public = reporter.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert "returned" not in public  # internal
    reporter.screenshot(path=str(ARTIFACTS / "ticket_reporter.png"), full_page=True)

    tier1.goto(f"{base}{ticket.get_absolute_url()}")
    kinds = tier1.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.kind)")
    for kind in ("created", "accepted", "escalated", "returned", "note", "resolved", "confirmed"):
        assert kind in kinds, kinds
    assert kinds.count("escalated") == 2
    assert tier1.locator("#timeline li.internal").count() >= 2
    tier1.screenshot(path=str(ARTIFACTS / "ticket_timeline.png"), full_page=True)
    for page in (tier1, tier2, reporter):
        assert not page.js_errors, page.js_errors


def test_ticket_pages_open_in_the_browser(live_server, demo, browser):
    base = live_server.url
    page = session(browser, base, "zx_tier1")
    for path in (
        "/tickets/",
        "/tickets/mine/",
        "/tickets/quick/",
        "/tickets/dashboard/",
        "/tickets/faq/",
    ):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
    page.goto(f"{base}/tickets/dashboard/")
    page.wait_for_selector("#chart-status canvas, #chart-status svg")
    page.screenshot(path=str(ARTIFACTS / "ticket_dashboard.png"), full_page=True)
    assert not page.js_errors, page.js_errors
