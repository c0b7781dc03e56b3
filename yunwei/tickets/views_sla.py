"""SLA policy pages: list, detail with targets, add/edit/delete of policies and targets.

Only users with the SLA permissions (the admin and O&M owner roles) may change policies.
The lead includes ``urlpatterns`` under the ``tickets`` namespace.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yunwei.cmdb.models import System
from yunwei.tickets.actions_sla import (
    do_delete_policy,
    do_delete_target,
    do_save_policy,
    do_save_target,
)
from yunwei.tickets.choices import Channel, Priority, TicketKind, Tier
from yunwei.tickets.models.sla import EscalationAction, SlaPolicy, SlaTarget
from yunwei.utilities.forms import RestrictedModelForm

# --- Forms ---------------------------------------------------------------------------------------


def _multi(choices, label):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked means any."),
    )


class SlaPolicyForm(RestrictedModelForm):
    kinds = _multi(TicketKind.choices, gettext_lazy("ticket kinds"))
    priorities = _multi(Priority.choices, gettext_lazy("priorities"))
    tiers = _multi(Tier.choices, gettext_lazy("tiers"))
    channels = _multi(Channel.choices, gettext_lazy("channels"))
    systems = forms.ModelMultipleChoiceField(
        label=gettext_lazy("systems"),
        queryset=System.objects.all(),
        required=False,
        help_text=gettext_lazy("None chosen means any system."),
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "description",
            "sort_order",
            "is_active",
            "kinds",
            "priorities",
            "tiers",
            "channels",
            "systems",
            "filing_period",
        ]

    def _style_fields(self):
        super()._style_fields()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.pop("class", None)


class WarnAtField(forms.CharField):
    """Percentages written as "50, 80, 100"."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        parts = [part for part in text.replace("，", ",").replace(" ", ",").split(",") if part]
        try:
            return sorted({int(part) for part in parts})
        except ValueError as exc:
            raise ValidationError(_("Write whole percentages separated by commas.")) from exc

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return value


class SlaTargetForm(RestrictedModelForm):
    warn_at = WarnAtField(
        label=gettext_lazy("warn at (%)"),
        required=False,
        help_text=gettext_lazy("e.g. 50, 80, 100; empty for no warnings before the breach."),
    )
    escalation = forms.MultipleChoiceField(
        label=gettext_lazy("when exceeded"),
        choices=EscalationAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SlaTarget
        fields = ["metric", "tier", "clock_type", "amount", "starts_on", "warn_at", "escalation"]

    def _style_fields(self):
        super()._style_fields()
        self.fields["escalation"].widget.attrs.pop("class", None)


# --- Views ---------------------------------------------------------------------------------------


def _require(request, action: str, model=SlaPolicy):
    if not request.user.has_perm(f"tickets.{action}_{model._meta.model_name}"):
        raise PermissionDenied


def _save(request, action, *args, **kwargs):
    """Run an action; its ValidationError becomes a message instead of a 500."""
    try:
        return action(*args, actor=request.user, **kwargs), None
    except ValidationError as error:
        return None, error


def _form_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class SlaPolicyListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "view")
        policies = (
            SlaPolicy.objects.restrict(request.user, "view")
            .prefetch_related("targets", "systems")
            .order_by("sort_order", "name")
        )
        return render(
            request,
            "tickets/sla_policy_list.html",
            {
                "policies": policies,
                "can_add": request.user.has_perm("tickets.add_slapolicy"),
            },
        )


class SlaPolicyView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _require(request, "view")
        policy = get_object_or_404(SlaPolicy.objects.restrict(request.user, "view"), pk=pk)
        user = request.user
        return render(
            request,
            "tickets/sla_policy.html",
            {
                "object": policy,
                "targets": policy.targets.all(),
                "can_change": user.has_perm("tickets.change_slapolicy"),
                "can_delete": user.has_perm("tickets.delete_slapolicy"),
                "can_edit_targets": user.has_perm("tickets.change_slatarget")
                and user.has_perm("tickets.add_slatarget"),
            },
        )


