"""The one pagination rule of the API's lists."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from api.errors import ApiError


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
