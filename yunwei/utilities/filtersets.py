"""Filterset helpers shared by every app."""

import django_filters
from django import forms
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def visible(model, *, select_related: tuple[str, ...] = ()):
    """A queryset callable for choice filters: only the objects the requesting user may see,
    so that a filter's drop-down never reveals names outside the user's scope."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, "view").select_related(*select_related)

    return queryset


class SearchFilterSet(django_filters.FilterSet):
    """Free-text ``q`` over ``search_fields``, and Bootstrap-styled widgets."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        queryset = queryset.filter(condition)
        # DISTINCT only when a search field goes through a to-many relation and may repeat
        # rows: over a large table it forces the database to sort the whole match.
        if any(lookup_spawns_duplicates(queryset.model._meta, f) for f in self.search_fields):
            queryset = queryset.distinct()
        return queryset

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", f"{css} form-control-sm")
            form._styled = True
        return form
