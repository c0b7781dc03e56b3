import django_filters
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.models import System
from yunwei.knowledge.choices import ArticleKind, ArticleStatus
from yunwei.knowledge.models import Article, Category
from yunwei.utilities.filtersets import SearchFilterSet, visible


class ArticleFilterSet(SearchFilterSet):
    """``q`` goes through the Chinese full-text search (ranked hits are shown by the view)."""

    kind = django_filters.ChoiceFilter(choices=ArticleKind.choices, label=_("kind"))
    category = django_filters.ModelChoiceFilter(
        queryset=visible(Category, select_related=("parent",)),
        method="filter_category",
        label=_("category"),
    )
    system = django_filters.ModelChoiceFilter(
        queryset=visible(System), field_name="systems", label=_("system"), distinct=True
    )
    status = django_filters.ChoiceFilter(choices=ArticleStatus.choices, label=_("status"))

    class Meta:
        model = Article
        fields = ["q", "kind", "category", "system", "status"]

    def search(self, queryset, name, value):
        from yunwei.knowledge.search import search

        user = getattr(self.request, "user", None)
        hits = search(user, value, kinds=["article"], limit=500)
        return queryset.filter(pk__in=[hit.object_id for hit in hits])

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=value.descendant_ids())
