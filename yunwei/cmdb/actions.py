"""State changes of the CMDB. Views, API, imports, demo data and tests all call these."""

from django.db import transaction

from yunwei.cmdb.models import DatabaseInstance
from yunwei.core import audit
from yunwei.core.actions import do_delete_object, do_save_object

# Plain create/update/delete of CMDB objects (audited) are the core's generic actions.
__all__ = ["do_delete_object", "do_save_database", "do_save_object"]


def do_save_database(
    instance: DatabaseInstance,
    *,
    actor,
    password: str | None = None,
    clear_password: bool = False,
) -> DatabaseInstance:
    """Save a database record; a non-empty ``password`` replaces the stored one (encrypted).

    The audit snapshot never holds the password; setting or clearing it is recorded as an
    entry of its own without the value.
    """
    with transaction.atomic():
        action = None
        if password:
            instance.set_password(password)
            action = "cmdb.databaseinstance.set_password"
        elif clear_password and instance.password_encrypted:
            instance.set_password("")
            action = "cmdb.databaseinstance.clear_password"
        do_save_object(instance, actor=actor)
        if action:
            audit.record(action, actor=actor, obj=instance)
    return instance
