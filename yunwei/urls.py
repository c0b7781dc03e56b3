from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from yunwei.core.views.accounts import HomeView, LoginView, LogoutView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url="/"),
        name="password_change",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("yunwei.core.urls")),
    path("cmdb/", include("yunwei.cmdb.urls")),
    path("tickets/", include("yunwei.tickets.urls")),
    path("knowledge/", include("yunwei.knowledge.urls")),
    path("inspections/", include("yunwei.inspections.urls")),
    path("api/core/", include("yunwei.core.api.urls")),
    path("api/cmdb/", include("yunwei.cmdb.api.urls")),
    path("api/tickets/", include("yunwei.tickets.api.urls")),
    path("api/knowledge/", include("yunwei.knowledge.api.urls")),
    path("api/inspections/", include("yunwei.inspections.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]
