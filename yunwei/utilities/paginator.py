"""A paginator for long lists that never counts more than a limit of rows.

``COUNT(*)`` over a filtered set of a million tickets reads every matching row, on every page
view. ``CappedPaginator`` counts at most ``LIST_COUNT_LIMIT`` + 1 rows (settings, default
10,000): up to the limit the count is exact; beyond it the paginator says so
(``count_capped``), shows the pages up to the limit, and still lets the user page on with
"next" (each page reads one row more than it shows, to know whether another page follows).
"""

from functools import partial
from math import ceil

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_COUNT_LIMIT = 10_000

__all__ = ["CappedPaginator", "capped_count", "count_limit", "paginator_for"]


DEFAULT_SEARCH_COUNT_LIMIT = 1_000


def count_limit(*, search: bool = False) -> int:
    """How many rows a list counts at most: ``LIST_COUNT_LIMIT``, or for a free-text search,
    which no index can count, ``LIST_SEARCH_COUNT_LIMIT``."""
    if search:
        return int(getattr(settings, "LIST_SEARCH_COUNT_LIMIT", DEFAULT_SEARCH_COUNT_LIMIT))
    return int(getattr(settings, "LIST_COUNT_LIMIT", DEFAULT_COUNT_LIMIT))


def paginator_for(request, param: str = "q"):
    """The paginator class for a list request: a text search (``?q=…``) counts less far."""
    if (request.GET.get(param) or "").strip():
        return partial(CappedPaginator, count_limit=count_limit(search=True))
    return CappedPaginator


def _queryset_of(object_list):
    """The QuerySet behind ``object_list``, also when django-tables2 wraps it (a table's rows
    hold its data, which holds the QuerySet); None for plain sequences."""
    if isinstance(object_list, QuerySet):
        return object_list
    data = getattr(getattr(object_list, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None


def capped_count(queryset: QuerySet, limit: int) -> int:
    """The number of rows of ``queryset``, counting no further than ``limit`` + 1.

    Ordering and annotations that only decorate the rows are left out of the count, so that
    the database neither sorts nor computes them: ``SELECT COUNT(*) FROM (SELECT pk … LIMIT n)``.
    """
    return queryset.order_by().values("pk")[: limit + 1].count()


class CappedPage(Page):
    def end_index(self):
        if not self.object_list:
            return 0
        return self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    """Exact up to ``count_limit`` rows; beyond, ``count`` is the limit, ``count_capped`` is
    True and the number of pages grows as the user pages on."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        limit = kwargs.pop("count_limit", None)
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self.count_limit = int(limit if limit is not None else count_limit())
        self._pages_seen = 0  # the pages known to exist beyond the count (capped lists)

    @cached_property
    def _counted(self) -> int:
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            return len(self.object_list)
        return capped_count(queryset, self.count_limit)

    @property
    def count_capped(self) -> bool:
        """Whether there are more rows than were counted."""
        return self._counted > self.count_limit

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @property
    def count_display(self) -> str:
        """The count with thousands separators, e.g. "10,000"."""
        return f"{self.count:,}"

    @property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.count - self.orphans)
        pages = ceil(hits / self.per_page)
        if self.count_capped:
            pages = max(pages, self._pages_seen)
        return pages

    def validate_number(self, number):
        if not self.count_capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            return super().validate_number(number)  # raises EmptyPage
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.count_capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self._pages_seen = max(
            self._pages_seen, number + 1 if len(rows) > self.per_page else number
        )
        return self._get_page(rows[: self.per_page], number, self)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)
