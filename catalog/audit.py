"""Who changed the catalog, when, and from what to what (django-auditlog, one LogEntry table).

Products, SKUs (their prices and stock), fixed market prices and exchange rates are recorded on
every ORM save and delete; the request's user is the author (auditlog's middleware), also for an
import or a bulk action, which save row by row. Figures that orders and reviews keep (`in_stock`,
`sales_count`, `rating`, the search columns) are derived, not edits, and are left out.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from catalog.models import SKU, ExchangeRate, MarketPrice, Product

DERIVED = ["created_at", "updated_at"]
PRODUCT_DERIVED = [
    *DERIVED,
    "in_stock",
    "rating",
    "reviews_count",
    "sales_count",
    "search_vector_en",
    "search_vector_ru",
    "search_vector_ky",
    "search_vector",
    "search_text",
]


def own_fields(model, leave_out=()):
    """The model's own columns (no reverse relations, which say nothing of an edit), less `leave_out`."""
    return [field.name for field in model._meta.concrete_fields if field.name not in leave_out]


def register():
    auditlog.register(Product, include_fields=own_fields(Product, PRODUCT_DERIVED))
    auditlog.register(SKU, include_fields=own_fields(SKU, DERIVED))
    auditlog.register(MarketPrice, include_fields=own_fields(MarketPrice))
    auditlog.register(ExchangeRate, include_fields=own_fields(ExchangeRate, DERIVED))


def product_history(product):
    """The log entries of `product`, its SKUs and its fixed prices (also those since deleted), newest first."""
    types = ContentType.objects.get_for_models(Product, SKU, MarketPrice)
    parts = Q(content_type=types[Product], object_id=product.pk) | Q(
        content_type__in=[types[SKU], types[MarketPrice]], additional_data__product_id=product.pk
    )
    return LogEntry.objects.filter(parts).select_related("actor", "content_type").order_by("-timestamp", "-id")
