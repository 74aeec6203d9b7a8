"""Placing an order: the one service the web checkout and the JSON API both call.

One transaction: the shopper's cart row is locked first (a repeated or parallel submit of the same
checkout waits here and then finds the order the first one placed), then the cart's SKU rows in
primary-key order (two checkouts buying the same SKUs in opposite orders cannot deadlock); stock is
checked and decremented, every line is snapshotted, the cart's discount code is checked again and
one of its uses taken (`promotions.codes.claim_use`, a conditional UPDATE), totals come from
`checkout.totals`, the first status is recorded and the cart is emptied. Any failure rolls all of
it back: no order, stock as it was, the cart untouched.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import stripe_client
from accounts.models import Address, User
from catalog.models import SKU
from catalog.stock import add_sales, sync_in_stock
from checkout.cart import summarize_cart
from checkout.models import Cart, Order, OrderItem, OrderStatusHistory
from checkout.notify import notify_customer
from checkout.totals import order_totals
from promotions.codes import CodeRefused, claim_use
from storefront import metrics
from storefront.errors import Refused
from storefront.markets import MarketConfig, PaymentType

CHECKOUT_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class CheckoutError(Refused):
    """Checkout refused; `message` is for the shopper, `code` for the API."""

    code = "checkout_refused"


class SoldOut(CheckoutError):
    """Another shopper bought the last units first."""

    code = "sold_out"


@dataclass(frozen=True)
class Placement:
    order: Order
    created: bool


TEST_PAYMENT_LABEL = gettext_lazy("Test card payment: no money moves (Stripe is not configured)")


def payment_choices(market: MarketConfig) -> list[tuple[str, str]]:
    """The ways to pay in `market`: KG cash on delivery or bank transfer; US card (Stripe), or the
    labelled test payment when no Stripe keys are configured."""
    choices = []
    for payment_type in market.payment_types:
        if payment_type == PaymentType.CARD and not stripe_client.configured():
            choices.append((Order.PaymentMethod.TEST.value, TEST_PAYMENT_LABEL))
        else:
            choices.append((payment_type.value, Order.PaymentMethod(payment_type.value).label))
    return choices


def _check_inputs(*, user, address, payment_method, checkout_key):
    if not user.is_active:
        raise CheckoutError(_("This account cannot place orders."), code="inactive")
    if address is None or address.user_id != user.pk or address.market != user.market:
        raise CheckoutError(_("Choose one of your delivery addresses."), code="address")
    if payment_method not in dict(payment_choices(user.market_config)):
        raise CheckoutError(_("Choose a way to pay that this market offers."), code="payment_method")
    if checkout_key is not None and not CHECKOUT_KEY_PATTERN.fullmatch(checkout_key):
        raise CheckoutError(_("This checkout form is out of date. Please review your order again."), code="key")


def _existing(user, checkout_key):
    if not checkout_key:
        return None
    return Order.objects.filter(user=user, checkout_key=checkout_key).first()


def _sold_out_message(sku, wanted):
    if sku.stock <= 0:
        return _("Sorry, %(item)s has just sold out. Remove it from your cart to continue.") % {"item": sku}
    return ngettext(
        "Sorry, only %(n)d of %(item)s is left. Lower the quantity to continue.",
        "Sorry, only %(n)d of %(item)s are left. Lower the quantity to continue.",
        sku.stock,
    ) % {"n": sku.stock, "item": sku}


def _lock_skus(cart):
    """Lock the cart's SKU rows in primary-key order; {pk: sku}."""
    sku_ids = sorted(cart.items.values_list("sku_id", flat=True))
    locked = SKU.objects.select_for_update(of=("self",)).filter(pk__in=sku_ids).order_by("pk")
    return {sku.pk: sku for sku in locked}


