"""Pages, API and home section: run a plan, see results, acknowledge an alert."""

import pytest
from django.urls import reverse

from yunwei.cmdb.tests.factories import HostFactory, SystemFactory
from yunwei.core.home import collect_sections
from yunwei.core.navigation import menu_for
from yunwei.core.tests.factories import VendorFactory
from yunwei.inspections.models import Alert, InspectionRun
from yunwei.inspections.tests.factories import (
    CheckDefinitionFactory,
    EndpointFactory,
    InspectionPlanFactory,
    PlanItemFactory,
)
from yunwei.inspections.tests.services import closed_port


@pytest.fixture
def plan(org_tree):
    vendor = VendorFactory(code="V-INSP")
    system = SystemFactory(owner_organisation=org_tree["province"], vendors=[vendor])
    host = HostFactory(system=system, hostname="yunwei-local", ip_address="127.0.0.1")
    plan = InspectionPlanFactory(system=system, name="本机巡检")
    PlanItemFactory(
        plan=plan, host=host, check_definition=CheckDefinitionFactory(check_type="local_host")
    )
    PlanItemFactory(
        plan=plan,
        endpoint=EndpointFactory(system=system, address="127.0.0.1", port=closed_port(), url=""),
        check_definition=CheckDefinitionFactory(check_type="tcp_port", name="端口"),
    )
    plan.vendor = vendor
    return plan


def test_run_now_see_results_and_acknowledge(client, admin_user, plan):
    client.force_login(admin_user)
    response = client.post(reverse("inspections:inspectionplan_run", args=[plan.pk]))
    run = InspectionRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "检查失败" in page and "拒绝" in page
    alert = Alert.objects.get(check_definition__name="端口")
    home = client.get("/").content.decode()
    assert "未确认的巡检告警" in home and alert.target_label in home
    assert client.get(alert.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("inspections:alert_acknowledge", args=[alert.pk]), {"note": "已安排排查"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == admin_user
    history = client.get(
        reverse("inspections:history", args=[alert.check_definition_id, alert.target_key])
    )
    assert history.status_code == 200 and b"echarts" in history.content


def test_every_page_opens_and_the_menu_links_them(client, admin_user, plan):
    client.force_login(admin_user)
    labels = [item["label"] for group in menu_for(admin_user) for item in group["items"]]
    assert "巡检计划" in [str(label) for label in labels]
    item = plan.items.first()
    for url in [
        reverse("inspections:inspectionplan_list"),
        plan.get_absolute_url(),
        reverse("inspections:inspectionplan_edit", args=[plan.pk]),
        reverse("inspections:inspectionplan_add"),
        reverse("inspections:planitem_add") + f"?plan={plan.pk}",
        reverse("inspections:planitem_edit", args=[item.pk]),
        reverse("inspections:checkdefinition_list"),
        item.check_definition.get_absolute_url(),
        reverse("inspections:checkdefinition_add"),
        reverse("inspections:endpoint_list"),
        reverse("inspections:inspectionrun_list"),
        reverse("inspections:alert_list"),
        reverse("inspections:alert_list") + "?export=xlsx",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_bad_check_form_says_why_and_saves_nothing(client, admin_user, db):
    client.force_login(admin_user)
    response = client.post(
        reverse("inspections:checkdefinition_add"),
        {
            "name": "坏阈值",
            "check_type": "postgresql",
            "params": "{}",
            "thresholds": '{"connections_percent": {"warning": 95, "critical": 90}}',
            "timeout_seconds": 10,
            "open_after": 1,
            "close_after": 2,
        },
    )
    assert response.status_code == 200
    assert "警告阈值" in response.content.decode()
    from yunwei.inspections.models import CheckDefinition

    assert not CheckDefinition.objects.exists()


def test_api_lists_runs_and_acknowledges(client, admin_user, make_user, plan):
    client.force_login(admin_user)
    response = client.post(f"/api/inspections/plans/{plan.pk}/run/")
    assert response.status_code == 201
    assert client.get("/api/inspections/results/").json()["count"] == 2
    alert = Alert.objects.get(check_definition__name="端口")
    response = client.post(
        f"/api/inspections/alerts/{alert.pk}/acknowledge/",
        {"note": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post(
        f"/api/inspections/alerts/{alert.pk}/acknowledge/",
        {"note": "处理中"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["acknowledged_by"] == admin_user.pk


def test_vendor_scope_and_roles(client, make_user, plan, admin_user):
    from yunwei.inspections.actions import do_run_plan

    do_run_plan(plan, actor=admin_user)
    other = VendorFactory(code="V-OTHER")
    outsider = make_user(["tier1"], vendor=other)
    insider = make_user(["tier1"], vendor=plan.vendor)
    assert Alert.objects.restrict(outsider).count() == 0
    assert Alert.objects.restrict(insider).filter(check_definition__name="端口").count() == 1
    titles = [s.title for s in collect_sections(insider)]
    assert "未确认的巡检告警" in titles
    client.force_login(outsider)
    assert (
        client.get(Alert.objects.get(check_definition__name="端口").get_absolute_url()).status_code
        == 404
    )


def test_cli_runs_a_plan_or_a_target_and_prints_json(plan):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("inspect", "run", "--plan", plan.name, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["results"]) == 2 and data["counts"]["error"] == 1
    out = StringIO()
    call_command("inspect", "run", "--target", "yunwei-local", stdout=out)
    assert "yunwei-local" in out.getvalue()
    with pytest.raises(CommandError, match="没有名为"):
        call_command("inspect", "run", "--plan", "不存在的计划")
