"""Reads about reviews: what a shopper may review, the reviews of an order, and who voted."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from checkout.models import Order, OrderItem
from reviews.models import Review, ReviewVote


@dataclass(frozen=True)
class ReviewLine:
    """One product of a delivered order, read from its first line of that product, with the
    shopper's review of it when there is one; `shown_name` and `picture` read the line's product
    and SKU."""

    order: Order
    item: OrderItem
    review: Review | None

    @property
    def product_id(self):
        return self.item.product_id

    @property
    def product_name(self):
        """The name bought, as saved with the order."""
        return self.item.product_name

    @property
    def product_brand(self):
        return self.item.product_brand

    @property
    def image_url(self):
        return self.item.image_url

    @property
    def shown_name(self):
        """The name bought, in the page's language while the product still has it."""
        return self.item.shown_name

    @property
    def picture(self):
        """The picture bought, with its smaller copies."""
        return self.item.picture


def delivered_orders(user):
    """The user's own orders that reached them: the only ones whose products they may review."""
    return user.orders.filter(status=Order.Status.DELIVERED)


def review_lines(order) -> list[ReviewLine]:
    """Each product of a delivered order once, with its review; empty for any other order.

    Reads `order.items.all()` (prefetched by the order page) and the order's reviews in one query.
    """
    if order.status != Order.Status.DELIVERED or not order.user_id:
        return []
    reviews = {review.product_id: review for review in Review.objects.filter(order=order, user_id=order.user_id)}
    lines, seen = [], set()
    for item in order.items.all():
        if item.product_id is None or item.product_id in seen:
            continue
        seen.add(item.product_id)
        lines.append(ReviewLine(order=order, item=item, review=reviews.get(item.product_id)))
    return lines


def awaiting_review(user, *, limit=20) -> list[ReviewLine]:
    """Products of the user's delivered orders they have not reviewed yet, most recent first."""
    reviewed = Review.objects.filter(user=user, order=OuterRef("order"), product=OuterRef("product"))
    items = (
        OrderItem.objects.filter(order__in=delivered_orders(user), product__isnull=False)
        .exclude(Exists(reviewed))
        .select_related("order", "product", "sku")
        .order_by("-order__delivered_date", "-order_id", "id")
    )
    lines, seen = [], set()
    for item in items[: limit * 3]:
        key = (item.order_id, item.product_id)
        if key in seen:
            continue
        seen.add(key)
        lines.append(ReviewLine(order=item.order, item=item, review=None))
    return lines[:limit]


def mark_votes(user, reviews):
    """Set `voted` on each review: whether `user` found it helpful already (one query, none for visitors)."""
    voted = set()
    if user.is_authenticated and reviews:
        voted = set(
            ReviewVote.objects.filter(user=user, review__in=[review.pk for review in reviews]).values_list(
                "review_id", flat=True
            )
        )
    for review in reviews:
        review.voted = review.pk in voted
    return reviews
