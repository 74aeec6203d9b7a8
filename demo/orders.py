"""Demo orders of both markets in every status, with their items, history, notifications and reviews,
and the shoppers' wishlists and back-in-stock alerts.

An order is priced the way checkout charges it: each SKU at its price in the order's market
(catalog.pricing: a fixed market price, else ALL products converted with the exchange rate and
rounded by the market's rule), shipping by the market's rule, VAT inside KG prices and sales tax
added on top in the US by the state's rate (checkout.totals, the code checkout uses). Order
numbers come from a seed, so a rerun finds every order it made before.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import stripe_client
from accounts.models import Notification
from alerts.models import StockAlert
from catalog.models import SKU, ExchangeRate, Product, Wishlist, WishlistItem
from catalog.pricing import MarketPricing
from checkout.models import Order, OrderItem, OrderStatusHistory
from checkout.totals import order_totals
from demo.seeding import seeded_random
from demo.wardrobe import REVIEW_TEXTS
from reviews.models import Review
from reviews.services import refresh_product_ratings
from storefront.markets import Market, PaymentType, get_market

ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DEFAULT_KG_RATE = Decimal("87.45")
S = Order.Status
# The orders each market gets: a fixed mix of every status.
ORDER_STATUSES = (
    S.DELIVERED,
    S.DELIVERED,
    S.SHIPPED,
    S.DELIVERED,
    S.CONFIRMED,
    S.PENDING,
    S.CANCELLED,
    S.DELIVERED,
    S.SHIPPED,
    S.DELIVERED,
)
# The first order of each market is delivered lately: inside even KG's 14-day return window.
RECENTLY_DELIVERED = (4, 8)
# How many days ago an order with this final status was placed (a range).
PLACED_DAYS_AGO = {
    S.PENDING: (0, 0),
    S.CONFIRMED: (1, 2),
    S.SHIPPED: (3, 6),
    S.DELIVERED: (10, 60),
    S.CANCELLED: (5, 25),
}
STEP_NOTES = {
    S.PENDING: "Order placed.",
    S.CONFIRMED: "Payment and stock checked.",
    S.SHIPPED: "Handed to the courier.",
    S.DELIVERED: "Delivered to the customer.",
    S.CANCELLED: "Cancelled at the customer's request.",
}
NOTIFY = {
    S.CONFIRMED: ("Order {number} confirmed", "We are packing your order."),
    S.SHIPPED: ("Order {number} is on its way", "Your parcel is with the courier."),
    S.DELIVERED: ("Order {number} delivered", "Enjoy your new pieces, and tell us what you think."),
    S.CANCELLED: ("Order {number} cancelled", "Your order was cancelled; any payment is on its way back to you."),
}
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (50, 30, 12, 5, 3)


def order_number(market, index):
    rng = seeded_random("order-number", market, index)
    return "MQ-" + "".join(rng.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))


def demo_order_numbers() -> list[str]:
    """The numbers of every order `seed_orders` makes."""
    return [order_number(market, index) for market in Market.values for index in range(len(ORDER_STATUSES))]


def sellable_skus(pricing, limit=400):
    """Active, in-stock SKUs of active products sold in the market, with its fixed prices, in a stable order."""
    products = Product.objects.for_market(pricing.market).active()
    skus = SKU.objects.active().in_stock().filter(product__in=products).select_related("product").order_by("id")
    return list(pricing.with_sku_prices(skus)[:limit])


@dataclass
class PlannedOrder:
    order: Order
    items: list
    history: list  # (status, at, changed_by)
    placed_at: object


def _timeline(rng, status, now, *, placed_days_ago=None):
    """(status, when) of every step an order with final `status` went through, placed
    `placed_days_ago` (a range; by default its status's)."""
    low, high = placed_days_ago or PLACED_DAYS_AGO[status]
    placed = now - timedelta(days=rng.randint(low, high), hours=rng.randint(1, 20))
    steps = [(S.PENDING, placed)]
    if status == S.CANCELLED:
        return [*steps, (S.CANCELLED, placed + timedelta(hours=rng.randint(2, 30)))]
    at = placed
    for step, gap_hours in ((S.CONFIRMED, (1, 12)), (S.SHIPPED, (20, 48)), (S.DELIVERED, (30, 96))):
        if Order.Status.values.index(step) > Order.Status.values.index(status):
            break
        at = min(at + timedelta(hours=rng.randint(*gap_hours)), now - timedelta(minutes=30))
        steps.append((step, at))
    return steps


def _lines(rng, skus, pricing):
    """One to three order lines of different SKUs, priced in the market."""
    lines = rng.sample(skus, k=min(len(skus), rng.choices((1, 2, 3), weights=(45, 35, 20))[0]))
    items = []
    for sku in lines:
        product = sku.product
        quantity = 2 if rng.random() < 0.2 else 1
        price = pricing.sku_price(sku, product).amount
        image = sku.variant_image or product.image
        items.append(
            OrderItem(
                sku=sku,
                product=product,
                sku_code=sku.sku_code,
                product_name=product.name,
                product_brand=product.brand,
                size=sku.size,
                color=sku.color,
                image_url=image.url if image else "",
                price=price,
                quantity=quantity,
                subtotal=price * quantity,
            )
        )
    return items


def _plan_order(market, index, *, customer, manager, skus, pricing, now):
    rng = seeded_random("order", market, index)
    status = ORDER_STATUSES[index]
    address = customer.addresses.order_by("-is_default", "id").first()
    methods = [method.payment_type for method in customer.payment_methods.order_by("-is_default", "id")]
    payment_method = rng.choice(methods) if methods else get_market(market).payment_types[0]
    items = _lines(rng, skus, pricing)
    totals = order_totals([item.subtotal for item in items], pricing.market, state=address.state if address else None)

    steps = _timeline(rng, status, now, placed_days_ago=RECENTLY_DELIVERED if index == 0 else None)
    dates = dict(steps)
    paid_up_front = payment_method in (PaymentType.CARD, PaymentType.BANK_TRANSFER)
    if status == S.PENDING and payment_method == PaymentType.CARD and not stripe_client.configured():
        # Waiting for its card payment: payable on this laptop through the labelled test payment.
        payment_method = Order.PaymentMethod.TEST
    if status == S.CANCELLED:
        payment_status = Order.PaymentStatus.REFUNDED if paid_up_front else Order.PaymentStatus.PENDING
    elif status == S.DELIVERED or (status != S.PENDING and paid_up_front):
        payment_status = Order.PaymentStatus.PAID
    else:
        payment_status = Order.PaymentStatus.PENDING
    order = Order(
        order_number=order_number(market, index),
        user=customer,
        market=market,
        currency=get_market(market).currency,
        status=status,
        customer_name=customer.full_name,
        customer_phone=customer.phone,
        customer_email=customer.email,
        delivery_address=address.full_address if address else "",
        delivery_city=address.city if address else "",
        delivery_state=address.state if address else "",
        delivery_postal_code=address.postal_code if address else "",
        delivery_notes="Call before delivery, please." if rng.random() < 0.3 else "",
        payment_method=payment_method,
        payment_status=payment_status,
        **totals.order_fields(),
        payment_due_by=(
            steps[0][1] + timedelta(minutes=settings.CHECKOUT_PAYMENT_MINUTES)
            if payment_method == Order.PaymentMethod.TEST
            else None
        ),
        confirmed_date=dates.get(S.CONFIRMED),
        shipped_date=dates.get(S.SHIPPED),
        delivered_date=dates.get(S.DELIVERED),
        cancelled_date=dates.get(S.CANCELLED),
    )
    history = [(step, at, customer if step in (S.PENDING, S.CANCELLED) else manager) for step, at in steps]
    return PlannedOrder(order, items, history, steps[0][1])


def _reviews(plan, now):
    """Reviews of a delivered order's products: mostly approved, some waiting for moderation."""
    order = plan.order
    rng = seeded_random("reviews", order.order_number)
    reviews, reviewed = [], set()
    for item in plan.items:
        # One review per product and order, even when two sizes of it were bought.
        if item.product.pk in reviewed or rng.random() >= 0.8:
            continue
        reviewed.add(item.product.pk)
        rating = rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
        title, comment = rng.choice(REVIEW_TEXTS[rating])
        review = Review(
            user=order.user,
            product=item.product,
            order=order,
            rating=rating,
            title=title,
            comment=comment,
            is_verified_purchase=True,
            is_approved=rng.random() < 0.75,
            helpful_count=rng.randint(0, 25),
        )
        reviews.append((review, min(order.delivered_date + timedelta(days=rng.randint(1, 6)), now)))
    return reviews


def seed_orders(*, shoppers, managers):
    """Ten orders per market (when the catalog sells anything there); returns how many were created."""
    now = timezone.now()
    # Starting rate of the catalog migration, in case staff deleted the KG rate.
    ExchangeRate.objects.get_or_create(market=Market.KG, defaults={"rate": DEFAULT_KG_RATE})
    plans, reviews, notifications = [], [], []
    with transaction.atomic():
        for market, customers in shoppers.items():
            numbers = [order_number(market, index) for index in range(len(ORDER_STATUSES))]
            existing = set(Order.objects.filter(order_number__in=numbers).values_list("order_number", flat=True))
            if len(existing) == len(numbers):
                continue
            pricing = MarketPricing.load(get_market(market))
            skus = sellable_skus(pricing)
            if not skus:
                continue
            for index, number in enumerate(numbers):
                if number in existing:
                    continue
                customer = customers[index % len(customers)]
                plan = _plan_order(
                    market, index, customer=customer, manager=managers[market], skus=skus, pricing=pricing, now=now
                )
                plans.append(plan)

        Order.objects.bulk_create([plan.order for plan in plans])
        history = []
        for plan in plans:
            for item in plan.items:
                item.order = plan.order
            history += [
                (OrderStatusHistory(order=plan.order, status=status, notes=STEP_NOTES[status], changed_by=by), at)
                for status, at, by in plan.history
            ]
            if plan.order.status == S.DELIVERED:
                reviews += _reviews(plan, now)
            if plan.order.status in NOTIFY:
                title, message = NOTIFY[plan.order.status]
                notifications.append(
                    Notification(
                        user=plan.order.user,
                        type=Notification.Type.ORDER,
                        title=title.format(number=plan.order.order_number),
                        message=message,
                        is_read=plan.order.status == S.DELIVERED,
                    )
                )
        OrderItem.objects.bulk_create([item for plan in plans for item in plan.items])
        OrderStatusHistory.objects.bulk_create([entry for entry, _ in history])
        Review.objects.bulk_create([review for review, _ in reviews])
        # Inserting stamps "now" on every auto_now_add field; the demo history happened earlier.
        for plan in plans:
            plan.order.order_date = plan.order.created_at = plan.placed_at
        for row, at in history + reviews:
            row.created_at = at
        Order.objects.bulk_update([plan.order for plan in plans], ["order_date", "created_at"])
        OrderStatusHistory.objects.bulk_update([entry for entry, _ in history], ["created_at"])
        Review.objects.bulk_update([review for review, _ in reviews], ["created_at"])
        for notification in notifications:
            notification.save()  # takes its market from the user
        refresh_product_ratings(product_ids={review.product_id for review, _ in reviews})
    return len(plans)


def seed_stock_alerts(*, shoppers):
    """For each demo shopper who has none: one or two alerts waiting for sold-out sizes of their
    market, and one told a few days ago, for a size that came back."""
    now = timezone.now()
    with transaction.atomic():
        for market, customers in shoppers.items():
            skus = SKU.objects.active().filter(product__in=Product.objects.for_market(get_market(market)).active())
            sold_out = list(skus.filter(stock__lte=0).order_by("id").values_list("pk", flat=True)[:200])
            back = list(skus.filter(stock__gt=0).order_by("id").values_list("pk", flat=True)[:200])
            if not sold_out or not back:
                continue
            for customer in customers:
                if StockAlert.objects.filter(user=customer).exists():
                    continue
                rng = seeded_random("stock-alerts", customer.phone)
                waiting = rng.sample(sold_out, k=min(len(sold_out), rng.randint(1, 2)))
                alerts = [StockAlert(user=customer, sku_id=pk) for pk in waiting]
                alerts.append(StockAlert(user=customer, sku_id=rng.choice(back)))
                created = StockAlert.objects.bulk_create(alerts)
                asked = now - timedelta(days=rng.randint(8, 20))
                StockAlert.objects.filter(pk=created[-1].pk).update(
                    created_at=asked, notified_at=asked + timedelta(days=rng.randint(2, 6))
                )


def seed_wishlists(*, shoppers):
    """A wishlist of a few products for each demo shopper who has none."""
    with transaction.atomic():
        for market, customers in shoppers.items():
            sold_here = Product.objects.for_market(get_market(market)).active()
            products = list(sold_here.order_by("id").values_list("pk", flat=True)[:200])
            if not products:
                continue
            for customer in customers:
                wishlist, created = Wishlist.objects.get_or_create(user=customer)
                if not created:
                    continue
                rng = seeded_random("wishlist", customer.phone)
                picks = rng.sample(products, k=min(len(products), rng.randint(2, 5)))
                WishlistItem.objects.bulk_create([WishlistItem(wishlist=wishlist, product_id=pk) for pk in picks])
