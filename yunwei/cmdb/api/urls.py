from rest_framework.routers import DefaultRouter

from yunwei.cmdb.api import views

app_name = "cmdb-api"

router = DefaultRouter()
router.register("systems", views.SystemViewSet)
router.register("hosts", views.HostViewSet)
router.register("databases", views.DatabaseInstanceViewSet)
router.register("middleware", views.MiddlewareViewSet)
router.register("interfaces", views.InterfaceViewSet)
router.register("contacts", views.ContactViewSet)

urlpatterns = router.urls
