"""Excel bulk registration of tickets (e.g. a list of problems collected at a training session
or sent in by a city bureau).

All or nothing: every row is checked first (organisation code, system code, kind, channel,
priority, title); only a clean sheet creates tickets, each through ``do_create_ticket`` in one
transaction.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yunwei.cmdb.importers import choice, text
from yunwei.cmdb.models import System
from yunwei.tickets.choices import Channel, Priority, TicketKind
from yunwei.tickets.filtersets import organisation_choices
from yunwei.utilities.excel import ImportColumn, Importer


class PendingTicket:
    """A checked row, created by ``save``; quacks enough like an unsaved model for
    ``Importer.run`` (``pk`` and ``full_clean``)."""

    pk = None

    def __init__(self, **fields):
        self.fields = fields

    def full_clean(self):
        errors = {}
        if not (self.fields.get("title") or "").strip():
            errors["title"] = [_("This field is required.")]
        elif len(self.fields["title"]) > 200:
            errors["title"] = [_("At most 200 characters.")]
        if errors:
            raise ValidationError(errors)


# (header msgid, field, required, parser); headers are shown in the user's language.
COLUMNS = [
    (gettext_noop("organisation code"), "organisation", True, None),
    (gettext_noop("system code"), "system", False, None),
    (gettext_noop("kind"), "kind", False, choice(TicketKind)),
    (gettext_noop("channel"), "channel", False, choice(Channel)),
    (gettext_noop("priority"), "priority", False, choice(Priority)),
    (gettext_noop("title"), "title", True, text),
    (gettext_noop("description"), "description", False, text),
    (gettext_noop("module"), "module", False, text),
    (gettext_noop("reporter name"), "reporter_name", False, text),
    (gettext_noop("reporter phone"), "reporter_phone", False, text),
]


class _TranslatedColumns:
    def __get__(self, obj, owner):
        return [
            ImportColumn(_(header), field, required, parse)
            for header, field, required, parse in COLUMNS
        ]


class TicketImporter(Importer):
    columns = _TranslatedColumns()

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self.organisations = {
            org.code: org for org in organisation_choices(actor).only("pk", "code", "name", "path")
        }
        self.systems = {
            system.code.casefold(): system for system in System.objects.restrict(actor, "view")
        }

    def build(self, values: dict, row: int):
        errors = {}
        org_code = text(values["organisation"])
        organisation = self.organisations.get(org_code)
        if organisation is None:
            errors["organisation"] = [_("Unknown organisation code %(code)s.") % {"code": org_code}]
        system = None
        if values.get("system"):
            system_code = text(values["system"])
            system = self.systems.get(system_code.casefold())
            if system is None:
                errors["system"] = [_("Unknown system code %(code)s.") % {"code": system_code}]
        if errors:
            raise ValidationError(errors)
        return PendingTicket(
            organisation=organisation,
            system=system,
            kind=values.get("kind") or TicketKind.CONSULTATION,
            channel=values.get("channel") or Channel.PLATFORM,
            priority=values.get("priority") or Priority.P3,
            title=values["title"],
            description=values.get("description") or "",
            module=values.get("module") or "",
            reporter_name=values.get("reporter_name") or "",
            reporter_phone=values.get("reporter_phone") or "",
        )

    def save(self, instances: list) -> None:
        from yunwei.tickets.actions import do_create_ticket

        self.tickets = [do_create_ticket(actor=self.actor, **row.fields) for row in instances]
