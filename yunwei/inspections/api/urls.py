from rest_framework.routers import DefaultRouter

from yunwei.inspections.api import views

app_name = "inspections-api"

router = DefaultRouter()
router.register("plans", views.InspectionPlanViewSet)
router.register("runs", views.InspectionRunViewSet)
router.register("results", views.CheckResultViewSet)
router.register("alerts", views.AlertViewSet)

urlpatterns = router.urls
