from yunwei.cmdb import views
from yunwei.utilities.views import crud_urls

app_name = "cmdb"

urlpatterns = [
    *crud_urls(
        "systems",
        "system",
        views.SystemListView,
        views.SystemView,
        views.SystemEditView,
        views.SystemDeleteView,
        views.SystemImportView,
    ),
    *crud_urls(
        "hosts",
        "host",
        views.HostListView,
        views.HostView,
        views.HostEditView,
        views.HostDeleteView,
        views.HostImportView,
    ),
    *crud_urls(
        "databases",
        "databaseinstance",
        views.DatabaseInstanceListView,
        views.DatabaseInstanceView,
        views.DatabaseInstanceEditView,
        views.DatabaseInstanceDeleteView,
        views.DatabaseInstanceImportView,
    ),
    *crud_urls(
        "middleware",
        "middleware",
        views.MiddlewareListView,
        views.MiddlewareView,
        views.MiddlewareEditView,
        views.MiddlewareDeleteView,
        views.MiddlewareImportView,
    ),
    *crud_urls(
        "interfaces",
        "interface",
        views.InterfaceListView,
        views.InterfaceView,
        views.InterfaceEditView,
        views.InterfaceDeleteView,
        views.InterfaceImportView,
    ),
    *crud_urls(
        "contacts",
        "contact",
        views.ContactListView,
        views.ContactView,
        views.ContactEditView,
        views.ContactDeleteView,
        views.ContactImportView,
    ),
]
