"""The shopper's cart: finding it, adding, changing and removing lines, merging a visitor's cart on sign-in.

Quantities never exceed stock: a request for more is capped and the shopper is told so. A SKU that is
unknown, inactive or not sold in the cart's market is refused with a message, never an error page.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import SKU, MarketPrice
from catalog.pricing import MarketPricing
from checkout.models import Cart, CartItem, Order
from checkout.totals import order_totals
from promotions.codes import CodeOffer, CodeRefused, check_code, find_code
from storefront.background import exclusive
from storefront.errors import Refused
from storefront.input import DIGITS, whole_number
from storefront.markets import MarketConfig, is_sold_in
from storefront.money import quantize
from storefront.renditions import picture_of

# The session remembers the visitor's cart by id: the session key changes at sign-in, the id does not.
CART_SESSION_KEY = "cart_id"
MAX_QUANTITY_DIGITS = 6


class CartError(Refused):
    """A cart change that was refused; `message` is for the shopper, `code` for the API."""

    code = "cart_refused"


@dataclass
class CartChange:
    """What a change did: the line (None when removed) and what to tell the shopper."""

    line: CartItem | None
    message: str
    capped: bool = False


def parse_quantity(raw, *, default=1, allow_zero=False):
    """A whole number of units from a form; CartError for anything else (negative, not a number)."""
    text = str(raw if raw not in (None, "") else default).strip()
    # ASCII digits only: "²".isdigit() is true, but int("²") fails.
    if not DIGITS.fullmatch(text.removeprefix("-")):
        raise CartError(_("Enter a whole number for the quantity."), code="invalid_quantity")
    if text.startswith("-"):
        raise CartError(_("The quantity cannot be negative."), code="invalid_quantity")
    if len(text) > MAX_QUANTITY_DIGITS:
        # Huge numbers are capped at stock further on; this keeps them inside an integer column.
        return 10**MAX_QUANTITY_DIGITS
    quantity = int(text)
    if quantity == 0 and not allow_zero:
        raise CartError(_("Choose at least one."), code="invalid_quantity")
    return quantity


# --- finding the cart ---------------------------------------------------------------------------


def _session_key(request):
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def find_cart(request):
    """The request's own cart, or None: the user's when signed in, else the session's."""
    if request.user.is_authenticated:
        return Cart.objects.filter(user=request.user).first()
    cart_id = request.session.get(CART_SESSION_KEY)
    if cart_id is None:
        return None
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first()


def find_own_line(request, line_id):
    """(line, cart): a line of the request's own cart, with its SKU and product, and that cart.

    The line is None when it belongs to anyone else's cart or is gone, so the caller answers 404.
    """
    cart = find_cart(request)
    line = cart.items.select_related("sku__product").filter(pk=line_id).first() if cart else None
    return line, cart


def _in_market(cart, code):
    if cart.market != code:
        # A cart belongs to one market: it follows the shopper's switch; lines not sold there get flagged.
        cart.market = code
        cart.save(update_fields=["market", "updated_at"])
    return cart


def cart_for_user(user, *, market: MarketConfig | None = None) -> Cart:
    """`user`'s own cart, created on first use, in `market` (their own market when not given)."""
    code = (market or user.market_config).code
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": code})
    return _in_market(cart, code)


def get_or_create_cart(request):
    """The request's own cart, created on first use, in the request's market."""
    if request.user.is_authenticated:
        return cart_for_user(request.user, market=request.market)
    code = request.market.code
    cart = find_cart(request)
    if cart is None:
        cart, _created = Cart.objects.get_or_create(session_key=_session_key(request), defaults={"market": code})
        request.session[CART_SESSION_KEY] = cart.pk
    return _in_market(cart, code)


def cart_count(request):
    """Units in the request's cart (one query; none for a visitor without a cart)."""
    if request.user.is_authenticated:
        lines = CartItem.objects.filter(cart__user=request.user)
    else:
        cart_id = request.session.get(CART_SESSION_KEY) if hasattr(request, "session") else None
        if cart_id is None:
            return 0
        lines = CartItem.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    return lines.aggregate(n=Sum("quantity"))["n"] or 0


# --- changing it --------------------------------------------------------------------------------


def as_id(raw):
    """A positive integer id from a form value, else None."""
    return whole_number(raw)


