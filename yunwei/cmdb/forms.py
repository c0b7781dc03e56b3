from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.utilities.forms import RestrictedModelForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class SystemForm(RestrictedModelForm):
    class Meta:
        model = System
        fields = [
            "code",
            "name",
            "short_name",
            "owner_organisation",
            "vendors",
            "criticality",
            "status",
            "go_live_date",
            "business_domains",
            "description",
        ]
        widgets = {
            "go_live_date": DATE_INPUT,
            "business_domains": TEXTAREA,
            "description": TEXTAREA,
        }


class HostForm(RestrictedModelForm):
    class Meta:
        model = Host
        fields = [
            "system",
            "environment",
            "hostname",
            "ip_address",
            "network_zone",
            "role",
            "os",
            "cpu_cores",
            "memory_gb",
            "location",
            "status",
            "description",
        ]
        widgets = {"description": TEXTAREA}


class DatabaseInstanceForm(RestrictedModelForm):
    password = forms.CharField(
        label=capfirst(_("password")),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave blank to keep the current one."),
    )
    clear_password = forms.BooleanField(label=_("Clear the stored password"), required=False)

    class Meta:
        model = DatabaseInstance
        fields = [
            "system",
            "environment",
            "name",
            "role",
            "engine",
            "version",
            "host",
            "address",
            "port",
            "service_name",
            "username",
            "password",
            "clear_password",
            "description",
        ]
        widgets = {"description": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = self.fields["host"].queryset.select_related("system")
        status = _("set") if self.instance.password_is_set else _("not set")
        self.fields["password"].help_text = f"{self.fields['password'].help_text} ({status})"
        if not self.instance.password_is_set:
            del self.fields["clear_password"]


class MiddlewareForm(RestrictedModelForm):
    class Meta:
        model = Middleware
        fields = [
            "system",
            "environment",
            "kind",
            "name",
            "version",
            "host",
            "port",
            "admin_url",
            "description",
        ]
        widgets = {"description": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = self.fields["host"].queryset.select_related("system")


class InterfaceForm(RestrictedModelForm):
    class Meta:
        model = Interface
        fields = [
            "code",
            "name",
            "source_system",
            "target_system",
            "counterparty",
            "protocol",
            "direction",
            "criticality",
            "description",
        ]
        widgets = {"description": TEXTAREA}


class ContactForm(RestrictedModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "position",
            "phone",
            "email",
            "organisation",
            "vendor",
            "company",
            "systems",
            "note",
        ]
        widgets = {"note": TEXTAREA}