class SlaPolicyEditView(LoginRequiredMixin, View):
    template_name = "tickets/sla_policy_edit.html"

    def get_object(self, request, pk):
        if pk is None:
            _require(request, "add")
            return SlaPolicy()
        _require(request, "change")
        return get_object_or_404(SlaPolicy.objects.restrict(request.user, "change"), pk=pk)

    def get(self, request, pk=None):
        policy = self.get_object(request, pk)
        form = SlaPolicyForm(instance=policy, user=request.user)
        return render(request, self.template_name, {"form": form, "object": policy})

    def post(self, request, pk=None):
        policy = self.get_object(request, pk)
        form = SlaPolicyForm(request.POST, instance=policy, user=request.user)
        if form.is_valid():
            instance = form.save(commit=False)
            saved, error = _save(
                request, do_save_policy, instance, systems=form.cleaned_data["systems"]
            )
            if error is None:
                messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
                return redirect(saved.get_absolute_url())
            _form_errors(form, error)
        messages.error(request, _("Please correct the errors below."))
        return render(request, self.template_name, {"form": form, "object": policy})


class SlaPolicyDeleteView(LoginRequiredMixin, View):
    def get_object(self, request, pk):
        _require(request, "delete")
        return get_object_or_404(SlaPolicy.objects.restrict(request.user, "delete"), pk=pk)

    def get(self, request, pk):
        policy = self.get_object(request, pk)
        return render(
            request,
            "tickets/sla_confirm_delete.html",
            {"object": policy, "cancel_url": policy.get_absolute_url()},
        )

    def post(self, request, pk):
        policy = self.get_object(request, pk)
        name = str(policy)
        do_delete_policy(policy, actor=request.user)
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": name})
        return redirect("tickets:slapolicy_list")


class SlaTargetEditView(LoginRequiredMixin, View):
    template_name = "tickets/sla_target_edit.html"

    def get_objects(self, request, policy_pk=None, pk=None):
        if pk is None:
            _require(request, "add", SlaTarget)
            policy = get_object_or_404(
                SlaPolicy.objects.restrict(request.user, "change"), pk=policy_pk
            )
            return policy, SlaTarget(policy=policy)
        _require(request, "change", SlaTarget)
        target = get_object_or_404(
            SlaTarget.objects.restrict(request.user, "change").select_related("policy"), pk=pk
        )
        return target.policy, target

    def _render(self, request, form, policy, target):
        return render(
            request, self.template_name, {"form": form, "policy": policy, "object": target}
        )

    def get(self, request, policy_pk=None, pk=None):
        policy, target = self.get_objects(request, policy_pk, pk)
        return self._render(
            request, SlaTargetForm(instance=target, user=request.user), policy, target
        )

    def post(self, request, policy_pk=None, pk=None):
        policy, target = self.get_objects(request, policy_pk, pk)
        form = SlaTargetForm(request.POST, instance=target, user=request.user)
        if form.is_valid():
            instance = form.save(commit=False)
            instance.policy = policy
            saved, error = _save(request, do_save_target, instance)
            if error is None:
                messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved.label})
                return redirect(policy.get_absolute_url())
            _form_errors(form, error)
        messages.error(request, _("Please correct the errors below."))
        return self._render(request, form, policy, target)


class SlaTargetDeleteView(LoginRequiredMixin, View):
    def get_object(self, request, pk):
        _require(request, "delete", SlaTarget)
        return get_object_or_404(
            SlaTarget.objects.restrict(request.user, "delete").select_related("policy"), pk=pk
        )

    def get(self, request, pk):
        target = self.get_object(request, pk)
        return render(
            request,
            "tickets/sla_confirm_delete.html",
            {"object": target, "cancel_url": target.policy.get_absolute_url()},
        )

    def post(self, request, pk):
        target = self.get_object(request, pk)
        policy = target.policy
        do_delete_target(target, actor=request.user)
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": target.label})
        return redirect(reverse("tickets:slapolicy", args=[policy.pk]))


urlpatterns = [
    path("sla/policies/", SlaPolicyListView.as_view(), name="slapolicy_list"),
    path("sla/policies/add/", SlaPolicyEditView.as_view(), name="slapolicy_add"),
    path("sla/policies/<int:pk>/", SlaPolicyView.as_view(), name="slapolicy"),
    path("sla/policies/<int:pk>/edit/", SlaPolicyEditView.as_view(), name="slapolicy_edit"),
    path("sla/policies/<int:pk>/delete/", SlaPolicyDeleteView.as_view(), name="slapolicy_delete"),
    path(
        "sla/policies/<int:policy_pk>/targets/add/",
        SlaTargetEditView.as_view(),
        name="slatarget_add",
    ),
    path("sla/targets/<int:pk>/edit/", SlaTargetEditView.as_view(), name="slatarget_edit"),
    path("sla/targets/<int:pk>/delete/", SlaTargetDeleteView.as_view(), name="slatarget_delete"),
]