def only_sku_of(*, product_id):
    """The id of a product's one active SKU, or None when it has none or several."""
    pk = as_id(product_id)
    if pk is None:
        return None
    skus = list(SKU.objects.active().filter(product_id=pk).values_list("pk", flat=True)[:2])
    return skus[0] if len(skus) == 1 else None


def _sellable_sku(sku_id, market: MarketConfig, *, lock=False):
    pk = as_id(sku_id)
    skus = SKU.objects.select_for_update(of=("self",)) if lock else SKU.objects
    sku = skus.select_related("product").filter(pk=pk).first() if pk else None
    if sku is None or not (sku.is_active and sku.product.is_active):
        raise CartError(_("This item is no longer available."), code="unavailable")
    if not is_sold_in(sku.product.market, market):
        raise CartError(_("This item is not sold in your market."), code="not_sold_in_market")
    if sku.stock <= 0:
        raise CartError(_("Sorry, %(item)s is out of stock.") % {"item": sku}, code="out_of_stock")
    return sku


def _capped_message(sku, quantity):
    return ngettext(
        "Only %(n)d of %(item)s is in stock, so your cart holds %(n)d.",
        "Only %(n)d of %(item)s are in stock, so your cart holds %(n)d.",
        quantity,
    ) % {"n": quantity, "item": sku}


def add_to_cart(*, cart: Cart, sku_id, quantity: int) -> CartChange:
    """Add units of a sellable SKU; an existing line grows, never past stock (one line per SKU)."""
    with transaction.atomic():
        sku = _sellable_sku(sku_id, cart.market_config, lock=True)
        line = CartItem.objects.select_for_update().filter(cart=cart, sku=sku).first()
        wanted = quantity + (line.quantity if line else 0)
        if line is None:
            try:
                with transaction.atomic():
                    line = CartItem.objects.create(cart=cart, sku=sku, quantity=min(wanted, sku.stock))
            except IntegrityError:
                # A double click that raced us to create the line: add to it instead.
                line = CartItem.objects.select_for_update().get(cart=cart, sku=sku)
                wanted = quantity + line.quantity
        if line.quantity != min(wanted, sku.stock):
            line.quantity = min(wanted, sku.stock)
            line.save(update_fields=["quantity", "updated_at"])
    if wanted > sku.stock:
        return CartChange(line, _capped_message(sku, line.quantity), capped=True)
    return CartChange(line, _("Added %(item)s to your cart.") % {"item": sku})


def update_cart_line(*, line: CartItem, quantity: int) -> CartChange:
    """Set a line's quantity (0 removes it), capped at stock."""
    if quantity == 0:
        return remove_cart_line(line=line)
    with transaction.atomic():
        sku = SKU.objects.select_for_update().select_related("product").get(pk=line.sku_id)
        if sku.stock <= 0:
            raise CartError(
                _("Sorry, %(item)s is out of stock. Remove it to continue.") % {"item": sku}, code="out_of_stock"
            )
        line.quantity = min(quantity, sku.stock)
        line.save(update_fields=["quantity", "updated_at"])
    if quantity > sku.stock:
        return CartChange(line, _capped_message(sku, line.quantity), capped=True)
    return CartChange(line, _("Updated %(item)s.") % {"item": sku})


def remove_cart_line(*, line: CartItem) -> CartChange:
    """Remove one line."""
    name = str(line.sku)
    with transaction.atomic():
        line.delete()
    return CartChange(None, _("Removed %(item)s from your cart.") % {"item": name})


def clear_cart(*, cart: Cart) -> CartChange:
    """Remove every line."""
    with transaction.atomic():
        cart.items.all().delete()
    return CartChange(None, _("Your cart is empty now."))


def merge_carts(*, source: Cart, target: Cart) -> list[str]:
    """Move the lines of `source` into `target` (quantities summed, capped at stock) and delete `source`.

    Returns a message for each line that was capped or dropped for lack of stock.
    """
    notices = []
    with transaction.atomic():
        existing = {line.sku_id: line for line in target.items.select_for_update()}
        for line in source.items.select_related("sku__product"):
            sku = line.sku
            current = existing.get(sku.pk)
            wanted = line.quantity + (current.quantity if current else 0)
            quantity = min(wanted, sku.stock)
            if quantity < wanted:
                notices.append(
                    _capped_message(sku, quantity)
                    if quantity
                    else _("Sorry, %(item)s is out of stock and was left out of your cart.") % {"item": sku}
                )
            if quantity <= 0:
                continue
            if current:
                current.quantity = quantity
                current.save(update_fields=["quantity", "updated_at"])
            else:
                CartItem.objects.create(cart=target, sku=sku, quantity=quantity)
        if source.discount_code_id and not target.discount_code_id:
            # A code the visitor applied comes along; it is checked against the shopper at checkout.
            Cart.objects.filter(pk=target.pk).update(discount_code_id=source.discount_code_id)
        source.delete()
    return notices


