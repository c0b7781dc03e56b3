from yunwei.cmdb.demo import load_demo_cmdb
from yunwei.inspections.choices import AlertStatus, RunTrigger
from yunwei.inspections.demo import LOCAL_PLAN, load_demo_inspections
from yunwei.inspections.models import Alert, CheckResult, InspectionPlan, InspectionRun


def test_demo_plans_recorded_results_alerts_and_a_live_local_run(org_tree, admin_user):
    load_demo_cmdb(province=org_tree["province"], vendors={}, actor=admin_user)
    load_demo_inspections(province=org_tree["province"], actor=admin_user)
    recorded = CheckResult.objects.filter(run__trigger=RunTrigger.DEMO)
    statuses = set(recorded.values_list("status", flat=True))
    assert {"ok", "warning", "critical", "error"} <= statuses
    assert Alert.objects.filter(status=AlertStatus.OPEN).exists()
    # fictional targets never run; the local plan really ran against this machine
    assert not InspectionPlan.objects.exclude(name=LOCAL_PLAN).filter(enabled=True).exists()
    live = InspectionRun.objects.get(plan__name=LOCAL_PLAN)
    assert live.results.count() == 4
    assert not live.results.filter(status="error").exists(), list(
        live.results.values_list("message", flat=True)
    )
    counts = (InspectionRun.objects.count(), CheckResult.objects.count(), Alert.objects.count())
    load_demo_inspections(province=org_tree["province"], actor=admin_user)
    assert (
        InspectionRun.objects.count(),
        CheckResult.objects.count(),
        Alert.objects.count(),
    ) == counts
