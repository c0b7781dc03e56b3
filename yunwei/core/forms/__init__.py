from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunwei.core.models import Organisation, Role, User, Vendor
from yunwei.utilities.forms import BootstrapForm, RestrictedModelForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password."),
        "inactive": _("This account is disabled."),
        "locked": _(
            "Too many failed logins: this account is locked until %(until)s. "
            "Ask a system administrator to unlock it sooner."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            user = User.objects.filter(username=username).first()
            if user is not None and user.is_locked:
                until = timezone.localtime(user.locked_until).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": until}
                )
        return super().clean()


class OrganisationForm(RestrictedModelForm):
    class Meta:
        model = Organisation
        fields = [
            "code",
            "name",
            "short_name",
            "level",
            "parent",
            "region_code",
            "address",
            "phone",
            "sort_order",
            "is_active",
        ]


class VendorForm(RestrictedModelForm):
    class Meta:
        model = Vendor
        fields = ["code", "name", "short_name", "contact_name", "contact_phone", "is_active"]


class RoleForm(RestrictedModelForm):
    class Meta:
        model = Role
        fields = ["code", "name", "description", "data_scope", "permissions"]
        widgets = {"permissions": forms.SelectMultiple(attrs={"size": 20})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = self.fields["permissions"].queryset.select_related(
            "content_type"
        )
        if self.instance.is_builtin:
            self.fields["code"].disabled = True


class UserForm(RestrictedModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(render_value=False), required=False
    )

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "organisation",
            "vendor",
            "roles",
            "phone",
            "email",
            "is_active",
        ]
        widgets = {"organisation": forms.Select(attrs={"data-autocomplete": "1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True
        if self.instance.pk is None:
            self.fields["password1"].required = True
            self.fields["password2"].required = True
            self.fields[
                "password1"
            ].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first or second:
            if first != second:
                self.add_error("password2", _("The two passwords differ."))
            else:
                candidate = self.instance
                try:
                    password_validation.validate_password(first, candidate)
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        return data


class ProfileForm(RestrictedModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "email"]


class PasswordForm(BootstrapForm):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("The current password is wrong."))
        return self.cleaned_data["old_password"]

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second:
            if first != second:
                self.add_error("new_password2", _("The two passwords differ."))
            else:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as exc:
                    self.add_error("new_password1", exc)
        return data
