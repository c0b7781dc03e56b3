"""CMDB pages: list (filter, table, Excel export), detail, add/edit, delete and import."""

from django.utils.translation import gettext_lazy as _

from yunwei.cmdb import filtersets, forms, importers, tables
from yunwei.cmdb.actions import do_save_database
from yunwei.cmdb.choices import Environment
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.utilities.excel import build_workbook, xlsx_response
from yunwei.utilities.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectImportView,
    ObjectListView,
)


class CmdbListView(ObjectListView):
    """A list whose Excel export has exactly the import columns, so it can be re-imported."""

    importer = None
    can_import = True

    def export(self, table):
        importer = self.importer(actor=self.request.user)
        records = importer.export_queryset(table.data.data)
        rows = (importer.export_row(record) for record in records)
        title = str(self.title or self.queryset.model._meta.verbose_name_plural)
        return xlsx_response(
            build_workbook(importer.headers, rows, title), f"{self.export_name or title}.xlsx"
        )


class CmdbDetailView(ObjectDetailView):
    """CMDB records carry documents (deployment diagrams, manuals) as attachments."""

    attachments = True

    def get_related(self, request, instance) -> dict:
        return {}

    def get_extra_context(self, request, instance):
        return self.get_related(request, instance)


# --- systems --------------------------------------------------------------------------------


class SystemListView(CmdbListView):
    queryset = System.objects.select_related("owner_organisation").prefetch_related("vendors")
    filterset = filtersets.SystemFilterSet
    table = tables.SystemTable
    importer = importers.SystemImporter
    title = _("Systems")


class SystemView(CmdbDetailView):
    queryset = System.objects.select_related("owner_organisation")

    def get_related(self, request, instance):
        user = request.user
        hosts = Host.objects.restrict(user, "view").filter(system=instance).order_by("hostname")
        databases = (
            DatabaseInstance.objects.restrict(user, "view")
            .filter(system=instance)
            .select_related("host")
            .order_by("role", "name")
        )
        middleware = (
            Middleware.objects.restrict(user, "view")
            .filter(system=instance)
            .select_related("host")
            .order_by("kind", "name")
        )
        environments = []
        for value, label in Environment.choices:
            group = {
                "value": value,
                "label": label,
                "color": Environment.color(value),
                "hosts": [h for h in hosts if h.environment == value],
                "databases": [d for d in databases if d.environment == value],
                "middleware": [m for m in middleware if m.environment == value],
            }
            if group["hosts"] or group["databases"] or group["middleware"]:
                environments.append(group)
        interfaces = Interface.objects.restrict(user, "view").select_related(
            "source_system", "target_system"
        )
        return {
            "environments": environments,
            "host_count": len(hosts),
            "database_count": len(databases),
            "middleware_count": len(middleware),
            "interfaces_out": interfaces.filter(source_system=instance),
            "interfaces_in": interfaces.filter(target_system=instance),
            "contacts": Contact.objects.restrict(user, "view")
            .filter(systems=instance)
            .select_related("organisation", "vendor")
            .distinct(),
            "vendors": instance.vendors.all(),
            "domains": importers.name_list(instance.business_domains),
            "can_add_host": user.has_perm("cmdb.add_host"),
            "can_add_database": user.has_perm("cmdb.add_databaseinstance"),
            "can_add_middleware": user.has_perm("cmdb.add_middleware"),
            "can_add_interface": user.has_perm("cmdb.add_interface"),
            "can_add_contact": user.has_perm("cmdb.add_contact"),
        }


class SystemEditView(ObjectEditView):
    queryset = System.objects.all()
    form = forms.SystemForm


class SystemDeleteView(ObjectDeleteView):
    queryset = System.objects.all()


class SystemImportView(ObjectImportView):
    queryset = System.objects.all()
    importer = importers.SystemImporter


# --- hosts ----------------------------------------------------------------------------------


class HostListView(CmdbListView):
    queryset = Host.objects.select_related("system")
    filterset = filtersets.HostFilterSet
    table = tables.HostTable
    importer = importers.HostImporter
    title = _("Hosts")


