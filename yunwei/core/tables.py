import django_tables2 as tables
from django.apps import apps
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunwei.core.choices import DataScope, OrganisationLevel
from yunwei.core.models import AuditEntry, Organisation, Role, User, Vendor
from yunwei.utilities.tables import BaseTable, ChoiceColumn


class OrganisationTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    level = ChoiceColumn(OrganisationLevel)
    parent = tables.Column(linkify=True)
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("code", "name", "short_name", "level", "parent", "phone", "is_active")


class UserTable(BaseTable):
    username = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)
    vendor = tables.Column()
    role_list = tables.Column(verbose_name=_("roles"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn()
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = User
        fields = (
            "username",
            "full_name",
            "organisation",
            "vendor",
            "role_list",
            "phone",
            "is_active",
            "last_login",
        )

    def render_role_list(self, record):
        return "、".join(role.name for role in record.roles.all())

    def value_role_list(self, record):
        return self.render_role_list(record)


class VendorTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Vendor
        fields = ("code", "name", "short_name", "contact_name", "contact_phone", "is_active")


class RoleTable(BaseTable):
    name = tables.Column(linkify=True)
    data_scope = ChoiceColumn(DataScope)
    user_count = tables.Column(verbose_name=_("users"), empty_values=(), orderable=False)
    is_builtin = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Role
        fields = ("code", "name", "data_scope", "user_count", "is_builtin", "description")

    def render_user_count(self, record):
        return record.users.count()


ACTION_VERBS = {
    "create": pgettext_lazy("audit action", "created"),
    "update": pgettext_lazy("audit action", "changed"),
    "delete": pgettext_lazy("audit action", "deleted"),
    "login.success": pgettext_lazy("audit action", "logged in"),
    "login.failed": pgettext_lazy("audit action", "failed to log in"),
    "login.locked": pgettext_lazy("audit action", "locked after failed logins"),
    "logout": pgettext_lazy("audit action", "logged out"),
    "unlock": pgettext_lazy("audit action", "unlocked"),
    "set_password": pgettext_lazy("audit action", "password set"),
    "issue_token": pgettext_lazy("audit action", "API token issued"),
}


def action_label(action: str) -> str:
    """“core.user.create” → “created”; unknown actions keep their last part."""
    parts = action.split(".")
    for size in (2, 1):
        verb = ".".join(parts[-size:])
        if verb in ACTION_VERBS:
            return str(ACTION_VERBS[verb])
    return parts[-1]


def object_type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type or "—"


class AuditEntryTable(BaseTable):
    seq = tables.Column(verbose_name="#")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i:s")
    object_repr = tables.Column()
    changes = tables.TemplateColumn(
        template_name="core/audit_changes_cell.html", verbose_name=_("changes"), orderable=False
    )

    class Meta(BaseTable.Meta):
        model = AuditEntry
        fields = (
            "seq",
            "created_at",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "source_ip",
            "request_id",
        )

    def render_action(self, record):
        return format_html(
            '{}<br><small class="text-muted">{}</small>', action_label(record.action), record.action
        )

    def value_action(self, record):
        return f"{action_label(record.action)} ({record.action})"

    def render_object_type(self, record):
        return object_type_label(record.object_type)

    def render_request_id(self, value):
        return format_html('<span title="{}">{}…</span>', value, value[:8])

    def value_changes(self, record):
        import json

        return json.dumps({"before": record.before, "after": record.after}, ensure_ascii=False)
