"""A checklist item ticked by a person (机房巡视, 备份介质, …) with a note."""

from django.utils.translation import gettext_lazy

from yunwei.inspections.checks.base import CheckType, Param


class ManualCheck(CheckType):
    code = "manual"
    label = gettext_lazy("Manual checklist item")
    target_kinds = ("host", "database", "middleware", "endpoint")
    params = (Param("instructions", gettext_lazy("what to check"), str, required=True),)
    manual = True

    def collect(self, target, params, timeout):
        raise NotImplementedError("manual items are ticked by a person")


CHECK = ManualCheck()