def place_order(
    *,
    user: User,
    address: Address,
    payment_method: str,
    notes: str = "",
    checkout_key: str | None = None,
) -> Placement:
    """Turn `user`'s cart into an order; CheckoutError (SoldOut for stock) when it cannot be placed."""
    _check_inputs(user=user, address=address, payment_method=payment_method, checkout_key=checkout_key)
    if existing := _existing(user, checkout_key):
        return Placement(existing, created=False)
    try:
        with transaction.atomic():
            cart = Cart.objects.select_for_update().filter(user=user).first()
            # A parallel submit of the same checkout held the cart lock until it committed its order.
            if existing := _existing(user, checkout_key):
                return Placement(existing, created=False)
            order = _place(user=user, cart=cart, address=address, payment_method=payment_method, notes=notes,
                           checkout_key=checkout_key)  # fmt: skip
    except IntegrityError:
        # The unique (user, checkout_key) index caught a submit that got past both checks.
        if existing := _existing(user, checkout_key):
            return Placement(existing, created=False)
        raise
    metrics.count_order_placed(order.market)
    return Placement(order, created=True)


def _place(*, user, cart, address, payment_method, notes, checkout_key):
    if cart is None or not cart.items.exists():
        raise CheckoutError(_("Your cart is empty."), code="empty_cart")
    market = user.market_config
    skus = _lock_skus(cart)
    summary = summarize_cart(cart=cart, market=market)
    for line in summary.lines:
        sku = skus[line.item.sku_id]
        if sku.stock < line.item.quantity:
            raise SoldOut(_sold_out_message(sku, line.item.quantity))
        if line.price is None:
            raise CheckoutError(
                _("%(item)s can no longer be bought. Remove it from your cart to continue.") % {"item": sku},
                code="unavailable",
            )

    offer = summary.offer
    try:
        if summary.code_refusal:
            raise summary.code_refusal
        if offer:
            claim_use(offer.code_id)
    except CodeRefused as refusal:
        raise CheckoutError(refusal.message, code=refusal.code) from refusal
    totals = order_totals([line.line_total for line in summary.lines], market, state=address.state or None, offer=offer)
    now = timezone.now()
    order = Order.objects.create(
        user=user,
        market=market.code,
        currency=market.currency,
        customer_name=user.full_name or address.title or user.phone,
        customer_phone=user.phone,
        customer_email=user.email,
        delivery_address=address.one_line()[:300],
        delivery_city=address.city,
        delivery_state=address.state,
        delivery_postal_code=address.postal_code,
        delivery_notes=notes.strip(),
        payment_method=payment_method,
        **totals.order_fields(),
        discount_code_id=offer.code_id if offer else None,
        discount_code_text=offer.code if offer else "",
        checkout_key=checkout_key,
        payment_due_by=(
            now + timedelta(minutes=settings.CHECKOUT_PAYMENT_MINUTES)
            if payment_method in Order.ONLINE_PAYMENT_METHODS
            else None
        ),
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            sku=line.sku,
            product=line.product,
            sku_code=line.sku.sku_code,
            product_name=line.product.name,
            product_brand=line.product.brand,
            size=line.sku.size,
            color=line.sku.color,
            image_url=line.image_url[:500],
            price=line.price.amount,
            quantity=line.item.quantity,
            subtotal=line.line_total,
        )
        for line in summary.lines
    )
    for line in summary.lines:
        updated = SKU.objects.filter(pk=line.item.sku_id, stock__gte=line.item.quantity).update(
            stock=F("stock") - line.item.quantity
        )
        if updated != 1:  # pragma: no cover - the row is locked; this guards the invariant anyway
            raise SoldOut(_sold_out_message(skus[line.item.sku_id], line.item.quantity))
    # The last unit sold takes the product out of stock, and the units sold count, in this transaction.
    sold = {}
    for line in summary.lines:
        sold[line.product.pk] = sold.get(line.product.pk, 0) + line.item.quantity
    sync_in_stock(sold)
    add_sales(sold)
    OrderStatusHistory.objects.create(order=order, status=Order.Status.PENDING, notes="Order placed", changed_by=user)
    cart.items.all().delete()
    if cart.discount_code_id:
        cart.discount_code = None
        cart.save(update_fields=["discount_code", "updated_at"])
    if not order.pays_online:
        # Card orders are announced once paid; cash and transfer orders now.
        notify_customer(order, Order.Status.PENDING)
    return order
