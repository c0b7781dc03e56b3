from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, **kwargs):
    # Run once, after the last app has its permissions.
    if sender is list(apps.get_app_configs())[-1]:
        from yunwei.core.roles import sync_roles

        sync_roles()


class CoreConfig(AppConfig):
    name = "yunwei.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        post_migrate.connect(_after_migrate, dispatch_uid="yunwei.core.sync_roles")
