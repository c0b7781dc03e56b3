"""The audit log page for auditors: filters, Excel export, chain verification."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from yunwei.core import audit
from yunwei.core.filtersets import AuditEntryFilterSet
from yunwei.core.models import AuditEntry
from yunwei.core.tables import AuditEntryTable
from yunwei.utilities import views as generic


class AuditListView(generic.ObjectListView):
    queryset = AuditEntry.objects.all()
    filterset = AuditEntryFilterSet
    table = AuditEntryTable
    template_name = "core/audit_list.html"
    export_name = "审计日志"


class AuditVerifyView(LoginRequiredMixin, View):
    def post(self, request):
        if not request.user.has_perm("core.view_auditentry"):
            raise PermissionDenied
        result = audit.verify()
        if result.ok:
            messages.success(
                request,
                _("The audit chain is intact: %(n)s entries verified.") % {"n": result.checked},
            )
        else:
            messages.error(
                request,
                _("The audit chain is broken at entry #%(seq)s: %(reason)s")
                % {"seq": result.bad_seq, "reason": result.reason},
            )
        return redirect("core:audit_list")


urlpatterns = [
    path("audit/", AuditListView.as_view(), name="audit_list"),
    path("audit/verify/", AuditVerifyView.as_view(), name="audit_verify"),
]
