"""Forms for notification channels, notification preferences, schedules and attachments."""

import ast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule

from yunwei.core.models import ChannelKind, DeliveryStatus, NotificationChannel
from yunwei.core.notify import event_choices
from yunwei.core.tasks import TASK_FUNCTIONS, autodiscover
from yunwei.utilities.forms import BootstrapForm, BootstrapMixin, RestrictedModelForm

SCHEDULE_TYPE_LABELS = {
    Schedule.ONCE: _("Once"),
    Schedule.MINUTES: _("Every N minutes"),
    Schedule.HOURLY: _("Hourly"),
    Schedule.DAILY: _("Daily"),
    Schedule.WEEKLY: _("Weekly"),
    Schedule.BIWEEKLY: _("Every two weeks"),
    Schedule.MONTHLY: _("Monthly"),
    Schedule.BIMONTHLY: _("Every two months"),
    Schedule.QUARTERLY: _("Quarterly"),
    Schedule.YEARLY: _("Yearly"),
    Schedule.CRON: _("Cron expression"),
}


class ChannelForm(RestrictedModelForm):
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "For DingTalk and Feishu robots with signature checking (加签). Stored encrypted and "
            "never shown again; leave empty to keep the current one."
        ),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    events = forms.MultipleChoiceField(
        label=_("Subscribed events"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = NotificationChannel
        fields = [
            "name",
            "kind",
            "webhook_url",
            "email_recipients",
            "organisation",
            "events",
            "is_active",
        ]
        widgets = {"email_recipients": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = event_choices()
        known = {code for code, _label in choices}
        for code in (self.instance.events or []) if self.instance.pk else []:
            if code not in known:
                choices.append((code, code))
        self.fields["events"].choices = choices
        self.fields["events"].widget.attrs.pop("class", None)
        if self.instance.pk and self.instance.has_secret:
            self.fields["secret"].help_text = (
                str(self.fields["secret"].help_text) + " " + str(_("A secret is stored."))
            )
        else:
            del self.fields["clear_secret"]

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url", "").strip()
        if url:
            URLValidator(
                schemes=["http", "https"], message=_("Enter an http:// or https:// address.")
            )(url)
        return url

    def clean_email_recipients(self):
        lines = [
            line.strip()
            for line in self.cleaned_data.get("email_recipients", "")
            .replace(",", "\n")
            .splitlines()
            if line.strip()
        ]
        validate = EmailValidator()
        bad = []
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                bad.append(line)
        if bad:
            raise ValidationError(
                _("Not valid e-mail addresses: %(addresses)s") % {"addresses": "、".join(bad)}
            )
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ChannelKind.EMAIL_LIST:
            if not data.get("email_recipients"):
                self.add_error("email_recipients", _("An e-mail list needs at least one address."))
        elif kind and not data.get("webhook_url"):
            self.add_error("webhook_url", _("A robot needs its webhook URL."))
        if kind == ChannelKind.WECOM and data.get("secret"):
            self.add_error("secret", _("WeCom robots do not use a signing secret."))
        return data


class PreferencesForm(BootstrapForm):
    mute_all_email = forms.BooleanField(
        label=_("Mute all e-mail"),
        required=False,
        help_text=_("The inbox still receives everything."),
    )

    def __init__(self, *args, preference=None, **kwargs):
        super().__init__(*args, **kwargs)
        from yunwei.core.notify import email_default

        self.event_fields = []
        for code, label in event_choices():
            name = f"email__{code}"
            if preference is not None and code in (preference.email_events or {}):
                initial = bool(preference.email_events[code])
            else:
                initial = email_default(code)
            self.fields[name] = forms.BooleanField(
                label=label,
                required=False,
                initial=initial,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.event_fields.append(name)
        if preference is not None:
            self.fields["mute_all_email"].initial = preference.mute_all_email

    def email_events(self) -> dict[str, bool]:
        return {
            name.split("__", 1)[1]: bool(self.cleaned_data.get(name)) for name in self.event_fields
        }


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("Unread only"), required=False)


class DeliveryFilterForm(BootstrapForm):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", "---------"), *DeliveryStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", "---------"), *ChannelKind.choices]
    )


class AttachmentUploadForm(BootstrapForm):
    file = forms.FileField(label=_("File"))


