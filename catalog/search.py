"""Product search (a simple portable version; replaced by full-text search)."""

from django.db.models import Q, Value

MAX_QUERY_LENGTH = 200


def clean_query(raw):
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def search_products(queryset, query):
    condition = Q()
    for word in query.split():
        condition &= Q(name__icontains=word) | Q(brand__icontains=word) | Q(category__name__icontains=word)
    return queryset.filter(condition).annotate(search_rank=Value(1.0))


def suggest(queryset, query, *, limit=8):
    return list(search_products(queryset, query).values("name", "slug", "brand")[:limit])


def did_you_mean(queryset, query):
    return []
