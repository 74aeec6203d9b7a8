"""The one pagination rule of the API's lists, and its bounded variant for lists that grow without end."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api.errors import ApiError
from storefront.pagination import BoundedCountPaginator


class Pages(PageNumberPagination):
    """`?page=N&page_size=M` (at most 100); the body carries count, next, previous and results.

    A page that is not a positive number or lies past the last one is a 400 `invalid_page`.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ApiError("invalid_page", _("There is no such page."), details={"page": [str(error.detail)]}) from None


class BoundedPages(Pages):
    """Pages whose count reads at most 5000 rows (`storefront.pagination.BoundedCountPaginator`).

    The body is the one of `Pages` plus `count_capped`: false when `count` is exact; true when
    there are more rows than the 5000 counted, and the pages end with them (the last page has no
    `next`; a page past it is the usual `invalid_page`).
    """

    django_paginator_class = BoundedCountPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": int(paginator.count),
                "count_capped": paginator.count_is_bounded,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )
