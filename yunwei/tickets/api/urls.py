from django.urls import path
from rest_framework.routers import DefaultRouter

from yunwei.tickets.api import views

app_name = "tickets-api"

router = DefaultRouter()
router.register("tickets", views.TicketViewSet)

urlpatterns = [
    path("inbound/", views.InboundView.as_view(), name="inbound"),
    path("inbound/email/", views.InboundEmailView.as_view(), name="inbound_email"),
    *router.urls,
]
