"""What the benchmark asks for on a loaded catalog: which category, product, variant and SKUs, the
manager who signs in to the admin and the shopper whose orders the API lists."""

from django.db.models import Count, Q
from rest_framework_simplejwt.tokens import AccessToken

from bench.catalog import CATEGORIES, bench_products
from bench.orders import MANAGER_PASSWORD, MANAGER_PHONE
from catalog.models import SKU
from checkout.models import Order
from storefront.markets import get_market

SEARCH_QUERY = "linen shirt"
CART_SKUS = 64
MARKET = "KG"


def measured_targets():
    """The category, product and variant the pages show, the SKUs added to carts, the manager who
    signs in, and the API's bearer token of the shopper who placed the market's latest order (signed
    with this process's SECRET_KEY, as the shop under measurement is)."""
    market = get_market(MARKET)
    sold = bench_products().for_market(market).active()
    # A product with a picture and the most SKUs in stock (six: two colors of three sizes to choose from).
    in_stock = Count("skus", filter=Q(skus__stock__gt=0, skus__is_active=True))
    product = sold.exclude(image="").annotate(skus_in_stock=in_stock).order_by("-skus_in_stock", "id").first()
    if product is None:
        raise LookupError("The benchmark catalog holds no product to measure: load it with bench_catalog.")
    variant = product.skus.active().in_stock().order_by("-id").first()
    cart_skus = (
        SKU.objects.active()
        .in_stock()
        .filter(product__in=sold, stock__gte=20)
        .order_by("id")
        .values_list("id", flat=True)[:CART_SKUS]
    )
    return {
        "market": MARKET.lower(),
        "category": CATEGORIES[0][0],
        "product": product.slug,
        "variant": {"size": variant.size, "color": variant.color},
        "search": SEARCH_QUERY,
        "cart_skus": list(cart_skus),
        "manager": {"phone": MANAGER_PHONE, "password": MANAGER_PASSWORD},
        "shopper": _shopper(market),
    }


def _shopper(market):
    latest = Order.objects.in_markets([market.code]).select_related("user").order_by("-created_at", "-id").first()
    if latest is None:
        return None
    return {"phone": latest.user.phone, "token": str(AccessToken.for_user(latest.user))}
