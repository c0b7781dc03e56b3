from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from yunwei.utilities.paginator import CappedPaginator, paginator_for


class Pagination(PageNumberPagination):
    """Page numbers, counting at most ``LIST_COUNT_LIMIT`` rows (10,000 by default;
    ``LIST_SEARCH_COUNT_LIMIT`` with ``?q=``).

    ``count`` is exact up to the limit. Past it ``count`` is null and ``count_capped`` is true:
    there are more rows than were counted, and ``next`` still leads to every page. Counting a
    million filtered rows on each request would cost more than the page itself.
    """

    page_size_query_param = "page_size"
    max_page_size = 1000
    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # A free-text search (?q=) counts less far, as on the list pages.
        self.django_paginator_class = paginator_for(request)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": None if paginator.count_capped else paginator.count,
                "count_capped": paginator.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": "The number of rows; null when there are more than the counting "
            "limit (see count_capped).",
        }
        properties["count_capped"] = {
            "type": "boolean",
            "example": False,
            "description": "True when there are more rows than the counting limit.",
        }
        response["required"] = ["count", "count_capped", "results"]
        return response
