from django.urls import path
from rest_framework.routers import DefaultRouter

from yunwei.knowledge.api import views

app_name = "knowledge-api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet)
router.register("categories", views.CategoryViewSet)

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    *router.urls,
]