class HostView(CmdbDetailView):
    queryset = Host.objects.select_related("system")

    def get_related(self, request, instance):
        user = request.user
        return {
            "databases": DatabaseInstance.objects.restrict(user, "view").filter(host=instance),
            "middleware": Middleware.objects.restrict(user, "view").filter(host=instance),
        }


class HostEditView(ObjectEditView):
    queryset = Host.objects.all()
    form = forms.HostForm


class HostDeleteView(ObjectDeleteView):
    queryset = Host.objects.all()


class HostImportView(ObjectImportView):
    queryset = Host.objects.all()
    importer = importers.HostImporter


# --- databases ------------------------------------------------------------------------------


class DatabaseInstanceListView(CmdbListView):
    queryset = DatabaseInstance.objects.select_related("system", "host")
    filterset = filtersets.DatabaseInstanceFilterSet
    table = tables.DatabaseInstanceTable
    importer = importers.DatabaseInstanceImporter
    title = _("Databases")


class DatabaseInstanceView(CmdbDetailView):
    queryset = DatabaseInstance.objects.select_related("system", "host")


class DatabaseInstanceEditView(ObjectEditView):
    queryset = DatabaseInstance.objects.all()
    form = forms.DatabaseInstanceForm

    def save_action(self, form, request):
        return do_save_database(
            form.save(commit=False),
            actor=request.user,
            password=form.cleaned_data.get("password") or None,
            clear_password=form.cleaned_data.get("clear_password", False),
        )


class DatabaseInstanceDeleteView(ObjectDeleteView):
    queryset = DatabaseInstance.objects.all()


class DatabaseInstanceImportView(ObjectImportView):
    queryset = DatabaseInstance.objects.all()
    importer = importers.DatabaseInstanceImporter


# --- middleware -----------------------------------------------------------------------------


class MiddlewareListView(CmdbListView):
    queryset = Middleware.objects.select_related("system", "host")
    filterset = filtersets.MiddlewareFilterSet
    table = tables.MiddlewareTable
    importer = importers.MiddlewareImporter
    title = _("Middleware")


class MiddlewareView(CmdbDetailView):
    queryset = Middleware.objects.select_related("system", "host")


class MiddlewareEditView(ObjectEditView):
    queryset = Middleware.objects.all()
    form = forms.MiddlewareForm


class MiddlewareDeleteView(ObjectDeleteView):
    queryset = Middleware.objects.all()


class MiddlewareImportView(ObjectImportView):
    queryset = Middleware.objects.all()
    importer = importers.MiddlewareImporter


# --- interfaces -----------------------------------------------------------------------------


class InterfaceListView(CmdbListView):
    queryset = Interface.objects.select_related("source_system", "target_system")
    filterset = filtersets.InterfaceFilterSet
    table = tables.InterfaceTable
    importer = importers.InterfaceImporter
    title = _("Interfaces")


class InterfaceView(CmdbDetailView):
    queryset = Interface.objects.select_related("source_system", "target_system")


class InterfaceEditView(ObjectEditView):
    queryset = Interface.objects.all()
    form = forms.InterfaceForm


class InterfaceDeleteView(ObjectDeleteView):
    queryset = Interface.objects.all()


class InterfaceImportView(ObjectImportView):
    queryset = Interface.objects.all()
    importer = importers.InterfaceImporter


# --- contacts -------------------------------------------------------------------------------


class ContactListView(CmdbListView):
    queryset = Contact.objects.select_related("organisation", "vendor").prefetch_related("systems")
    filterset = filtersets.ContactFilterSet
    table = tables.ContactTable
    importer = importers.ContactImporter
    title = _("Contacts")


class ContactView(CmdbDetailView):
    queryset = Contact.objects.select_related("organisation", "vendor")

    def get_related(self, request, instance):
        return {"systems": System.objects.restrict(request.user, "view").filter(contacts=instance)}


class ContactEditView(ObjectEditView):
    queryset = Contact.objects.all()
    form = forms.ContactForm


class ContactDeleteView(ObjectDeleteView):
    queryset = Contact.objects.all()


class ContactImportView(ObjectImportView):
    queryset = Contact.objects.all()
    importer = importers.ContactImporter