def _literal(text: str, what: str):
    try:
        return ast.literal_eval(text)
    except (SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("%(what)s must be Python literals, e.g. 1, 'a'.") % {"what": what}
        ) from exc


class ScheduleForm(BootstrapMixin, forms.ModelForm):
    func = forms.ChoiceField(label=_("Function"))
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    class Meta:
        model = Schedule
        fields = ["name", "func", "args", "kwargs", "schedule_type", "minutes", "cron", "next_run"]
        labels = {
            "name": _("Name"),
            "args": _("Arguments"),
            "kwargs": _("Keyword arguments"),
            "schedule_type": _("Schedule type"),
            "minutes": _("Minutes"),
            "cron": _("Cron expression"),
            "next_run": _("Next run"),
        }
        help_texts = {
            "name": _("A unique name."),
            "args": _("Optional, e.g. 1, 'abc'"),
            "kwargs": _("Optional, e.g. days=7, org='13300000000'"),
            "minutes": _("For “Every N minutes”."),
            "cron": _(
                "For “Cron expression”: minute hour day month weekday, e.g. 30 8,12,17 * * *"
            ),
            "next_run": _("First or next run (local time). Ignored for cron schedules."),
        }
        widgets = {
            "args": forms.TextInput(),
            "kwargs": forms.TextInput(),
            "next_run": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        autodiscover()
        choices = [
            (path, f"{entry.label}（{path}）") for path, entry in sorted(TASK_FUNCTIONS.items())
        ]
        if self.instance.pk and self.instance.func not in TASK_FUNCTIONS:
            choices.append((self.instance.func, self.instance.func))
        self.fields["func"].choices = choices
        type_choices = [
            (code, SCHEDULE_TYPE_LABELS.get(code, label)) for code, label in Schedule.TYPE
        ]
        self.fields["schedule_type"] = forms.ChoiceField(
            label=_("Schedule type"), choices=type_choices, initial=Schedule.DAILY
        )
        self.fields["name"].required = True
        self.fields["next_run"].required = False
        self.fields["next_run"].input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        if self.instance.pk:
            self.fields["enabled"].initial = self.instance.repeats != 0
        self._style_fields()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Schedule.objects.filter(name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A schedule with this name already exists."))
        return name

    def clean_args(self):
        text = (self.cleaned_data.get("args") or "").strip()
        if text:
            _literal(f"({text},)", _("Arguments"))
        return text or None

    def clean_kwargs(self):
        text = (self.cleaned_data.get("kwargs") or "").strip()
        if text:
            try:
                call = ast.parse(f"f({text})").body[0].value
                for keyword in call.keywords:
                    ast.literal_eval(keyword.value)
                if call.args or any(k.arg is None for k in call.keywords):
                    raise ValueError
            except (SyntaxError, ValueError) as exc:
                raise ValidationError(
                    _("Keyword arguments must look like name=value, e.g. days=7, org='a'.")
                ) from exc
        return text or None

    def clean(self):
        from django.utils import timezone

        data = super().clean()
        kind = data.get("schedule_type")
        if kind == Schedule.MINUTES and not data.get("minutes"):
            self.add_error("minutes", _("Enter the number of minutes."))
        if kind == Schedule.CRON and not data.get("cron"):
            self.add_error("cron", _("Enter a cron expression."))
        if kind != Schedule.CRON:
            data["cron"] = None
        if kind != Schedule.CRON and not data.get("next_run"):
            data["next_run"] = timezone.now()
        return data

    def save(self, commit=True):
        schedule = super().save(commit=False)
        schedule.schedule_type = self.cleaned_data["schedule_type"]
        schedule.cron = self.cleaned_data.get("cron")
        if self.cleaned_data.get("next_run"):
            schedule.next_run = self.cleaned_data["next_run"]
        enabled = self.cleaned_data.get("enabled")
        if not enabled:
            schedule.repeats = 0
        elif schedule.repeats == 0 or schedule.pk is None:
            schedule.repeats = -1
        if commit:
            schedule.save()
        return schedule


__all__ = [
    "AttachmentUploadForm",
    "ChannelForm",
    "DeliveryFilterForm",
    "InboxFilterForm",
    "PreferencesForm",
    "ScheduleForm",
]
