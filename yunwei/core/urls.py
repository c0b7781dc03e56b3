from yunwei.core.views import (
    accounts,
    attachments,
    audit,
    calendar,
    notifications,
    organisations,
    schedules,
)

app_name = "core"

urlpatterns = [
    *accounts.urlpatterns,
    *organisations.urlpatterns,
    *audit.urlpatterns,
    *calendar.urlpatterns,
    *notifications.urlpatterns,
    *schedules.urlpatterns,
    *attachments.urlpatterns,
]
