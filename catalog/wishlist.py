"""A signed-in shopper's wishlist: toggling hearts, removing and clearing items.

Visitors have no wishlist: the product they tapped waits in the session until they sign in.
"""

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from catalog.models import SKU, Product, Wishlist, WishlistItem
from catalog.pricing import MarketPricing
from storefront.markets import MarketConfig, is_sold_in

PENDING_SESSION_KEY = "wishlist_pending"


def wishlist_product_ids(user) -> set[int]:
    """Ids of the products on `user`'s wishlist (one query; empty for visitors)."""
    if not user.is_authenticated:
        return set()
    return set(WishlistItem.objects.owned_by(user).values_list("product_id", flat=True))


def wishlist_items(*, user, market: MarketConfig) -> list[WishlistItem]:
    """`user`'s wishlist priced in `market`, newest first, in a fixed number of queries.

    Each item's product carries `price_info` (None where it is not sold) and `buyable_skus` (active,
    in stock); `item.sold_here` says whether the product can be bought in `market`.
    """
    pricing = MarketPricing.load(market)
    products = Product.objects.with_prices(pricing).prefetch_related(
        Prefetch("skus", queryset=SKU.objects.filter(is_active=True, stock__gt=0), to_attr="buyable_skus")
    )
    own = WishlistItem.objects.owned_by(user)
    items = list(own.prefetch_related(Prefetch("product", queryset=products)))
    for item in items:
        product = item.product
        sold = is_sold_in(product.market, market)
        item.sold_here = product.is_active and sold
        # Another market's product has no price here (its wishlist row stays, marked as not sold).
        product.price_info = pricing.product_price(product) if sold else None
    return items


def add_to_wishlist(*, user, product: Product) -> WishlistItem:
    """Put `product` on the wishlist (idempotent)."""
    with transaction.atomic():
        wishlist, _created = Wishlist.objects.get_or_create(user=user)
        try:
            with transaction.atomic():
                item, _created = WishlistItem.objects.get_or_create(wishlist=wishlist, product=product)
        except IntegrityError:
            item = WishlistItem.objects.get(wishlist=wishlist, product=product)
    return item


def toggle_wishlist(*, user, product: Product) -> bool:
    """Add `product` when it is not on the wishlist, else remove it; True when it is on it afterwards."""
    with transaction.atomic():
        deleted, _rows = WishlistItem.objects.owned_by(user).filter(product=product).delete()
        if deleted:
            return False
        add_to_wishlist(user=user, product=product)
    return True


def remove_wishlist_item(*, item: WishlistItem) -> None:
    """Take one item off the wishlist."""
    with transaction.atomic():
        item.delete()


def clear_wishlist(*, user) -> None:
    """Take everything off `user`'s wishlist."""
    with transaction.atomic():
        WishlistItem.objects.owned_by(user).delete()


def save_pending_wishlist_item(*, request, user) -> bool:
    """After sign-in: add the product a visitor tapped the heart on; True when one was added."""
    product_id = request.session.pop(PENDING_SESSION_KEY, None)
    product = Product.objects.active().filter(pk=product_id).first() if product_id else None
    if product is None:
        return False
    add_to_wishlist(user=user, product=product)
    return True
