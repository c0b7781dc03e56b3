"""``yunwei inspect run --plan NAME | --target NAME [--json]``: run inspections now."""

import ipaddress
import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from yunwei.inspections.actions import do_run_items, do_run_plan
from yunwei.inspections.choices import RunTrigger
from yunwei.inspections.models import InspectionPlan, PlanItem


class Command(BaseCommand):
    help = "Run an inspection plan, or every check of one target, and print the results."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="run now")
        group = run.add_mutually_exclusive_group(required=True)
        group.add_argument("--plan", help="plan name")
        group.add_argument("--target", help="host name or IP, database, middleware or endpoint")
        run.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        if options["plan"]:
            plan = InspectionPlan.objects.filter(name=options["plan"]).first()
            if plan is None:
                raise CommandError(f"没有名为“{options['plan']}”的巡检计划。")
            run = do_run_plan(plan, actor=None, trigger=RunTrigger.CLI)
        else:
            name = options["target"]
            condition = (
                Q(host__hostname=name)
                | Q(database__name=name)
                | Q(middleware__name=name)
                | Q(endpoint__name=name)
            )
            try:
                ipaddress.ip_address(name)
                condition |= Q(host__ip_address=name)
            except ValueError:
                pass  # not an IP address: PostgreSQL would refuse to compare it
            items = PlanItem.objects.filter(enabled=True).filter(condition)
            unique = {}
            for item in items.select_related("check_definition"):
                unique.setdefault((item.check_definition_id, item.target_key), item)
            if not unique:
                raise CommandError(f"没有任何巡检计划检查“{name}”。")
            run = do_run_items(
                list(unique.values()), actor=None, title=f"{name} 即时巡检", trigger=RunTrigger.CLI
            )
        results = list(run.results.select_related("check_definition").order_by("target_label"))
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "title": run.title,
                        "counts": run.counts,
                        "results": [
                            {
                                "check": r.check_definition.name,
                                "target": r.target_label,
                                "status": r.status,
                                "values": r.values,
                                "message": r.message,
                                "duration_ms": r.duration_ms,
                            }
                            for r in results
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(run.title)
        for r in results:
            self.stdout.write(
                f"[{r.get_status_display()}] {r.target_label} · {r.check_definition.name} · "
                f"{r.message}"
            )
        self.stdout.write(" ".join(f"{k}={v}" for k, v in run.counts.items()))
