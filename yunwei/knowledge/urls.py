from django.urls import path

from yunwei.knowledge import views
from yunwei.utilities.views import crud_urls

app_name = "knowledge"

urlpatterns = [
    *crud_urls(
        "articles", "article", views.ArticleListView, views.ArticleView, views.ArticleEditView
    ),
    path(
        "articles/<int:pk>/versions/<int:number>/",
        views.ArticleVersionView.as_view(),
        name="article_version",
    ),
    path("articles/<int:pk>/diff/", views.ArticleDiffView.as_view(), name="article_diff"),
    path(
        "articles/<int:pk>/<slug:action>/",
        views.ArticleActionView.as_view(),
        name="article_action",
    ),
    path(
        "from-ticket/<int:ticket_pk>/",
        views.ArticleFromTicketView.as_view(),
        name="article_from_ticket",
    ),
    path("categories/", views.CategoryTreeView.as_view(), name="category_list"),
    path("categories/add/", views.CategoryEditView.as_view(), name="category_add"),
    path("categories/<int:pk>/", views.CategoryView.as_view(), name="category"),
    path("categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
]