def claim_guest_cart(*, request, user) -> list[str]:
    """After sign-in: the visitor's cart becomes (or merges into) the user's cart."""
    cart_id = request.session.pop(CART_SESSION_KEY, None)
    guest = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if guest is None:
        return []
    with transaction.atomic():
        own = Cart.objects.select_for_update().filter(user=user).first()
        if own is None:
            guest.user = user
            guest.session_key = None
            guest.market = user.market
            guest.save(update_fields=["user", "session_key", "market", "updated_at"])
            return []
        return merge_carts(source=guest, target=own)


# --- reading it ---------------------------------------------------------------------------------


@dataclass
class CartLine:
    item: CartItem
    price: object = None
    problem: str = ""

    @property
    def sku(self):
        return self.item.sku

    @property
    def product(self):
        return self.item.sku.product

    @property
    def image_url(self):
        """The original file of the line's picture (an order keeps it; the API sends it)."""
        picture = self.picture
        return picture.url if picture else ""

    @property
    def picture(self):
        """The line's picture with its smaller copies: the variant's own, else the product's."""
        if self.sku.variant_image:
            return picture_of(self.sku.variant_image, self.sku.renditions)
        return picture_of(self.product.image, self.product.renditions)

    @property
    def line_total(self):
        return quantize(self.price.amount * self.item.quantity) if self.price else None

    @property
    def counts(self):
        """In the totals: everything except lines that cannot be bought at all."""
        return self.price is not None


@dataclass
class CartSummary:
    market: MarketConfig
    lines: list = field(default_factory=list)
    subtotal: Decimal = Decimal("0")
    shipping: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")
    total: Decimal = Decimal("0")
    tax_rate: Decimal = Decimal("0")
    tax_pending: bool = False
    discount: Decimal = Decimal("0")
    # The code applied to the cart, what it offers, or why it cannot be used (CodeRefused).
    code: str = ""
    offer: CodeOffer | None = None
    code_refusal: CodeRefused | None = None

    @property
    def count(self):
        return sum(line.item.quantity for line in self.lines)

    @property
    def has_problems(self):
        return any(line.problem for line in self.lines)

    @property
    def can_checkout(self):
        return bool(self.lines) and not self.has_problems

    @property
    def tax_included(self):
        return self.market.tax.mode == "included"

    @property
    def free_shipping_over(self):
        return self.market.shipping.free_over


def _priced_items(cart, pricing):
    fixed_sku = MarketPrice.objects.filter(sku=OuterRef("sku_id")).in_markets([pricing.market.code])
    fixed_product = MarketPrice.objects.filter(product=OuterRef("sku__product_id"), sku__isnull=True).in_markets(
        [pricing.market.code]
    )
    return cart.items.select_related("sku__product").annotate(
        sku_fixed_price=Subquery(fixed_sku.values("price")[:1]),
        sku_fixed_original_price=Subquery(fixed_sku.values("original_price")[:1]),
        product_fixed_price=Subquery(fixed_product.values("price")[:1]),
        product_fixed_original_price=Subquery(fixed_product.values("original_price")[:1]),
    )


def _problem(item, market: MarketConfig):
    sku = item.sku
    if not (sku.is_active and sku.product.is_active):
        return _("No longer available")
    if not is_sold_in(sku.product.market, market):
        return _("Not sold in %(market)s") % {"market": market.label}
    if sku.stock <= 0:
        return _("Out of stock")
    if item.quantity > sku.stock:
        return ngettext("Only %(n)d left: lower the quantity", "Only %(n)d left: lower the quantity", sku.stock) % {
            "n": sku.stock
        }
    return ""


