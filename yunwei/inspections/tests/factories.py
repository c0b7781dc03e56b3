"""Factories of the inspections app."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.inspections.choices import RunTrigger
from yunwei.inspections.models import (
    CheckDefinition,
    Endpoint,
    InspectionPlan,
    InspectionRun,
    PlanItem,
)


class EndpointFactory(DjangoModelFactory):
    class Meta:
        model = Endpoint

    name = factory.Sequence(lambda n: f"接口地址{n}")
    system = factory.SubFactory(SystemFactory)
    url = "http://127.0.0.1:9/"


class CheckDefinitionFactory(DjangoModelFactory):
    class Meta:
        model = CheckDefinition

    name = factory.Sequence(lambda n: f"检查项{n}")
    check_type = "tcp_port"
    params = factory.LazyFunction(dict)
    thresholds = factory.LazyFunction(dict)
    timeout_seconds = 3


class InspectionPlanFactory(DjangoModelFactory):
    class Meta:
        model = InspectionPlan

    name = factory.Sequence(lambda n: f"巡检计划{n}")
    system = factory.SubFactory(SystemFactory)


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(InspectionPlanFactory)
    check_definition = factory.SubFactory(CheckDefinitionFactory)


class InspectionRunFactory(DjangoModelFactory):
    class Meta:
        model = InspectionRun

    title = factory.Sequence(lambda n: f"巡检{n}")
    trigger = RunTrigger.MANUAL
    started_at = factory.LazyFunction(timezone.now)
