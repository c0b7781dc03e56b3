"""A checklist item ticked by a person (机房巡视, 备份介质, …) with a note."""

from django.utils.translation import gettext, gettext_lazy

from yunwei.inspections.checks.base import CheckError, CheckType, Param


class ManualCheck(CheckType):
    code = "manual"
    label = gettext_lazy("Manual checklist item")
    target_kinds = ("host", "database", "middleware", "endpoint")
    params = (Param("instructions", gettext_lazy("what to check"), str, required=True),)
    manual = True

    def collect(self, target, params, timeout):
        # Runs leave manual items to a person; anything else asking gets a clear error result.
        raise CheckError(
            gettext("A manual checklist item is confirmed by a person, not collected.")
        )


CHECK = ManualCheck()