def summarize_cart(*, cart: Cart | None, market: MarketConfig, state: str | None = None) -> CartSummary:
    """The cart priced in `market`: lines with their problems, subtotal, shipping, tax and total.

    Two queries, three with a US delivery `state` (its sales tax); without one US tax is pending.
    """
    pricing = MarketPricing.load(market)
    summary = CartSummary(market=market)
    if cart is None:
        return summary
    for item in _priced_items(cart, pricing):
        sku, product = item.sku, item.sku.product
        sku.fixed_price, sku.fixed_original_price = item.sku_fixed_price, item.sku_fixed_original_price
        product.fixed_price, product.fixed_original_price = item.product_fixed_price, item.product_fixed_original_price
        problem = _problem(item, market)
        sellable = is_sold_in(product.market, market) and sku.is_active and product.is_active and sku.stock > 0
        price = pricing.sku_price(sku, product) if sellable else None
        summary.lines.append(CartLine(item=item, price=price, problem=problem))
    line_totals = [line.line_total for line in summary.lines if line.counts]
    if cart.discount_code_id:
        summary.code = cart.discount_code.code
        try:
            summary.offer = _check_cart_code(cart, market, quantize(sum(line_totals, Decimal("0"))))
        except CodeRefused as refusal:
            summary.code_refusal = refusal
    totals = order_totals(line_totals, market, state=state, offer=summary.offer)
    summary.subtotal, summary.shipping, summary.tax, summary.total = (
        totals.subtotal,
        totals.shipping,
        totals.tax,
        totals.total,
    )
    summary.tax_rate, summary.tax_pending, summary.discount = totals.tax_rate, totals.tax_pending, totals.discount
    return summary


def delete_abandoned_visitor_carts(*, now=None, days: int | None = None, batch_size: int = 500) -> int:
    """Delete visitors' carts (never a signed-in shopper's) that were made, changed and had every
    line added or changed more than `days` (`ABANDONED_CART_DAYS`) ago; how many were deleted.

    One run at a time; each batch skips carts a shopper holds locked right now, and the delete
    checks the rules again, so a cart touched meanwhile stays.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.ABANDONED_CART_DAYS if days is None else days)
    touched_lines = CartItem.objects.filter(cart=OuterRef("pk")).filter(
        Q(added_at__gte=cutoff) | Q(updated_at__gte=cutoff)
    )
    abandoned = Cart.objects.filter(user__isnull=True, created_at__lt=cutoff, updated_at__lt=cutoff).exclude(
        Exists(touched_lines)
    )
    deleted = 0
    with exclusive("checkout.delete_abandoned_visitor_carts") as ours:
        while ours:
            with transaction.atomic():
                batch = list(abandoned.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size])
                if not batch:
                    break
                _total, per_model = abandoned.filter(pk__in=batch).delete()
                deleted += per_model.get(Cart._meta.label, 0)
    return deleted


# --- discount codes -------------------------------------------------------------------------------


def _check_cart_code(cart, market, subtotal) -> CodeOffer:
    """The offer of the cart's code for its shopper (a visitor's cart skips the shopper's own rules)."""
    code = cart.discount_code
    orders_before = uses = None
    if cart.user_id:
        orders = Order.objects.filter(user_id=cart.user_id).not_cancelled()
        if code.first_order_only:
            orders_before = orders.count()
        if code.per_shopper_limit is not None:
            uses = orders.filter(discount_code=code).count()
    return check_code(code, market=market, subtotal=subtotal, orders_before=orders_before, uses_by_shopper=uses)


def apply_discount_code(*, cart: Cart | None, text: str, market: MarketConfig) -> str:
    """Put the code `text` on the cart when it can be used there; CodeRefused (or CartError) says why not."""
    if cart is None or not cart.items.exists():
        raise CartError(_("Add something to your cart first."), code="empty_cart")
    code = find_code(text, market)
    cart.discount_code = code
    summary = summarize_cart(cart=cart, market=market)
    if summary.code_refusal:
        raise summary.code_refusal
    cart.save(update_fields=["discount_code", "updated_at"])
    return _("Discount code %(code)s applied.") % {"code": code.code}


def remove_discount_code(*, cart: Cart | None) -> str:
    """Take the code off the cart (nothing happens to a cart without one)."""
    if cart is not None and cart.discount_code_id:
        cart.discount_code = None
        cart.save(update_fields=["discount_code", "updated_at"])
    return _("Discount code removed.")
