"""Orders to review and reviews to moderate, for the review tests."""

from django.utils import timezone

from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Order
from checkout.tests.factories import OrderFactory, OrderItemFactory
from reviews.tests.factories import ReviewFactory


def order_of(user, *products, status=Order.Status.DELIVERED, **kwargs):
    """An order of `user` with one line per product (in the user's market)."""
    delivered = {"delivered_date": timezone.now()} if status == Order.Status.DELIVERED else {}
    order = OrderFactory(user=user, status=status, **delivered, **kwargs)
    for product in products or (ProductFactory(market=user.market),):
        OrderItemFactory(order=order, sku=SKUFactory(product=product))
    return order


def review_of(product, *, order=None, approved=False, rejected=False, rating=5, **kwargs):
    """A review as a shopper left it, already moderated as asked."""
    user = kwargs.pop("user", None) or (order.user if order else None)
    extra = {"user": user} if user else {}
    return ReviewFactory(
        product=product,
        order=order,
        rating=rating,
        is_approved=approved,
        is_rejected=rejected,
        is_verified_purchase=order is not None,
        **extra,
        **kwargs,
    )
