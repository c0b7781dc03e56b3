from django.urls import path

from yunwei.tickets import views, views_sla
from yunwei.tickets.forms import ACTION_NAMES

app_name = "tickets"

urlpatterns = [
    path("", views.TicketListView.as_view(), name="ticket_list"),
    path("mine/", views.MyQueueView.as_view(), name="queue_mine"),
    path("team/", views.TeamQueueView.as_view(), name="queue_team"),
    path("overdue/", views.OverdueQueueView.as_view(), name="queue_overdue"),
    path("organisation/", views.ScopeQueueView.as_view(), name="queue_scope"),
    path("reported/", views.ReportedQueueView.as_view(), name="queue_reported"),
    path("filters/", views.SavedFilterView.as_view(), name="savedfilter"),
    path("bulk/", views.BulkActionView.as_view(), name="bulk"),
    path("submit/", views.SubmitTicketView.as_view(), name="submit"),
    path("quick/", views.QuickLogView.as_view(), name="quick_log"),
    path("import/", views.TicketImportView.as_view(), name="ticket_import"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/data/", views.DashboardDataView.as_view(), name="dashboard_data"),
    path("faq/", views.FaqView.as_view(), name="faq"),
    path("<int:pk>/", views.TicketView.as_view(), name="ticket"),
    path("<int:pk>/edit/", views.TicketEditView.as_view(), name="ticket_edit"),
    *[
        path(
            f"<int:pk>/{name.replace('_', '-')}/",
            views.TicketActionView.as_view(action=name),
            name=f"ticket_{name}",
        )
        for name in ACTION_NAMES
    ],
]

# The SLA pages (policies and targets) live in their own module.
urlpatterns += views_sla.urlpatterns
