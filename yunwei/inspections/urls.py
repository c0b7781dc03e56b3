from django.urls import path

from yunwei.inspections import views
from yunwei.utilities.views import crud_urls

app_name = "inspections"

urlpatterns = [
    *crud_urls(
        "plans",
        "inspectionplan",
        views.InspectionPlanListView,
        views.InspectionPlanView,
        views.InspectionPlanEditView,
        views.InspectionPlanDeleteView,
    ),
    path("plans/<int:pk>/run/", views.PlanRunView.as_view(), name="inspectionplan_run"),
    path("items/add/", views.PlanItemEditView.as_view(), name="planitem_add"),
    path("items/<int:pk>/edit/", views.PlanItemEditView.as_view(), name="planitem_edit"),
    path("items/<int:pk>/delete/", views.PlanItemDeleteView.as_view(), name="planitem_delete"),
    *crud_urls(
        "checks",
        "checkdefinition",
        views.CheckDefinitionListView,
        views.CheckDefinitionView,
        views.CheckDefinitionEditView,
        views.CheckDefinitionDeleteView,
    ),
    *crud_urls(
        "endpoints",
        "endpoint",
        views.EndpointListView,
        views.EndpointView,
        views.EndpointEditView,
        views.EndpointDeleteView,
    ),
    path("runs/", views.InspectionRunListView.as_view(), name="inspectionrun_list"),
    path("runs/<int:pk>/", views.InspectionRunView.as_view(), name="inspectionrun"),
    path("results/<int:pk>/confirm/", views.ResultConfirmView.as_view(), name="result_confirm"),
    path("history/<int:check_id>/<str:target_key>/", views.HistoryView.as_view(), name="history"),
    path("alerts/", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/", views.AlertView.as_view(), name="alert"),
    path(
        "alerts/<int:pk>/acknowledge/",
        views.AlertAcknowledgeView.as_view(),
        name="alert_acknowledge",
    ),
    path("alerts/<int:pk>/ticket/", views.AlertTicketView.as_view(), name="alert_ticket"),
]
