from django.urls import path
from rest_framework.routers import DefaultRouter

from yunwei.core.api import calendar, views

app_name = "core-api"
router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet)
router.register("vendors", views.VendorViewSet)
router.register("roles", views.RoleViewSet)
router.register("users", views.UserViewSet)
router.register("audit-entries", views.AuditEntryViewSet)
urlpatterns = [
    path("token/", views.TokenView.as_view(), name="token"),
    path("calendar/day/", calendar.DayView.as_view(), name="calendar-day"),
    path("calendar/deadline/", calendar.DeadlineView.as_view(), name="calendar-deadline"),
    path("calendar/add-hours/", calendar.AddHoursView.as_view(), name="calendar-add-hours"),
    path(
        "calendar/filing-period/",
        calendar.FilingPeriodView.as_view(),
        name="calendar-filing-period",
    ),
    *router.urls,
]
